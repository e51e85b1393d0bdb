// A gRPC server interceptor that records, per method:
//
//   grpc_server_handled_total{grpc_method="/pkg.Service/Method",grpc_code="OK"}  counter
//   grpc_server_handling_seconds{grpc_method="/pkg.Service/Method"}              histogram
//
// grpc_method is the full method path as gRPC reports it; grpc_code is the canonical code
// name ("OK", "NOT_FOUND", ...). Calls handled by a generic service, which includes gRPC's
// own UNIMPLEMENTED answer to unregistered methods, are labelled grpc_method="unknown" so
// that clients cannot create series at will. Handling time runs from the call's arrival to the
// moment its status is sent (for a stream, the whole stream). A call that ends without sending a
// status is counted as CANCELLED.
//
// GrpcServer installs it; other servers can use it through
// grpc::ServerBuilder::experimental().SetInterceptorCreators.
#ifndef CLIENTELE_COMMON_SERVER_METRICS_INTERCEPTOR_H_
#define CLIENTELE_COMMON_SERVER_METRICS_INTERCEPTOR_H_

#include <array>
#include <atomic>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/metrics/registry.h"
#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status_code_enum.h"

namespace clientele::server {

inline constexpr char kHandledTotalMetric[] = "grpc_server_handled_total";
inline constexpr char kHandlingSecondsMetric[] = "grpc_server_handling_seconds";
inline constexpr char kUnknownMethod[] = "unknown";

// Thread-safe. `registry` is not owned and must outlive the factory and every server
// that uses it.
class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(metrics::Registry* registry);
  ~MetricsInterceptorFactory() override;

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  // The metric cells of one method, looked up once and cached.
  class MethodMetrics {
   public:
    MethodMetrics(metrics::Registry* registry, std::string method);
    void Record(grpc::StatusCode code, double seconds);

   private:
    static constexpr int kNumCodes = grpc::StatusCode::UNAUTHENTICATED + 1;

    metrics::Registry* const registry_;
    const std::string method_;
    metrics::Histogram* const handling_seconds_;
    // One counter per status code, created on first use.
    std::array<std::atomic<metrics::Counter*>, kNumCodes> handled_{};
  };

 private:
  MethodMetrics* ForMethod(const char* method);

  metrics::Registry* const registry_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_METRICS_INTERCEPTOR_H_
