#include "common/server/metrics_interceptor.h"

#include <chrono>
#include <utility>

#include "absl/status/status.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/support/interceptor.h"

namespace clientele::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr char kHandledHelp[] = "RPCs completed on the server, by method and status code.";
constexpr char kHandlingHelp[] = "Time from an RPC's arrival to its status being sent, in seconds.";

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit MetricsInterceptor(MetricsInterceptorFactory::MethodMetrics* metrics)
      : metrics_(metrics), start_(std::chrono::steady_clock::now()) {}

  ~MetricsInterceptor() override {
    // The call ended without a status passing through (e.g. the server cancelled it).
    if (started_.load(std::memory_order_relaxed)) Record(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      started_.store(true, std::memory_order_relaxed);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Record(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  // Records at most once per call: a send-status batch and the destructor may race.
  void Record(grpc::StatusCode code) {
    if (recorded_.exchange(true)) return;
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    metrics_->Record(code, elapsed.count());
  }

  MetricsInterceptorFactory::MethodMetrics* const metrics_;
  const std::chrono::steady_clock::time_point start_;
  std::atomic<bool> started_{false};
  std::atomic<bool> recorded_{false};
};

}  // namespace

MetricsInterceptorFactory::MethodMetrics::MethodMetrics(metrics::Registry* registry,
                                                        std::string method)
    : registry_(registry),
      method_(std::move(method)),
      handling_seconds_(registry->GetHistogram(kHandlingSecondsMetric, kHandlingHelp,
                                               metrics::LatencyBucketsSeconds(),
                                               {{"grpc_method", method_}})) {}

void MetricsInterceptorFactory::MethodMetrics::Record(grpc::StatusCode code, double seconds) {
  const int index = (code >= 0 && code < kNumCodes) ? code : grpc::StatusCode::UNKNOWN;
  metrics::Counter* counter = handled_[index].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Racing threads get the same cell from the registry, so either store is fine.
    const std::string code_name(absl::StatusCodeToString(static_cast<absl::StatusCode>(index)));
    counter = registry_->GetCounter(kHandledTotalMetric, kHandledHelp,
                                    {{"grpc_method", method_}, {"grpc_code", code_name}});
    handled_[index].store(counter, std::memory_order_release);
  }
  counter->Increment();
  handling_seconds_->Observe(seconds);
}

MetricsInterceptorFactory::MetricsInterceptorFactory(metrics::Registry* registry)
    : registry_(registry) {}

MetricsInterceptorFactory::~MetricsInterceptorFactory() = default;

grpc::experimental::Interceptor* MetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  // gRPC answers methods nobody registered through a generic handler, with the path the
  // client sent: labelling by it would let any client add series without bound.
  grpc::ServerContextBase* context = info->server_context();
  const bool generic = dynamic_cast<grpc::GenericServerContext*>(context) != nullptr ||
                       dynamic_cast<grpc::GenericCallbackServerContext*>(context) != nullptr;
  return new MetricsInterceptor(ForMethod(generic ? nullptr : info->method()));
}

MetricsInterceptorFactory::MethodMetrics* MetricsInterceptorFactory::ForMethod(const char* method) {
  const std::string name = (method == nullptr || *method == '\0') ? kUnknownMethod : method;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = methods_.find(name);
    if (it != methods_.end()) return it->second.get();
  }
  absl::MutexLock lock(&mu_);
  std::unique_ptr<MethodMetrics>& slot = methods_[name];
  if (slot == nullptr) slot = std::make_unique<MethodMetrics>(registry_, name);
  return slot.get();
}

}  // namespace clientele::server
