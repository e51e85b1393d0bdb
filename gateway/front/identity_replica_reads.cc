#include "gateway/front/identity_replica_reads.h"

#include <array>

namespace clientele::gateway::front {

bool IsIdentityReplicaRead(std::string_view method) {
  static constexpr std::array<std::string_view, 6> kReads = {
      "/clientele.identity.v1.IdentityService/GetProfile",
      "/clientele.identity.v1.IdentityService/Resolve",
      "/clientele.identity.v1.IdentityService/ListMembers",
      "/clientele.identity.v1.IdentityService/GetConsents",
      "/clientele.identity.v1.IdentityService/ListByConsent",
      "/clientele.identity.v1.IdentityService/ExplainMatch"};
  for (std::string_view read : kReads) {
    if (method == read) return true;
  }
  return false;
}

std::shared_ptr<grpc::Channel> IdentityReplicaReads::Pick() {
  const size_t n = replicas_.size();
  if (n == 0) return nullptr;
  const size_t start = next_.fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < n; ++i) {
    const std::shared_ptr<grpc::Channel>& channel = replicas_[(start + i) % n];
    // try_to_connect: an idle or failed replica reconnects for later calls.
    if (channel->GetState(/*try_to_connect=*/true) == GRPC_CHANNEL_READY) return channel;
  }
  return nullptr;
}

}  // namespace clientele::gateway::front
