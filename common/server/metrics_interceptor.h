// A gRPC server interceptor that records, per method, the metrics of go-grpc-prometheus that
// the standard gRPC dashboards read:
//
//   grpc_server_started_total{grpc_service,grpc_method,grpc_type}             counter
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_type,grpc_code}   counter
//   grpc_server_handling_seconds{grpc_service,grpc_method,grpc_type}          histogram
//   grpc_server_msg_received_total{grpc_service,grpc_method,grpc_type}        counter
//   grpc_server_msg_sent_total{grpc_service,grpc_method,grpc_type}            counter
//
// grpc_service is the full service name ("clientele.ingest.v1.IngestService"), grpc_method the
// short method name ("Ingest"), grpc_type one of unary, client_stream, server_stream,
// bidi_stream (as the method's proto declares it when the method is in the generated descriptor
// pool, else as gRPC runs it), and grpc_code the canonical code name ("OK", "NOT_FOUND", ...).
// Calls handled by a generic service, which includes gRPC's own UNIMPLEMENTED answer to
// unregistered methods, are labelled grpc_service="unknown", grpc_method="unknown" so that
// clients cannot create series at will; with label_generic_calls (a server whose generic
// service forwards calls, like the gateway's front) those of methods in the generated
// descriptor pool are labelled by their method. A call is started when its metadata arrives;
// handling time runs from the call's arrival to the moment its status is sent (for a stream, the
// whole stream). A started call that ends without sending a status is counted as CANCELLED.
//
// GrpcServer installs it; other servers can use it through
// grpc::ServerBuilder::experimental().SetInterceptorCreators.
#ifndef CLIENTELE_COMMON_SERVER_METRICS_INTERCEPTOR_H_
#define CLIENTELE_COMMON_SERVER_METRICS_INTERCEPTOR_H_

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/metrics/registry.h"
#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status_code_enum.h"

namespace clientele::server {

inline constexpr char kStartedTotalMetric[] = "grpc_server_started_total";
inline constexpr char kHandledTotalMetric[] = "grpc_server_handled_total";
inline constexpr char kHandlingSecondsMetric[] = "grpc_server_handling_seconds";
inline constexpr char kMsgReceivedTotalMetric[] = "grpc_server_msg_received_total";
inline constexpr char kMsgSentTotalMetric[] = "grpc_server_msg_sent_total";
inline constexpr char kUnknownMethod[] = "unknown";

// ("pkg.Service", "Method") for "/pkg.Service/Method"; ("unknown", "unknown") for anything
// else (a null or empty method, a path without both parts).
std::pair<std::string, std::string> SplitGrpcMethod(const char* method);

// Thread-safe. `registry` is not owned and must outlive the factory and every server
// that uses it.
class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(metrics::Registry* registry, bool label_generic_calls = false);
  ~MetricsInterceptorFactory() override;

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  // The metric cells of one method, looked up once and cached.
  class MethodMetrics {
   public:
    // `labels`: grpc_service, grpc_method and grpc_type.
    MethodMetrics(metrics::Registry* registry, metrics::Labels labels);
    void Started() { started_->Increment(); }
    void MessageReceived() { received_->Increment(); }
    void MessageSent() { sent_->Increment(); }
    void Handled(grpc::StatusCode code, double seconds);

   private:
    static constexpr int kNumCodes = grpc::StatusCode::UNAUTHENTICATED + 1;

    metrics::Registry* const registry_;
    const metrics::Labels labels_;
    metrics::Counter* const started_;
    metrics::Counter* const received_;
    metrics::Counter* const sent_;
    metrics::Histogram* const handling_seconds_;
    // One counter per status code, created on first use.
    std::array<std::atomic<metrics::Counter*>, kNumCodes> handled_{};
  };

 private:
  MethodMetrics* ForMethod(const char* method, grpc::experimental::ServerRpcInfo::Type type);

  metrics::Registry* const registry_;
  const bool label_generic_calls_;
  absl::Mutex mu_;
  // Keyed by method path and type.
  absl::flat_hash_map<std::pair<std::string, int>, std::unique_ptr<MethodMetrics>> methods_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_METRICS_INTERCEPTOR_H_
