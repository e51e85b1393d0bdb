// Building blocks for CallKind implementations: typed --param access, a unary call on a
// completion queue that owns its response, and a base class for kinds whose calls name a
// customer.
#ifndef CLIENTELE_CMD_CLIENTELE_LOAD_CALL_KIND_UTIL_H_
#define CLIENTELE_CMD_CLIENTELE_LOAD_CALL_KIND_UTIL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cmd/clientele-load/call_kind.h"
#include "cmd/clientele-load/keys.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/support/async_unary_call.h"
#include "grpcpp/support/status.h"

namespace clientele::load {

// Reads --param values by name and remembers which were read, so that a misspelt name is an
// error instead of being ignored. Errors name the parameter.
class Params {
 public:
  Params(std::string kind, std::map<std::string, std::string> values)
      : kind_(std::move(kind)), values_(std::move(values)) {}

  std::string String(const std::string& name, const std::string& default_value);
  absl::StatusOr<int64_t> Int(const std::string& name, int64_t default_value, int64_t min,
                              int64_t max);
  // true/false/1/0/yes/no.
  absl::StatusOr<bool> Bool(const std::string& name, bool default_value);
  // InvalidArgument naming the first parameter nobody asked for, with the known names.
  absl::Status CheckAllUsed() const;

 private:
  const std::string kind_;
  const std::map<std::string, std::string> values_;
  std::set<std::string> known_;
};

// Starts one unary call on `queue`: `prepare` is the stub's PrepareAsync method, e.g.
//   StartUnaryOnQueue(stub, &foo::v1::Foo::Stub::PrepareAsyncBar, context, request, queue, done);
// The request is serialized before this returns (it need not outlive the call). The response
// and the reader live in a heap-allocated QueuedCall that is the call's tag on `queue`: its
// Complete (run by the thread that takes the tag off the queue) runs `done` with the call's
// status and deletes it.
template <typename Stub, typename Request, typename Response>
void StartUnaryOnQueue(Stub* stub,
                       std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> (Stub::*prepare)(
                           grpc::ClientContext*, const Request&, grpc::CompletionQueue*),
                       grpc::ClientContext* context, const Request& request,
                       grpc::CompletionQueue* queue, DoneCallback done) {
  class Unary final : public QueuedCall {
   public:
    explicit Unary(DoneCallback done) : done_(std::move(done)) {}

    void Complete(bool ok) override {
      // The reader lives in the call's arena, which the context owns: it goes first (`done` may
      // delete the context).
      reader_.reset();
      // gRPC delivers a unary Finish with ok == true whatever the call's outcome; false would
      // mean the queue broke its contract, and the call still needs an end.
      if (!ok) status_ = grpc::Status(grpc::StatusCode::INTERNAL, "completion queue: ok=false");
      done_(status_);
      delete this;
    }

    std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader_;
    Response response_;
    grpc::Status status_;

   private:
    DoneCallback done_;
  };
  auto* call = new Unary(std::move(done));
  call->reader_ = (stub->*prepare)(context, request, queue);
  grpc::ClientAsyncResponseReader<Response>* reader = call->reader_.get();
  Response* response = &call->response_;
  grpc::Status* status = &call->status_;
  reader->StartCall();
  // The last touch of `call` here: from Finish on, another thread may complete and delete it.
  call->HandedToQueue();
  reader->Finish(response, status, call);
}

// A call kind whose call i names customer keys()[i % n]: the keys come from --keys, or from
// identity (param keys=profiles, the default: profile ids from ListProfiles; keys=source_keys:
// source keys from GetProfileMap, param system= to keep one system's). Subclasses read their
// own params and build their stubs.
class KeyedCallKind : public CallKind {
 public:
  absl::Status Prepare(const PrepareContext& context) final;
  int64_t distinct_requests() const final { return static_cast<int64_t>(keys_.size()); }

 protected:
  // Reads the subclass's parameters (before any RPC).
  virtual absl::Status ReadParams(Params& params) = 0;
  // Builds one stub per channel.
  virtual void MakeStubs(const std::vector<std::shared_ptr<grpc::Channel>>& channels) = 0;
  // The key of call `index`.
  const ParsedKey& KeyFor(uint64_t index) const { return keys_[index % keys_.size()]; }

  virtual std::string name() const = 0;

 private:
  std::vector<ParsedKey> keys_;
};

}  // namespace clientele::load

#endif  // CLIENTELE_CMD_CLIENTELE_LOAD_CALL_KIND_UTIL_H_
