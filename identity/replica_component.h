// The `identity-replica` component of clienteled (--services=identity-replica
// --primary=ADDR): an identity read replica (identity/replication/identity_replica.h) under
// data_dir/identity-replica, serving IdentityService's reads and IdentityPrivacy
// (replica_service.h). Health is NOT_SERVING until it has bootstrapped from the primary.
// Metrics: clientele_identity_replica_lag_changes, clientele_identity_replica_lag_seconds,
// clientele_identity_replica_applied_sequence, clientele_identity_replica_bootstraps_total.
// Not part of --services=all; cannot run in a process that runs identity.
#ifndef CLIENTELE_IDENTITY_REPLICA_COMPONENT_H_
#define CLIENTELE_IDENTITY_REPLICA_COMPONENT_H_

#include <memory>
#include <string>
#include <vector>

#include "common/server/component.h"
#include "common/server/component_registry.h"
#include "identity/replication/identity_replica.h"
#include "identity/replication/replica_service.h"

namespace clientele::identity {

class IdentityReplicaComponent final : public server::Component {
 public:
  static server::ComponentInfo Info();

  IdentityReplicaComponent() = default;
  ~IdentityReplicaComponent() override;

  void AddFlags(CLI::App& app) override;
  absl::Status Open(const server::ComponentEnvironment& env) override;
  std::vector<grpc::Service*> services() override { return {service_.get(), privacy_.get()}; }
  std::vector<std::string> health_names() const override;
  // Starts following the primary.
  absl::Status Start(std::shared_ptr<const server::ComponentChannels> channels) override;
  // Unavailable until bootstrapped; the store's damage after.
  absl::Status Health() const override;
  void Drain() override;

 private:
  std::string primary_;  // --primary
  metrics::Registry* metrics_ = nullptr;
  std::unique_ptr<IdentityReplica> replica_;
  std::unique_ptr<ReplicaIdentityService> service_;
  std::unique_ptr<ReplicaPrivacyService> privacy_;
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_REPLICA_COMPONENT_H_
