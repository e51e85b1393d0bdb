#include "common/server/metrics_interceptor.h"

#include <chrono>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/support/interceptor.h"

namespace clientele::server {
namespace {

using grpc::experimental::InterceptionHookPoints;
using RpcType = grpc::experimental::ServerRpcInfo::Type;

constexpr char kStartedHelp[] = "RPCs started on the server.";
constexpr char kHandledHelp[] = "RPCs completed on the server, regardless of success or failure.";
constexpr char kHandlingHelp[] =
    "Time from an RPC's arrival to its status being sent (for a stream, the whole stream), in "
    "seconds.";
constexpr char kReceivedHelp[] = "Messages received on the server, per RPC method.";
constexpr char kSentHelp[] = "Messages sent by the server, per RPC method.";

const char* TypeName(RpcType type) {
  switch (type) {
    case RpcType::UNARY:
      return "unary";
    case RpcType::CLIENT_STREAMING:
      return "client_stream";
    case RpcType::SERVER_STREAMING:
      return "server_stream";
    case RpcType::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unknown";
}

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
      metrics_->Started();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      metrics_->MessageReceived();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      metrics_->MessageSent();
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
    metrics_->Handled(code, elapsed.count());
  }

  MetricsInterceptorFactory::MethodMetrics* const metrics_;
  const std::chrono::steady_clock::time_point start_;
  std::atomic<bool> started_{false};
  std::atomic<bool> recorded_{false};
};

}  // namespace

namespace {

// Whether "/pkg.Service/Method" is a method of the generated descriptor pool.
bool InGeneratedPool(const char* method) {
  auto [service, short_method] = SplitGrpcMethod(method);
  return service != kUnknownMethod &&
         google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
             service + "." + short_method) != nullptr;
}

}  // namespace

std::pair<std::string, std::string> SplitGrpcMethod(const char* method) {
  const std::string_view path = method != nullptr ? method : "";
  const size_t slash = path.rfind('/');
  if (path.size() < 4 || path[0] != '/' || slash == 0 || slash == std::string_view::npos ||
      slash + 1 == path.size()) {
    return {kUnknownMethod, kUnknownMethod};
  }
  return {std::string(path.substr(1, slash - 1)), std::string(path.substr(slash + 1))};
}

MetricsInterceptorFactory::MethodMetrics::MethodMetrics(metrics::Registry* registry,
                                                        metrics::Labels labels)
    : registry_(registry),
      labels_(std::move(labels)),
      started_(registry->GetCounter(kStartedTotalMetric, kStartedHelp, labels_)),
      received_(registry->GetCounter(kMsgReceivedTotalMetric, kReceivedHelp, labels_)),
      sent_(registry->GetCounter(kMsgSentTotalMetric, kSentHelp, labels_)),
      handling_seconds_(registry->GetHistogram(kHandlingSecondsMetric, kHandlingHelp,
                                               metrics::LatencyBucketsSeconds(), labels_)) {}

void MetricsInterceptorFactory::MethodMetrics::Handled(grpc::StatusCode code, double seconds) {
  const int index = (code >= 0 && code < kNumCodes) ? code : grpc::StatusCode::UNKNOWN;
  metrics::Counter* counter = handled_[index].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Racing threads get the same cell from the registry, so either store is fine.
    metrics::Labels labels = labels_;
    labels.emplace_back("grpc_code",
                        absl::StatusCodeToString(static_cast<absl::StatusCode>(index)));
    counter = registry_->GetCounter(kHandledTotalMetric, kHandledHelp, labels);
    handled_[index].store(counter, std::memory_order_release);
  }
  counter->Increment();
  handling_seconds_->Observe(seconds);
}

MetricsInterceptorFactory::MetricsInterceptorFactory(metrics::Registry* registry,
                                                     bool label_generic_calls)
    : registry_(registry), label_generic_calls_(label_generic_calls) {}

MetricsInterceptorFactory::~MetricsInterceptorFactory() = default;

grpc::experimental::Interceptor* MetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  // gRPC answers methods nobody registered through a generic handler, with the path the
  // client sent: labelling by it would let any client add series without bound.
  grpc::ServerContextBase* context = info->server_context();
  const bool generic = dynamic_cast<grpc::GenericServerContext*>(context) != nullptr ||
                       dynamic_cast<grpc::GenericCallbackServerContext*>(context) != nullptr;
  const char* method = info->method();
  if (generic && label_generic_calls_) {
    // Known methods are cached after their first call: the pool is asked once per method.
    {
      absl::ReaderMutexLock lock(&mu_);
      auto it = methods_.find(std::make_pair(std::string(method != nullptr ? method : ""),
                                             static_cast<int>(info->type())));
      if (it != methods_.end()) return new MetricsInterceptor(it->second.get());
    }
    if (!InGeneratedPool(method)) method = nullptr;
  } else if (generic) {
    method = nullptr;
  }
  return new MetricsInterceptor(ForMethod(method, info->type()));
}

MetricsInterceptorFactory::MethodMetrics* MetricsInterceptorFactory::ForMethod(
    const char* method, grpc::experimental::ServerRpcInfo::Type type) {
  std::pair<std::string, int> key(method != nullptr ? method : "", static_cast<int>(type));
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = methods_.find(key);
    if (it != methods_.end()) return it->second.get();
  }
  absl::MutexLock lock(&mu_);
  std::unique_ptr<MethodMetrics>& slot = methods_[key];
  if (slot == nullptr) {
    auto [service, short_method] = SplitGrpcMethod(method);
    const char* type_name = TypeName(type);
    // The type the proto declares: a unary method whose handler gRPC runs as a stream (to
    // parse the request itself, proto_check/) is still unary to its callers.
    if (const google::protobuf::MethodDescriptor* descriptor =
            google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(service + "." +
                                                                                 short_method)) {
      type_name = TypeName(
          descriptor->client_streaming()
              ? (descriptor->server_streaming() ? RpcType::BIDI_STREAMING
                                                : RpcType::CLIENT_STREAMING)
              : (descriptor->server_streaming() ? RpcType::SERVER_STREAMING : RpcType::UNARY));
    }
    slot = std::make_unique<MethodMetrics>(registry_,
                                           metrics::Labels{{"grpc_service", std::move(service)},
                                                           {"grpc_method", std::move(short_method)},
                                                           {"grpc_type", type_name}});
  }
  return slot.get();
}

}  // namespace clientele::server
