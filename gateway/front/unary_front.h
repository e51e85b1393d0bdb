// The front's completion queues and its path for unary calls (front_service.h): a few threads
// of the front's own each poll one completion queue, and every call of the public server is
// requested on these queues: the unary methods the front forwards as they are (bytes in, bytes
// out), every other method through the server's async generic service (front_call.h, served
// by the FrontService's reactors), and grpc.health.v1 (common/server/queue_health.h). The
// server has no callback service, so each connection is read by a thread that polls one of
// these queues. A unary call is read, admitted by the CallPolicy, forwarded with one async
// generic call to the backend on the same queue, filtered and answered, every step on the
// thread that polls that queue: no hand-over between threads on the way.
//
// The methods it serves: the unary methods of the given services that the front forwards to one
// backend (FrontService::Composes says which it composes itself: Ingest split by partition,
// GetLogInfo merged, ...). Every other call (streams, composed calls, methods of other services)
// reaches the generic service, the FrontService's reactors. Behaviour is the same on
// both paths: admission, routing, deadline and cancellation propagation (the backend call is a
// child of the front call), metadata passed on but the credentials, the backend's status,
// details and trailing metadata, response filtering.
//
//   UnaryFront unary(&policy, &router, front.UnaryMethods(service_names), &front,
//                    /*threads=*/1);
//   options.async_service = &unary;         // GrpcServer registers, starts and stops it
#ifndef CLIENTELE_GATEWAY_FRONT_UNARY_FRONT_H_
#define CLIENTELE_GATEWAY_FRONT_UNARY_FRONT_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/server/async_service.h"
#include "gateway/call_policy.h"
#include "gateway/front/backend_router.h"
#include "gateway/front/front_call.h"
#include "google/protobuf/message.h"
#include "grpcpp/impl/service_type.h"
#include "grpcpp/server_builder.h"

namespace clientele::gateway::front {

// One method the unary path serves.
struct UnaryMethod {
  std::string name;  // "/pkg.Service/Method"
  // The response type's prototype (generated pool; not owned), to filter responses.
  const google::protobuf::Message* response_prototype = nullptr;
};

// `policy` and `router` are not owned and outlive the front (stop the server first). The
// server's steps (server::AsyncService) come from one thread; calls are served on the front's
// threads.
class UnaryFront final : public server::AsyncService {
 public:
  // `threads` >= 1: completion queues, one thread each. `generic` (not owned, outlives the
  // front; null: none) serves every method no service registers.
  UnaryFront(CallPolicy* policy, BackendRouter* router, std::vector<UnaryMethod> methods,
             FrontReactorFactory* generic, int threads);
  ~UnaryFront() override;

  void Register(grpc::ServerBuilder& builder, server::QueueHealth* health) override;
  bool ServesGenericCalls() const override { return generic_ != nullptr; }
  void Start() override;
  void Stop() override;

  class Call;  // One call in flight (unary_front.cc).

 private:
  // The registered methods, served raw (grpc::ByteBuffer in and out).
  class RawService final : public grpc::Service {
   public:
    explicit RawService(const std::vector<UnaryMethod>& methods);
    using grpc::Service::RequestAsyncUnary;
  };

  // Waits on `queue`'s events and hands each to its call, until the queue is shut down.
  void Poll(grpc::ServerCompletionQueue* queue);
  // Asks the server for the next call of method `index` on `queue`; not once stopping.
  void Request(int index, grpc::ServerCompletionQueue* queue);
  // Asks the server for the next generic call on `queue`; not once stopping.
  static void RequestGeneric(void* front, grpc::ServerCompletionQueue* queue);

  CallPolicy* const policy_;
  BackendRouter* const router_;
  const std::vector<UnaryMethod> methods_;
  FrontReactorFactory* const generic_;
  const int thread_count_;
  RawService service_;
  grpc::AsyncGenericService generic_service_;
  server::QueueHealth* health_ = nullptr;  // Set by Register.
  server::QueueCalls calls_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::thread> threads_;
  // Held (shared) while a call is requested: no request reaches a queue once it is shut down.
  absl::Mutex stop_mu_;
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
};

}  // namespace clientele::gateway::front

#endif  // CLIENTELE_GATEWAY_FRONT_UNARY_FRONT_H_
