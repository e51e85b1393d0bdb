#include "analytics/analytics_component.h"

#include <filesystem>
#include <utility>

#include "analytics/analytics_schema.h"
#include "analytics/jobs/identity_profiles.h"
#include "common/log/partition_count_record.h"
#include "common/status/status_macros.h"
#include "common/storage/rocksdb_store.h"
#include "identity/client/grpc_identity_client.h"
#include "ingest/kafka/log_backend.h"

namespace clientele::analytics {
namespace {

constexpr char kHealthName[] = "clientele.analytics.v1.AnalyticsService";
constexpr char kSkippedOrdersCounter[] = "clientele_analytics_orders_skipped_total";

// Delegates to a directory set once before jobs start.
class DirectoryProxy final : public ProfileDirectory {
 public:
  explicit DirectoryProxy(std::unique_ptr<ProfileDirectory>* target) : target_(target) {}
  absl::StatusOr<ProfileMap> GetProfileMap(const std::function<bool()>& cancelled) override {
    return (*target_)->GetProfileMap(cancelled);
  }

 private:
  std::unique_ptr<ProfileDirectory>* const target_;
};

}  // namespace

server::ComponentInfo AnalyticsComponent::Info() {
  return {"analytics", "RFM, clustering jobs and customer analytics",
          "host:port of analytics, for a gateway when analytics is not in --services",
          [] { return std::make_unique<AnalyticsComponent>(); }};
}

absl::Status AnalyticsComponent::Open(const server::ComponentEnvironment& env) {
  log_ = env.log;
  if (!env.deployment.Reachable("ingest")) {
    return absl::InvalidArgumentError("--ingest_addr: required when analytics runs without ingest");
  }
  partitions_ = env.OwnedOrAllPartitions();
  storage::RocksDbOptions db;
  db.path = (std::filesystem::path(env.data_dir) / "analytics").string();
  db.column_families = AnalyticsColumnFamilies();
  db.sync_writes = env.sync_writes;
  CLT_ASSIGN_OR_RETURN(kv_, storage::OpenRocksDbStore(db));
  // Its applied sequences are per partition: the store belongs to one partition count.
  CLT_RETURN_IF_ERROR(log::RecordPartitionCount(*kv_, kMetaCf, "partition_count/analytics",
                                                env.partition_count, db.path));
  registry_ = env.metrics;
  store_ = std::make_unique<AnalyticsStore>(kv_.get());
  applier_ = std::make_unique<AnalyticsApplier>(store_.get());
  directory_ = std::make_unique<SourceKeyProfiles>();
  directory_proxy_ = std::make_unique<DirectoryProxy>(&directory_);
  runner_ = std::make_unique<AnalyticsJobRunner>(store_.get(), directory_proxy_.get(),
                                                 options_.kmeans_threads);
  job_store_ = NewAnalyticsJobStore(kv_.get());
  jobs_ = std::make_unique<JobManager>(job_store_.get(), runner_.get(), AnalyticsJobOptions(),
                                       env.metrics);
  if (env.metrics != nullptr) {
    metrics_ = env.metrics;  // Removes the counter on destruction.
    AnalyticsApplier* applier = applier_.get();
    metrics_->AddCounterCallback(
        kSkippedOrdersCounter, "Orders the analytics aggregates refused (logged)", {},
        [applier] { return static_cast<double>(applier->skipped_orders()); });
  }
  queries_ = std::make_unique<AnalyticsQueries>(store_.get());
  service_ = std::make_unique<AnalyticsServiceImpl>(queries_.get());
  subject_data_ = std::make_unique<AnalyticsSubjectData>(store_.get());
  privacy_service_ = std::make_unique<AnalyticsPrivacyServiceImpl>(subject_data_.get());
  return absl::OkStatus();
}

AnalyticsComponent::~AnalyticsComponent() {
  Drain();
  if (metrics_ != nullptr) metrics_->RemoveCounterCallback(kSkippedOrdersCounter, {});
}

std::vector<std::string> AnalyticsComponent::health_names() const { return {kHealthName}; }

absl::Status AnalyticsComponent::Start(std::shared_ptr<const server::ComponentChannels> channels) {
  if (std::shared_ptr<grpc::Channel> identity = channels->ChannelTo("identity")) {
    // The map must come from an identity that has applied the log as far as this consumer:
    // an identity replaying the log (its store rebuilt) would leave out the source keys it
    // has not reached, and each would count as a profile of its own.
    LogPositionsFn positions = [this]() -> absl::StatusOr<identity::LogPositions> {
      identity::LogPositions out;
      for (uint32_t p : partitions_) out.emplace_back(p, consumer_->applied_sequence(p));
      return out;
    };
    directory_ = std::make_unique<IdentityProfiles>(
        std::make_shared<identity::GrpcIdentityClient>(std::move(identity)), std::move(positions),
        options_.identity_catch_up_wait);
  }
  log::LogConsumerOptions consumer;
  consumer.name = "analytics";
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

absl::Status AnalyticsComponent::Health() const {
  if (absl::Status s = kv_->Health(); !s.ok()) return s;
  return consumer_ ? consumer_->Health() : absl::OkStatus();
}

void AnalyticsComponent::Drain() {
  if (consumer_) consumer_->Stop();
  if (jobs_) jobs_->Stop();
}

}  // namespace clientele::analytics
