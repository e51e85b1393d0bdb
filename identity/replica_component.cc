#include "identity/replica_component.h"

#include <filesystem>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"

namespace clientele::identity {
namespace {

constexpr char kLagChanges[] = "clientele_identity_replica_lag_changes";
constexpr char kLagSeconds[] = "clientele_identity_replica_lag_seconds";
constexpr char kApplied[] = "clientele_identity_replica_applied_sequence";
constexpr char kBootstraps[] = "clientele_identity_replica_bootstraps_total";

}  // namespace

server::ComponentInfo IdentityReplicaComponent::Info() {
  return {"identity-replica",
          "an identity read replica following --primary (not part of --services=all)",
          /*address_help=*/"", [] { return std::make_unique<IdentityReplicaComponent>(); },
          /*in_all=*/false};
}

IdentityReplicaComponent::~IdentityReplicaComponent() {
  Drain();
  if (metrics_ != nullptr) {
    metrics_->RemoveGaugeCallback(kLagChanges, {});
    metrics_->RemoveGaugeCallback(kLagSeconds, {});
    metrics_->RemoveGaugeCallback(kApplied, {});
    metrics_->RemoveCounterCallback(kBootstraps, {});
  }
}

void IdentityReplicaComponent::AddFlags(CLI::App& app) {
  app.add_option("--primary", primary_,
                 "identity-replica: host:port of the identity primary's internal gRPC port, "
                 "whose changes this replica follows");
}

absl::Status IdentityReplicaComponent::Open(const server::ComponentEnvironment& env) {
  if (env.deployment.RunsHere("identity")) {
    return absl::InvalidArgumentError(
        "--services: identity-replica cannot run in the process of the identity primary");
  }
  if (primary_.empty()) {
    return absl::InvalidArgumentError("--primary: required with --services=identity-replica");
  }
  ReplicaOptions options;
  options.dir = (std::filesystem::path(env.data_dir) / "identity-replica").string();
  options.sync_writes = env.sync_writes;
  absl::StatusOr<std::unique_ptr<IdentityReplica>> replica = IdentityReplica::Open(options);
  if (!replica.ok()) return replica.status();
  replica_ = *std::move(replica);
  service_ = std::make_unique<ReplicaIdentityService>(replica_.get(), primary_);
  privacy_ = std::make_unique<ReplicaPrivacyService>(replica_.get());
  metrics_ = env.metrics;
  if (metrics_ != nullptr) {
    const IdentityReplica* r = replica_.get();
    metrics_->AddGaugeCallback(kLagChanges,
                               "Changes of the identity primary this replica has not applied yet.",
                               {}, [r] { return static_cast<double>(r->lag_changes()); });
    metrics_->AddGaugeCallback(kLagSeconds, "How long this replica has been behind the primary.",
                               {}, [r] { return absl::ToDoubleSeconds(r->lag()); });
    metrics_->AddGaugeCallback(kApplied, "The primary's change sequence this replica serves.", {},
                               [r] { return static_cast<double>(r->visible_sequence()); });
    metrics_->AddCounterCallback(kBootstraps, "Bootstraps from the primary's snapshot.", {},
                                 [r] { return static_cast<double>(r->bootstraps()); });
  }
  return absl::OkStatus();
}

std::vector<std::string> IdentityReplicaComponent::health_names() const {
  return {"clientele.identity.v1.IdentityService"};
}

absl::Status IdentityReplicaComponent::Start(
    std::shared_ptr<const server::ComponentChannels> channels) {
  std::shared_ptr<grpc::Channel> primary = channels->ChannelToAddress(primary_);
  privacy_->SetPrimary(primary);
  replica_->Start(std::move(primary));
  return absl::OkStatus();
}

absl::Status IdentityReplicaComponent::Health() const {
  std::shared_ptr<const ReplicaState> state = replica_->state();
  if (state == nullptr) {
    absl::Status error = replica_->last_error();
    return absl::UnavailableError(
        absl::StrCat("identity-replica: not bootstrapped from ", primary_, " yet",
                     error.ok() ? std::string() : absl::StrCat(" (", error.ToString(), ")")));
  }
  return state->store->kv->Health();
}

void IdentityReplicaComponent::Drain() {
  if (replica_ != nullptr) replica_->Stop();
}

}  // namespace clientele::identity
