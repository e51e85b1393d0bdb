#include "common/server/component_channels.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/server/grpc_server.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace clientele::server {

std::string AddressOfPartition(std::string address, uint32_t partition, uint32_t replicas) {
  const uint32_t ordinal = replicas == 0 ? partition : partition % replicas;
  for (const auto& [placeholder, value] :
       {std::pair<std::string_view, uint32_t>{"{partition}", partition}, {"{ordinal}", ordinal}}) {
    if (size_t at = address.find(placeholder); at != std::string::npos) {
      address.replace(at, placeholder.size(), std::to_string(value));
    }
  }
  return address;
}

ComponentChannels::ComponentChannels(GrpcServer* server, Deployment deployment,
                                     int max_message_bytes,
                                     std::shared_ptr<grpc::ChannelCredentials> remote_credentials)
    : server_(server),
      deployment_(std::move(deployment)),
      max_message_bytes_(max_message_bytes),
      remote_credentials_(remote_credentials != nullptr ? std::move(remote_credentials)
                                                        : grpc::InsecureChannelCredentials()) {}

std::shared_ptr<grpc::Channel> ComponentChannels::ChannelTo(std::string_view component,
                                                            uint32_t partition) const {
  std::string key;
  std::string address;
  if (deployment_.RunsHere(component) && server_ != nullptr) {
    key = std::string(1, '\0') + std::string(component);  // Never an address.
  } else if (auto it = deployment_.addresses.find(component); it != deployment_.addresses.end()) {
    address = AddressOfPartition(it->second, partition, deployment_.ingest_replicas);
    key = address;
  } else {
    return nullptr;
  }
  absl::MutexLock lock(&mu_);
  std::shared_ptr<grpc::Channel>& channel = channels_[key];
  if (channel == nullptr) {
    if (address.empty()) {
      channel = server_->InProcessChannel();
    } else {
      grpc::ChannelArguments args;
      args.SetMaxReceiveMessageSize(max_message_bytes_);
      channel = grpc::CreateCustomChannel(address, remote_credentials_, args);
    }
  }
  return channel;
}

std::shared_ptr<grpc::Channel> ComponentChannels::ChannelToAddress(
    const std::string& address, const std::string& load_balancing_policy,
    const std::string& health_service) const {
  absl::MutexLock lock(&mu_);
  // Never a component's key: those are an address alone or start with '\0'.
  std::string key = address;
  if (!load_balancing_policy.empty() || !health_service.empty()) {
    absl::StrAppend(&key, "\n", load_balancing_policy, "\n", health_service);
  }
  std::shared_ptr<grpc::Channel>& channel = channels_[key];
  if (channel == nullptr) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(max_message_bytes_);
    if (!health_service.empty()) {
      const std::string policy =
          load_balancing_policy.empty() ? "round_robin" : load_balancing_policy;
      // The service config is this one, never one published in DNS.
      args.SetInt(GRPC_ARG_SERVICE_CONFIG_DISABLE_RESOLUTION, 1);
      args.SetServiceConfigJSON(absl::StrCat(R"({"loadBalancingConfig":[{")", policy,
                                             R"(":{}}],"healthCheckConfig":{"serviceName":")",
                                             health_service, R"("}})"));
    } else if (!load_balancing_policy.empty()) {
      args.SetLoadBalancingPolicyName(load_balancing_policy);
    }
    channel = grpc::CreateCustomChannel(address, remote_credentials_, args);
  }
  return channel;
}

}  // namespace clientele::server
