#include "identity/identity_component.h"

#include <filesystem>

#include "CLI/CLI.hpp"
#include "common/log/partition_count_record.h"
#include "common/status/status_macros.h"
#include "common/storage/rocksdb_store.h"
#include "identity/resolution/fellegi_sunter_matcher.h"
#include "identity/resolution/identity_schema.h"
#include "ingest/kafka/log_backend.h"

namespace clientele::identity {
namespace {

constexpr char kHealthName[] = "clientele.identity.v1.IdentityService";

}  // namespace

server::ComponentInfo IdentityComponent::Info() {
  return {"identity", "entity resolution, profiles and consents",
          "host:port of identity for analytics and recommender (default: in-process when "
          "identity runs here, else none: each source key is its own profile)",
          [] { return std::make_unique<IdentityComponent>(); }};
}

absl::Status IdentityComponent::Open(const server::ComponentEnvironment& env) {
  log_ = env.log;
  if (!env.deployment.Reachable("ingest")) {
    return absl::InvalidArgumentError("--ingest_addr: required when identity runs without ingest");
  }
  // Identity state is global: a standalone identity node consumes every partition.
  partitions_ =
      env.deployment.RunsHere("ingest") ? env.OwnedOrAllPartitions() : env.AllPartitions();
  storage::RocksDbOptions db;
  db.path = (std::filesystem::path(env.data_dir) / "identity").string();
  db.column_families = IdentityColumnFamilies();
  db.sync_writes = env.sync_writes;
  CLT_ASSIGN_OR_RETURN(std::unique_ptr<storage::KvStore> base, storage::OpenRocksDbStore(db));
  // Every write goes through the change log that read replicas follow.
  CLT_ASSIGN_OR_RETURN(
      change_log_,
      ChangeLogStore::Open(std::move(base), IdentityChangeLogOptions(change_retention_)));
  store_ = change_log_.get();
  // Its applied sequences are per partition: the store belongs to one partition count.
  CLT_RETURN_IF_ERROR(log::RecordPartitionCount(*store_, kProgressCf, "partition_count/identity",
                                                env.partition_count, db.path));
  registry_ = env.metrics;
  CLT_ASSIGN_OR_RETURN(resolver_, Resolver::Open(store_, std::make_unique<FellegiSunterMatcher>(),
                                                 ResolverOptions()));
  if (env.metrics != nullptr) {
    metrics_ = std::make_unique<IdentityMetrics>(env.metrics, resolver_.get());
  }
  applier_ = std::make_unique<IdentityApplier>(resolver_.get(),
                                               metrics_ ? metrics_->apply_seconds() : nullptr);
  service_ = std::make_unique<IdentityServiceImpl>(resolver_.get());
  service_->SetLogProgress(this);
  privacy_service_ = std::make_unique<IdentityPrivacyServiceImpl>(resolver_.get(), store_);
  replication_service_ = std::make_unique<ReplicationServiceImpl>(change_log_.get());
  return absl::OkStatus();
}

IdentityComponent::~IdentityComponent() { Drain(); }

std::vector<std::string> IdentityComponent::health_names() const { return {kHealthName}; }

absl::Status IdentityComponent::Start(std::shared_ptr<const server::ComponentChannels> channels) {
  log::LogConsumerOptions consumer;
  consumer.name = "identity";
  consumer.partitions = partitions_;
  consumer.progress_cf = kProgressCf;
  consumer.metrics = registry_;
  log::ChannelForPartition ingest_of = [channels](uint32_t partition) {
    return channels->ChannelTo("ingest", partition);
  };
  consumer_ = std::make_unique<log::LogConsumer>(consumer, store_, applier_.get(), ingest_of,
                                                 ingest::kafka::NewLogReader(log_, ingest_of));
  CLT_RETURN_IF_ERROR(consumer_->Start());
  absl::MutexLock lock(&consumer_mu_);
  started_consumer_ = consumer_.get();
  return absl::OkStatus();
}

absl::Status IdentityComponent::Health() const {
  if (absl::Status s = store_->Health(); !s.ok()) return s;
  return consumer_ ? consumer_->Health() : absl::OkStatus();
}

void IdentityComponent::AddFlags(CLI::App& app) {
  app.add_option("--identity_change_retention", change_retention_,
                 "identity: changes kept in the change log that read replicas follow (a replica "
                 "further behind bootstraps again; 0: no change log, no replicas)")
      ->capture_default_str();
}

void IdentityComponent::Drain() {
  if (replication_service_) replication_service_->Stop();
  if (consumer_) consumer_->Stop();
}

std::vector<std::pair<uint32_t, uint64_t>> IdentityComponent::Applied() const {
  std::vector<std::pair<uint32_t, uint64_t>> out;
  absl::MutexLock lock(&consumer_mu_);
  if (started_consumer_ == nullptr) return out;
  for (uint32_t p : partitions_) out.emplace_back(p, started_consumer_->applied_sequence(p));
  return out;
}

bool IdentityComponent::WaitForApplied(uint32_t partition, uint64_t sequence,
                                       absl::Time deadline) const {
  const log::LogConsumer* consumer = nullptr;
  {
    absl::MutexLock lock(&consumer_mu_);
    auto started = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(consumer_mu_) {
      return started_consumer_ != nullptr;
    };
    consumer_mu_.AwaitWithDeadline(absl::Condition(&started), deadline);
    consumer = started_consumer_;
  }
  // The consumer lives until the component is destroyed (Drain only stops it).
  return consumer != nullptr && consumer->WaitForApplied(partition, sequence, deadline);
}

}  // namespace clientele::identity
