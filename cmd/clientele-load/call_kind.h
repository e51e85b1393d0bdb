// What clientele-load calls: one CallKind per RPC it can drive ("recommend", "get_profile", ...),
// created by name from a CallKindRegistry. Adding a kind for another service's benchmark is one
// class and one Register call:
//
//   class MyCall final : public CallKind {
//    public:
//     absl::Status Prepare(const PrepareContext& context) override;  // keys, stubs
//     void Start(uint64_t index, grpc::ClientContext* context, grpc::CompletionQueue* queue,
//                DoneCallback done) override {
//       foo::v1::BarRequest request;
//       request.set_id(ids_[index % ids_.size()]);
//       foo::v1::Foo::Stub* stub = stubs_[index % stubs_.size()].get();
//       StartUnaryOnQueue(stub, &foo::v1::Foo::Stub::PrepareAsyncBar, context, request, queue,
//                         std::move(done));  // call_kind_util.h
//     }
//     int64_t distinct_requests() const override { return ids_.size(); }
//    private:
//     std::vector<std::string> ids_;
//     std::vector<std::unique_ptr<foo::v1::Foo::Stub>> stubs_;  // One per channel.
//   };
//   registry.Register({"my_call", "Foo.Bar with varied ids", [] {
//     return std::make_unique<MyCall>(); }});
#ifndef CLIENTELE_CMD_CLIENTELE_LOAD_CALL_KIND_H_
#define CLIENTELE_CMD_CLIENTELE_LOAD_CALL_KIND_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/support/status.h"

namespace clientele::load {

// What a call kind gets before the run.
struct PrepareContext {
  // Channels to the server, at least one; call i should go to channels[i % size] so the load
  // spreads over several HTTP/2 connections. Shared; they outlive the call kind.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  // The subjects of the calls, e.g. profile ids or "system/id" source keys (from --keys=FILE).
  // Empty: the call kind asks the server for them.
  std::vector<std::string> keys;
  // At most this many keys are fetched from the server.
  int64_t max_keys = 100000;
  // Kind-specific parameters (--param=name=value); a kind rejects names it does not know.
  std::map<std::string, std::string> params;
  // Seeds any randomness of the requests (the order of the keys).
  uint64_t seed = 1;
  // Deadline of each RPC made while preparing.
  absl::Duration timeout = absl::Seconds(30);
};

// Runs exactly once per call, with the call's final status, on the thread that took the call's
// completion from its queue (one of the load runner's threads; may start the next call). Must
// not block.
using DoneCallback = std::function<void(const grpc::Status&)>;

// The tag of a call started on a grpc::CompletionQueue by a CallKind: the thread that takes the
// tag from the queue (CompletionQueue::Next) calls Complete with the event's `ok` exactly once.
// Complete runs the call's DoneCallback and deletes the object: the queue's consumer owns
// nothing and must not touch the tag afterwards.
class QueuedCall {
 public:
  virtual ~QueuedCall() = default;
  virtual void Complete(bool ok) = 0;

  // A completion queue orders the thread that hands it a tag before the thread that takes the
  // tag off, but ThreadSanitizer cannot see that (Debian's gRPC is not built with TSan). So
  // whoever starts a call calls HandedToQueue() after its last write to the call's state and
  // before the operation that gives the tag to gRPC, and whoever takes the tag off calls
  // TakenFromQueue() before Complete: a release store and an acquire load that TSan sees (plain
  // moves on x86).
  void HandedToQueue() { handed_.store(true, std::memory_order_release); }
  void TakenFromQueue() const { (void)handed_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> handed_{false};
};

// One kind of call. Prepare runs once, then Start runs concurrently from many threads.
class CallKind {
 public:
  virtual ~CallKind() = default;

  // Fetches what the calls need from the server (keys, a catalog), builds the stubs. Errors:
  // InvalidArgument for a bad parameter (naming it), FailedPrecondition when the server has
  // nothing to call with (e.g. no profiles), or the fetch's own status.
  virtual absl::Status Prepare(const PrepareContext& context) = 0;

  // Starts call number `index` (requests vary with it) asynchronously on `queue` and returns at
  // once; never runs `done` itself. The call's one completion event is a QueuedCall tag on
  // `queue` (the caller takes it off with Next and calls Complete, which runs `done`).
  // `context` is owned by the caller, configured (deadline) and alive until `done` has run;
  // `queue` is the caller's, not shut down before the tag has come out of it.
  // Thread-safe after Prepare.
  virtual void Start(uint64_t index, grpc::ClientContext* context, grpc::CompletionQueue* queue,
                     DoneCallback done) = 0;

  // How many distinct requests the calls cycle through (e.g. keys), for the report.
  virtual int64_t distinct_requests() const = 0;
};

struct CallKindInfo {
  std::string name;         // The value of --call, e.g. "recommend".
  std::string description;  // One line for --help.
  std::function<std::unique_ptr<CallKind>()> create;
};

// Call kinds by name. Not thread-safe for Register; Create is const.
class CallKindRegistry {
 public:
  // AlreadyExists if the name is taken, InvalidArgument if it or `create` is empty.
  absl::Status Register(CallKindInfo info);
  // NotFound (listing the known names) for an unknown name.
  absl::StatusOr<std::unique_ptr<CallKind>> Create(const std::string& name) const;
  // In name order.
  std::vector<const CallKindInfo*> List() const;

 private:
  std::map<std::string, CallKindInfo> kinds_;
};

// The registry with every built-in kind: recommend (when the recommender proto is built in),
// get_profile, customer_analytics, ingest, health.
CallKindRegistry BuiltinCallKinds();

}  // namespace clientele::load

#endif  // CLIENTELE_CMD_CLIENTELE_LOAD_CALL_KIND_H_
