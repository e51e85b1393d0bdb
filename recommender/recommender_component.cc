#include "recommender/recommender_component.h"

#include <filesystem>
#include <memory>
#include <utility>

#include "common/log/partition_count_record.h"
#include "common/status/status_macros.h"
#include "common/storage/rocksdb_store.h"
#include "identity/client/grpc_identity_client.h"
#include "ingest/kafka/log_backend.h"
#include "recommender/jobs/model_versions.h"
#include "recommender/recommender_schema.h"
#include "recommender/serving/known_customer.h"

namespace clientele::recommender {
namespace {

constexpr char kHealthName[] = "clientele.recommender.v1.RecommenderService";
// How long an erasure waits for the connected serving replicas to confirm it (a replica
// loads a snapshot in seconds to a minute, bench/RESULTS.md; the gateway's erasure call
// allows minutes).
constexpr absl::Duration kReplicaConfirmTimeout = absl::Minutes(5);

}  // namespace

server::ComponentInfo RecommenderComponent::Info() {
  return {"recommender", "training, serving and evaluation of recommendations",
          "host:port of the recommender, for a gateway when it is not in --services",
          [] { return std::make_unique<RecommenderComponent>(); }};
}

absl::Status RecommenderComponent::Open(const server::ComponentEnvironment& env) {
  log_ = env.log;
  if (!env.deployment.Reachable("ingest")) {
    return absl::InvalidArgumentError(
        "--ingest_addr: required when recommender runs without ingest");
  }
  // Recommender state is global (every replica serves every customer): a standalone
  // recommender consumes every partition.
  partitions_ =
      env.deployment.RunsHere("ingest") ? env.OwnedOrAllPartitions() : env.AllPartitions();
  storage::RocksDbOptions db;
  db.path = (std::filesystem::path(env.data_dir) / "recommender").string();
  db.column_families = RecommenderColumnFamilies();
  db.sync_writes = env.sync_writes;
  CLT_ASSIGN_OR_RETURN(kv_, storage::OpenRocksDbStore(db));
  // Its applied sequences are per partition: the store belongs to one partition count.
  CLT_RETURN_IF_ERROR(log::RecordPartitionCount(*kv_, kMetaCf, "partition_count/recommender",
                                                env.partition_count, db.path));
  registry_ = env.metrics;
  store_ = std::make_unique<RecommenderStore>(kv_.get());
  holder_ = std::make_unique<SnapshotHolder>();
  // A restarted server serves the last trained version at once.
  CLT_RETURN_IF_ERROR(LoadActiveSnapshot(*store_, holder_.get()));
  applier_ = std::make_unique<RecommenderApplier>(store_.get());
  SnapshotHolder* holder = holder_.get();
  applier_->SetConsentListener([holder](const ConsentChanges& changes) {
    std::vector<std::pair<std::string, std::pair<int32_t, int64_t>>> live;
    for (const auto& [key, record] : changes) {
      live.push_back({key,
                      {record.status() == common::v1::CONSENT_STATUS_GRANTED ? 1 : 2,
                       record.time().seconds()}});
    }
    holder->UpdateConsents(live);
  });
  RecommenderStore* store = store_.get();
  IdentityClientFn identity = [this] { return Identity(); };
  // Identity's map, fresh as of what the recommender has applied of the log (an identity
  // replaying the log knows only part of the source keys).
  const absl::Duration catch_up_wait = options_.identity_catch_up_wait;
  ProfileMapFn profiles =
      [store, identity,
       catch_up_wait](const std::function<bool()>& cancelled) -> absl::StatusOr<ProfileMap> {
    const std::shared_ptr<identity::IdentityClient> client = identity();
    if (client == nullptr) return ProfileMap();
    CLT_ASSIGN_OR_RETURN(const identity::LogPositions applied, AppliedPositions(*store));
    return client->GetProfileMap(applied, catch_up_wait, cancelled);
  };
  TrainDefaults defaults;
  defaults.fp_growth_threads = options_.fp_growth_threads;
  defaults.memory_budget_bytes = options_.memory_budget_bytes;
  runner_ = std::make_unique<RecommenderJobRunner>(store, holder, std::move(profiles), defaults);
  job_store_ = NewRecommenderJobStore(kv_.get());
  jobs_ = std::make_unique<JobManager>(job_store_.get(), runner_.get(), RecommenderJobOptions(),
                                       env.metrics);
  const KnownCustomerFn known_customer = KnownCustomerWithIdentity(store, identity);
  queries_ = std::make_unique<RecommenderQueries>(
      holder, known_customer,
      // Bought since the snapshot's training: the consumer's live purchase history.
      [store](const std::string& source_key, const ServingSnapshot& snapshot,
              const std::function<void(const std::string&)>& visit) {
        return store->ForEachPurchaseSince(source_key, snapshot.manifest().trained_through(),
                                           visit);
      });
  service_ = std::make_unique<RecommenderServiceImpl>(queries_.get(), store);
  replication_service_ = std::make_unique<RecommenderReplicationServiceImpl>(
      store, holder, known_customer, env.metrics);
  // An erasure completes once every connected serving replica serves the rewritten state.
  RecommenderReplicationServiceImpl* replication = replication_service_.get();
  subject_data_ = std::make_unique<RecommenderSubjectData>(
      store, holder, queries_.get(), [replication, holder] {
        return replication->AwaitReplicas(holder->changes(), kReplicaConfirmTimeout);
      });
  privacy_service_ = std::make_unique<RecommenderPrivacyServiceImpl>(subject_data_.get());
  return absl::OkStatus();
}

void RecommenderComponent::AddFlags(CLI::App& app) {
  AddMemoryBudgetFlag(app, &options_.memory_budget_bytes);
}

RecommenderComponent::~RecommenderComponent() { Drain(); }

std::vector<std::string> RecommenderComponent::health_names() const { return {kHealthName}; }

std::shared_ptr<identity::IdentityClient> RecommenderComponent::Identity() const {
  absl::MutexLock lock(&identity_mu_);
  return identity_;
}

absl::Status RecommenderComponent::Start(
    std::shared_ptr<const server::ComponentChannels> channels) {
  if (std::shared_ptr<grpc::Channel> identity = channels->ChannelTo("identity")) {
    absl::MutexLock lock(&identity_mu_);
    identity_ = std::make_shared<identity::GrpcIdentityClient>(std::move(identity));
  }
  log::LogConsumerOptions consumer;
  consumer.name = "recommender";
  consumer.partitions = partitions_;
  consumer.progress_cf = kMetaCf;
  consumer.metrics = registry_;
  log::ChannelForPartition ingest_of = [channels](uint32_t partition) {
    return channels->ChannelTo("ingest", partition);
  };
  consumer_ = std::make_unique<log::LogConsumer>(consumer, kv_.get(), applier_.get(), ingest_of,
                                                 ingest::kafka::NewLogReader(log_, ingest_of));
  CLT_RETURN_IF_ERROR(consumer_->Start());
  return jobs_->Start();
}

absl::Status RecommenderComponent::Health() const {
  if (absl::Status s = kv_->Health(); !s.ok()) return s;
  return consumer_ ? consumer_->Health() : absl::OkStatus();
}

void RecommenderComponent::Drain() {
  if (replication_service_) replication_service_->Stop();  // Replicas' streams end.
  if (consumer_) consumer_->Stop();
  if (jobs_) jobs_->Stop();
}

}  // namespace clientele::recommender
