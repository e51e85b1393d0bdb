// The identity reads the gateway may send to identity read replicas (--identity_replica_addr):
// GetProfile, Resolve, ListMembers, GetConsents, ListByConsent and ExplainMatch, spread round
// robin over the replicas whose channel is connected; none connected: the primary (nullptr).
// Thread-safe.
#ifndef CLIENTELE_GATEWAY_FRONT_IDENTITY_REPLICA_READS_H_
#define CLIENTELE_GATEWAY_FRONT_IDENTITY_REPLICA_READS_H_

#include <atomic>
#include <memory>
#include <string_view>
#include <vector>

#include "grpcpp/channel.h"

namespace clientele::gateway::front {

// Whether `method` ("/clientele.identity.v1.IdentityService/GetProfile") is a replica read.
bool IsIdentityReplicaRead(std::string_view method);

class IdentityReplicaReads {
 public:
  explicit IdentityReplicaReads(std::vector<std::shared_ptr<grpc::Channel>> replicas)
      : replicas_(std::move(replicas)) {}

  // The next connected replica after the last one picked; nullptr when none is (the caller
  // sends the call to the primary). Asks the others to connect.
  std::shared_ptr<grpc::Channel> Pick();

 private:
  const std::vector<std::shared_ptr<grpc::Channel>> replicas_;
  std::atomic<size_t> next_{0};
};

}  // namespace clientele::gateway::front

#endif  // CLIENTELE_GATEWAY_FRONT_IDENTITY_REPLICA_READS_H_
