#include "gateway/front/front_service.h"

#include <string_view>
#include <utility>
#include <vector>

#include "gateway/front/forwarding.h"
#include "gateway/front/method_routes.h"
#include "gateway/front/proxy_calls.h"
#include "google/protobuf/descriptor.h"

namespace clientele::gateway::front {
namespace {

constexpr std::string_view kGetLogInfo = "/clientele.ingest.v1.IngestService/GetLogInfo";
constexpr std::string_view kListRejected = "/clientele.ingest.v1.IngestService/ListRejected";
constexpr std::string_view kRemoveConsumer = "/clientele.ingest.v1.IngestService/RemoveConsumer";
constexpr std::string_view kListJobs = "/clientele.common.v1.JobService/ListJobs";

FrontService::MethodInfo InfoOf(const std::string& method) {
  FrontService::MethodInfo info;
  const size_t slash = method.rfind('/');
  if (method.size() < 4 || method[0] != '/' || slash == 0 || slash == std::string::npos) {
    return info;
  }
  std::string full_name = method.substr(1);
  full_name[slash - 1] = '.';
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full_name);
  if (descriptor == nullptr) return info;
  info.known = true;
  info.client_streaming = descriptor->client_streaming();
  info.server_streaming = descriptor->server_streaming();
  info.response_prototype = google::protobuf::MessageFactory::generated_factory()->GetPrototype(
      descriptor->output_type());
  return info;
}

}  // namespace

FrontService::FrontService(CallPolicy* policy, BackendRouter* router)
    : policy_(policy), router_(router) {}

const FrontService::MethodInfo& FrontService::Lookup(const std::string& method) {
  {
    absl::ReaderMutexLock lock(&mu_);
    if (auto it = methods_.find(method); it != methods_.end()) return *it->second;
  }
  static const MethodInfo* const kUnknown = new MethodInfo();
  MethodInfo info = InfoOf(method);
  if (!info.known) return *kUnknown;  // Not cached: clients cannot grow the map.
  absl::MutexLock lock(&mu_);
  std::unique_ptr<MethodInfo>& slot = methods_[method];
  if (slot == nullptr) slot = std::make_unique<MethodInfo>(info);
  return *slot;
}

bool FrontService::Composes(const std::string& method) const {
  if (method == kListJobs) return router_->JobServices().size() > 1;
  if (router_->ingest_split_partitions() == 0) return false;
  return RouteOfMethod(method).kind == RouteKind::kIngestEvents || method == kGetLogInfo ||
         method == kListRejected || method == kRemoveConsumer;
}

std::vector<UnaryMethod> FrontService::UnaryMethods(
    const std::vector<std::string>& services) const {
  std::vector<UnaryMethod> methods;
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      std::string path = "/" + service->full_name() + "/" + method->name();
      if (method->client_streaming() || method->server_streaming() || Composes(path)) continue;
      methods.push_back(
          {std::move(path), google::protobuf::MessageFactory::generated_factory()->GetPrototype(
                                method->output_type())});
    }
  }
  return methods;
}

FrontReactor* FrontService::CreateReactor(FrontCall* front_call) {
  grpc::GenericServerContext* context = front_call->context();
  const std::string& method = context->method();
  absl::StatusOr<Caller> caller = AdmitCall(*policy_, *context, method);
  if (!caller.ok()) return NewFinishedCall(front_call, ToFrontStatus(caller.status()));

  const MethodInfo& info = Lookup(method);
  ForwardedCall call;
  call.policy = policy_;
  call.method = method;
  if (info.response_prototype != nullptr && policy_->InspectsResponses(*caller, method)) {
    call.inspected_response = info.response_prototype;
  }
  call.caller = *std::move(caller);
  if (Composes(method)) {
    if (RouteOfMethod(method).kind == RouteKind::kIngestEvents) {
      return NewIngestSplitCall(front_call, std::move(call), router_);
    }
    if (method == kListJobs) return NewListJobsCall(front_call, std::move(call), router_);
    if (method == kListRejected) return NewListRejectedCall(front_call, std::move(call), router_);
    if (method == kRemoveConsumer) {
      return NewRemoveConsumerCall(front_call, std::move(call), router_);
    }
    return NewLogInfoCall(front_call, std::move(call), router_);
  }
  if (info.known && !info.client_streaming && !info.server_streaming) {
    return NewUnaryProxy(front_call, std::move(call), router_);
  }
  return NewStreamProxy(front_call, std::move(call), router_);
}

}  // namespace clientele::gateway::front
