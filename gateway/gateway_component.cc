#include "gateway/gateway_component.h"

#include <array>
#include <string_view>
#include <utility>

#include "gateway/open_call_policy.h"

namespace clientele::gateway {
namespace {

// The components whose calls the gateway forwards.
constexpr std::array<std::string_view, 4> kBackends = {"ingest", "identity", "analytics",
                                                       "recommender"};

// Until API keys exist, --auth=required admits no one: secure by default.
class NoKeysCallPolicy final : public CallPolicy {
 public:
  absl::StatusOr<Caller> Admit(const CallCredentials& /*credentials*/,
                               std::string_view /*method*/) override {
    return absl::UnauthenticatedError("missing or invalid credentials");
  }
  bool InspectsResponses(const Caller&, std::string_view) const override { return false; }
  absl::Status FilterResponse(const Caller&, std::string_view,
                              google::protobuf::Message&) override {
    return absl::OkStatus();
  }
};

}  // namespace

server::ComponentInfo GatewayComponent::Info() {
  return {"gateway", "the front door: authentication, authorization and routing of every call",
          /*address_help=*/"", [] { return std::make_unique<GatewayComponent>(); }};
}

absl::Status GatewayComponent::Open(const server::ComponentEnvironment& env) {
  partition_count_ = env.partition_count;
  if (env.auth_required) {
    policy_ = std::make_unique<NoKeysCallPolicy>();
  } else {
    policy_ = std::make_unique<OpenCallPolicy>();
  }
  return absl::OkStatus();
}

absl::Status GatewayComponent::Start(std::shared_ptr<const server::ComponentChannels> channels) {
  // The gateway runs here, so this is the in-process channel to this process's internal
  // server (the gateway's own services, reflection, and the components that run here).
  std::shared_ptr<grpc::Channel> local = channels->ChannelTo("gateway");
  bool all_here = true;
  for (std::string_view backend : kBackends) {
    all_here = all_here && channels->deployment().RunsHere(backend);
  }
  if (all_here) {
    router_ = std::make_unique<front::LocalBackendRouter>(std::move(local));
  } else {
    router_ = std::make_unique<front::SplitBackendRouter>(std::move(channels), std::move(local),
                                                          partition_count_);
  }
  front_ = std::make_unique<front::FrontService>(policy_.get(), router_.get());
  return absl::OkStatus();
}

}  // namespace clientele::gateway
