// A service that handles its calls on completion queues of its own (gRPC's async API) rather
// than on gRPC's callback threads: the server hands each call's events to the threads that poll
// those queues, with no hop to another thread. GrpcServer (grpc_server.h) drives it:
//
//   Register(builder, health)  before the server is built: registers the service's methods,
//                              adds the completion queues (grpc::ServerBuilder::
//                              AddCompletionQueue) and registers `health` (queue_health.h),
//                              whose calls it requests on those queues too;
//   Start()                    once the server runs: starts the threads that poll the queues;
//   Stop()                     once grpc::Server::Shutdown has returned (every call has been
//                              cancelled or has ended): waits until no call can start an
//                              operation any more, shuts the queues down, drains them and
//                              joins the threads.
//
// The methods a server registers this way are served here; every other method still reaches
// the server's other services (and its generic service). A server with an AsyncService has no
// callback service on its queues: every connection is read by the threads that poll them.
#ifndef CLIENTELE_COMMON_SERVER_ASYNC_SERVICE_H_
#define CLIENTELE_COMMON_SERVER_ASYNC_SERVICE_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/server_context.h"

namespace clientele::server {

class QueueHealth;  // queue_health.h

// The server context an AsyncService gives each of its calls: it tells the server's
// interceptors that no handler thread belongs to the call (call_context_interceptor.h).
class AsyncServerContext : public grpc::ServerContext {};

// What every tag on an AsyncService's queues is: the handler of the event. The thread that
// polls the queue calls Done with the event's `ok`.
class QueueTag {
 public:
  virtual void Done(bool ok) = 0;

 protected:
  ~QueueTag() = default;
};

// A QueueTag that calls `(owner->*handler)(ok)`.
template <typename T>
class MemberTag final : public QueueTag {
 public:
  MemberTag(T* owner, void (T::*handler)(bool ok)) : owner_(owner), handler_(handler) {}
  void Done(bool ok) override { (owner_->*handler_)(ok); }

 private:
  T* const owner_;
  void (T::*const handler_)(bool ok);
};

// Counts the calls on an AsyncService's queues that may still start an operation from a
// thread that does not poll the queue (a backend's callback, a health status change): a
// queue may be shut down only once there are none (starting an operation on a queue that is
// shut down is fatal). Thread-safe.
class QueueCalls {
 public:
  void Begin() {
    absl::MutexLock lock(&mu_);
    ++live_;
  }
  void End() {
    absl::MutexLock lock(&mu_);
    --live_;
  }
  // Returns once Begin and End balance (the queues must still be polled meanwhile).
  void WaitForNone() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* live) { return *live == 0; }, &live_));
  }

 private:
  absl::Mutex mu_;
  int live_ ABSL_GUARDED_BY(mu_) = 0;
};

// Each step is called once, in the order above, from one thread; Stop may come without Start
// (the server did not start), and must then still shut the queues down.
class AsyncService {
 public:
  virtual ~AsyncService() = default;

  // `health` (not owned) outlives the service's queues.
  virtual void Register(grpc::ServerBuilder& builder, QueueHealth* health) = 0;
  // Whether Register registers a generic service (grpc::AsyncGenericService) that takes
  // every method no service registers (ServerOptions::generic_service is then null).
  virtual bool ServesGenericCalls() const { return false; }
  virtual void Start() = 0;
  virtual void Stop() = 0;
};

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_ASYNC_SERVICE_H_
