#include "common/client/api_key_channel.h"

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/support/client_interceptor.h"

namespace clientele {
namespace {

absl::Status CheckHeaderSafe(const std::string& key, const std::string& source) {
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": the API key holds a blank or non-printable character"));
    }
  }
  return absl::OkStatus();
}

// Adds the authorization header to every call of the channel.
class BearerInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(const std::string* header) : header_(header) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", *header_);
    }
    methods->Proceed();
  }

 private:
  const std::string* const header_;  // Owned by the factory, which the channel keeps.
};

class BearerInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerInterceptorFactory(const std::string& api_key) : header_("Bearer " + api_key) {}

  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    return new BearerInterceptor(&header_);
  }

 private:
  const std::string header_;
};

}  // namespace

absl::StatusOr<std::string> ResolveApiKey(const std::string& key_flag,
                                          const std::string& key_file_flag, const char* env_value) {
  if (!key_flag.empty() && !key_file_flag.empty()) {
    return absl::InvalidArgumentError("--api-key excludes --api-key-file: give one");
  }
  if (!key_flag.empty()) {
    if (absl::Status safe = CheckHeaderSafe(key_flag, "--api-key"); !safe.ok()) return safe;
    return key_flag;
  }
  if (!key_file_flag.empty()) {
    std::ifstream file(key_file_flag);
    if (!file) {
      return absl::InvalidArgumentError(
          absl::StrCat("--api-key-file: cannot read ", key_file_flag));
    }
    std::stringstream text;
    text << file.rdbuf();
    std::string key(absl::StripAsciiWhitespace(text.str()));
    if (key.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--api-key-file: ", key_file_flag, " is empty"));
    }
    if (absl::Status safe = CheckHeaderSafe(key, "--api-key-file"); !safe.ok()) return safe;
    return key;
  }
  if (env_value == nullptr || *env_value == '\0') return std::string();
  std::string key(absl::StripAsciiWhitespace(env_value));
  if (absl::Status safe = CheckHeaderSafe(key, kApiKeyEnv); !safe.ok()) return safe;
  return key;
}

std::shared_ptr<grpc::Channel> CreateChannelWithApiKey(
    const std::string& target, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    const grpc::ChannelArguments& args, const std::string& api_key) {
  if (api_key.empty()) return grpc::CreateCustomChannel(target, credentials, args);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<BearerInterceptorFactory>(api_key));
  return grpc::experimental::CreateCustomChannelWithInterceptors(target, credentials, args,
                                                                 std::move(factories));
}

}  // namespace clientele
