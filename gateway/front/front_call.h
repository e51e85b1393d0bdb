// A generic call of the front (front_service.h) on the front's completion queues
// (unary_front.h), and the reactor that serves it. FrontCall adapts gRPC's async generic
// stream (grpc::GenericServerAsyncReaderWriter) to the reactor interface of gRPC's callback
// API that the front's calls are written against: StartRead, StartWrite, StartWriteAndFinish
// and Finish may be called from any thread (at most one read and one write in flight); the
// reactions (OnReadDone, OnWriteDone, OnCancel, OnDone) run on the thread that polls the
// call's queue, one at a time. OnCancel comes at most once, when the call was cancelled (the
// client went away, its deadline passed, the server shut down); OnDone comes last, once Finish
// has completed and no operation is in flight: the reactor may delete itself then, and must
// start nothing after it. Internal to gateway/front.
#ifndef CLIENTELE_GATEWAY_FRONT_FRONT_CALL_H_
#define CLIENTELE_GATEWAY_FRONT_FRONT_CALL_H_

#include "common/server/async_service.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/status.h"

namespace clientele::gateway::front {

class FrontCall;

// The reactor of one FrontCall; its constructor may start operations. It counts in its call's
// QueueCalls from construction to destruction, so the front stops (and its router releases the
// backend channels) only once every reactor is gone, even one whose last owner is a backend
// call ending on a gRPC callback thread after the front call itself has ended: that thread
// must never drop a channel's last reference (grpc++ 1.51 would then shut its callback queue
// down from one of that queue's own threads).
class FrontReactor {
 public:
  virtual ~FrontReactor();

  virtual void OnReadDone(bool /*ok*/) {}
  virtual void OnWriteDone(bool /*ok*/) {}
  virtual void OnCancel() {}
  virtual void OnDone() = 0;

 protected:
  explicit FrontReactor(FrontCall* call);

  void StartRead(grpc::ByteBuffer* message);
  void StartWrite(const grpc::ByteBuffer* message);
  // Writes `message` and the status in one operation (no OnWriteDone).
  void StartWriteAndFinish(const grpc::ByteBuffer* message, grpc::WriteOptions options,
                           const grpc::Status& status);
  void Finish(const grpc::Status& status);

 private:
  FrontCall* const call_;
  server::QueueCalls* const calls_;
};

// Creates the reactor of a call once it arrived: FrontService::CreateReactor.
class FrontReactorFactory {
 public:
  virtual FrontReactor* CreateReactor(FrontCall* call) = 0;

 protected:
  ~FrontReactorFactory() = default;
};

// One generic call, from the server's request for it to its end. Owns itself (and its
// reactor): deleted after the reactor's OnDone, or when the request fails (the server shuts
// down). Counted in `calls` from its arrival to its end.
class FrontCall {
 public:
  // Requests the next generic call of `service` on `queue`.
  static void Request(grpc::AsyncGenericService* service, grpc::ServerCompletionQueue* queue,
                      FrontReactorFactory* factory, server::QueueCalls* calls,
                      void (*on_arrival)(void* arg, grpc::ServerCompletionQueue* queue), void* arg);

  // The call's context: method, metadata, deadline, peer. Valid until OnDone.
  grpc::GenericServerContext* context() { return &context_; }

 private:
  friend class FrontReactor;

  FrontCall(grpc::AsyncGenericService* service, grpc::ServerCompletionQueue* queue,
            FrontReactorFactory* factory, server::QueueCalls* calls,
            void (*on_arrival)(void* arg, grpc::ServerCompletionQueue* queue), void* arg);

  void StartRead(grpc::ByteBuffer* message);
  void StartWrite(const grpc::ByteBuffer* message);
  void StartWriteAndFinish(const grpc::ByteBuffer* message, grpc::WriteOptions options,
                           const grpc::Status& status);
  void Finish(const grpc::Status& status);

  void OnArrived(bool ok);
  void OnRead(bool ok);
  void OnWritten(bool ok);
  void OnFinished(bool ok);
  void OnCallDone(bool ok);
  // One operation (or the done notice) is over: ends the call when nothing remains.
  void Settle(bool finished, bool call_done);

  grpc::ServerCompletionQueue* const queue_;
  FrontReactorFactory* const factory_;
  server::QueueCalls* const calls_;
  void (*const on_arrival_)(void* arg, grpc::ServerCompletionQueue* queue);
  void* const arg_;
  grpc::GenericServerContext context_;
  grpc::GenericServerAsyncReaderWriter stream_;
  FrontReactor* reactor_ = nullptr;  // Set on arrival, on the queue's thread.
  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;  // Reads, writes and the finish.
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool call_done_ ABSL_GUARDED_BY(mu_) = false;
  server::MemberTag<FrontCall> arrived_{this, &FrontCall::OnArrived};
  server::MemberTag<FrontCall> read_{this, &FrontCall::OnRead};
  server::MemberTag<FrontCall> written_{this, &FrontCall::OnWritten};
  server::MemberTag<FrontCall> finish_{this, &FrontCall::OnFinished};
  server::MemberTag<FrontCall> done_{this, &FrontCall::OnCallDone};
};

}  // namespace clientele::gateway::front

#endif  // CLIENTELE_GATEWAY_FRONT_FRONT_CALL_H_
