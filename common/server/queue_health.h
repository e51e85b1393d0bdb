// grpc.health.v1 (Check and Watch) answered on an AsyncService's completion queues
// (async_service.h) instead of on gRPC's callback threads: a server whose every service is on
// its own queues then has no callback queue at all, and each connection is read by the thread
// that serves its calls. GrpcServer installs it as the server's health service
// (grpc::HealthCheckServiceServerBuilderOption) when it has an AsyncService, which requests its
// calls on its queues:
//
//   QueueHealth health;
//   health.Register(builder, &calls);   // before the server is built; calls: the service's
//                                       // QueueCalls
//   health.Serve(queue);            // for each queue, once the server runs
//   ...
//   health.StopRequesting();        // once the server has shut down, before the queues do
//
// Behaves as gRPC's default health service: Check answers the status of a name (NOT_FOUND
// for a name never set), Watch sends the current status (SERVICE_UNKNOWN for a name never
// set) and every change; Shutdown sets every name NOT_SERVING and ignores later changes.
#ifndef CLIENTELE_COMMON_SERVER_QUEUE_HEALTH_H_
#define CLIENTELE_COMMON_SERVER_QUEUE_HEALTH_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "common/server/async_service.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"

namespace clientele::server {

// Thread-safe.
class QueueHealth final : public grpc::HealthCheckServiceInterface {
 public:
  void SetServingStatus(const std::string& service_name, bool serving) override;
  void SetServingStatus(bool serving) override;
  void Shutdown() override;

  // `calls` (not owned) outlives every call; each Watch call counts in it while it lives.
  void Register(grpc::ServerBuilder& builder, QueueCalls* calls) {
    calls_ = calls;
    builder.RegisterService(&service_);
  }
  // Asks the server for the next Check and Watch call on `queue`; nothing once stopping.
  void Serve(grpc::ServerCompletionQueue* queue);
  void StopRequesting();

  class CheckCall;
  class WatchCall;

 private:
  using Status = grpc::health::v1::HealthCheckResponse::ServingStatus;

  void Set(const std::string& name, Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The status of `name`, and whether it was ever set.
  bool Lookup(const std::string& name, Status* status);
  // Registers `watch` for changes of `name` and sends it the current status.
  void Watch(const std::string& name, WatchCall* watch);
  void Unwatch(const std::string& name, WatchCall* watch);
  void RequestCheck(grpc::ServerCompletionQueue* queue);
  void RequestWatch(grpc::ServerCompletionQueue* queue);

  QueueCalls* calls_ = nullptr;  // Set by Register.
  grpc::health::v1::Health::AsyncService service_;
  absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<std::string, Status> statuses_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, absl::flat_hash_set<WatchCall*>> watches_ ABSL_GUARDED_BY(mu_);
  // Held (shared) while a call is requested: no request reaches a queue once it is shut down.
  absl::Mutex stop_mu_;
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
};

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_QUEUE_HEALTH_H_
