#include "common/server/call_context_interceptor.h"

#include <cstdint>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "common/logging/log_context.h"
#include "common/server/async_service.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/interceptor.h"

namespace clientele::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr size_t kMaxRequestIdLength = 128;

class CallContextInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallContextInterceptor(const char* method, bool sync)
      : method_(method != nullptr ? method : ""), sync_(sync) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      std::string_view sent;
      if (auto* metadata = methods->GetRecvInitialMetadata(); metadata != nullptr) {
        auto it = metadata->find(kRequestIdMetadata);
        if (it != metadata->end()) sent = std::string_view(it->second.data(), it->second.size());
      }
      request_id_ = ChooseRequestId(sent);
      // A sync handler runs next on this thread.
      if (sync_) logging::SetCallContext(method_, request_id_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      if (auto* metadata = methods->GetSendInitialMetadata(); metadata != nullptr) {
        if (request_id_.empty()) request_id_ = ChooseRequestId({});
        metadata->emplace(kRequestIdMetadata, request_id_);
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      // A sync handler has returned (it sends the status on its thread): the thread is free.
      if (sync_ && logging::CurrentLogContext().request_id == request_id_) {
        logging::ClearCallContext();
      }
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  const bool sync_;  // A sync-API handler: it runs on the thread that runs the hooks.
  std::string request_id_;
};

}  // namespace

std::string ChooseRequestId(std::string_view sent) {
  bool acceptable = !sent.empty() && sent.size() <= kMaxRequestIdLength;
  for (char c : sent) acceptable = acceptable && c >= 0x21 && c <= 0x7e;
  if (acceptable) return std::string(sent);
  thread_local absl::BitGen bits;
  const uint64_t high = absl::Uniform<uint64_t>(bits);
  const uint64_t low = absl::Uniform<uint64_t>(bits);
  char bytes[16];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>(high >> (56 - 8 * i));
    bytes[8 + i] = static_cast<char>(low >> (56 - 8 * i));
  }
  return absl::BytesToHexString(absl::string_view(bytes, sizeof(bytes)));
}

grpc::experimental::Interceptor* CallContextInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  grpc::ServerContextBase* context = info->server_context();
  const bool sync = dynamic_cast<grpc::ServerContext*>(context) != nullptr &&
                    dynamic_cast<grpc::GenericServerContext*>(context) == nullptr &&
                    dynamic_cast<AsyncServerContext*>(context) == nullptr;
  return new CallContextInterceptor(info->method(), sync);
}

}  // namespace clientele::server
