#include "cmd/clienteled/analytics_node.h"

#include <filesystem>
#include <utility>

#include "analytics/analytics_schema.h"
#include "analytics/identity_profile_directory.h"
#include "common/status/status_macros.h"
#include "common/storage/rocksdb_store.h"

namespace clientele {
namespace {

// Delegates to a directory set once before jobs start.
class DirectoryProxy final : public analytics::ProfileDirectory {
 public:
  explicit DirectoryProxy(std::unique_ptr<analytics::ProfileDirectory>* target) : target_(target) {}
  absl::StatusOr<analytics::ProfileMap> GetProfileMap(
      const std::function<bool()>& cancelled) override {
    return (*target_)->GetProfileMap(cancelled);
  }

 private:
  std::unique_ptr<analytics::ProfileDirectory>* const target_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<AnalyticsNode>> AnalyticsNode::Open(
    const AnalyticsNodeOptions& options, metrics::Registry* metrics) {
  std::unique_ptr<AnalyticsNode> node(new AnalyticsNode());
  node->options_ = options;
  node->metrics_ = metrics;
  storage::RocksDbOptions db;
  db.path = (std::filesystem::path(options.data_dir) / "analytics").string();
  db.column_families = analytics::AnalyticsColumnFamilies();
  db.sync_writes = options.sync_writes;
  CLT_ASSIGN_OR_RETURN(node->kv_, storage::OpenRocksDbStore(db));
  node->store_ = std::make_unique<analytics::AnalyticsStore>(node->kv_.get());
  node->applier_ = std::make_unique<analytics::AnalyticsApplier>(node->store_.get());
  node->directory_ = std::make_unique<analytics::SourceKeyProfiles>();
  node->directory_proxy_ = std::make_unique<DirectoryProxy>(&node->directory_);
  node->runner_ = std::make_unique<analytics::AnalyticsJobRunner>(
      node->store_.get(), node->directory_proxy_.get(), options.kmeans_threads);
  node->job_store_ = analytics::NewAnalyticsJobStore(node->kv_.get());
  node->jobs_ = std::make_unique<analytics::JobManager>(node->job_store_.get(), node->runner_.get(),
                                                        analytics::AnalyticsJobOptions(), metrics);
  if (metrics != nullptr) {
    analytics::AnalyticsApplier* applier = node->applier_.get();
    metrics->AddGaugeCallback("clientele_analytics_orders_skipped",
                              "Orders the analytics aggregates refused (logged)", {},
                              [applier] { return static_cast<double>(applier->skipped_orders()); });
  }
  node->queries_ = std::make_unique<analytics::AnalyticsQueries>(node->store_.get());
  node->service_ = std::make_unique<analytics::AnalyticsServiceImpl>(node->queries_.get());
  return node;
}

AnalyticsNode::~AnalyticsNode() {
  Stop();
  if (metrics_ != nullptr) metrics_->RemoveGaugeCallback("clientele_analytics_orders_skipped", {});
}

absl::Status AnalyticsNode::Start(
    log::LogConsumer::ChannelForPartition ingest_channels,
    std::function<std::shared_ptr<grpc::Channel>()> identity_channel) {
  if (identity_channel) {
    // The map must come from an identity that has applied the log as far as this consumer:
    // an identity replaying the log (its store rebuilt) would leave out the source keys it
    // has not reached, and each would count as a profile of its own.
    analytics::LogPositionsFn positions = [this]() -> absl::StatusOr<analytics::LogPositions> {
      analytics::LogPositions out;
      for (uint32_t p : options_.partitions) out.emplace_back(p, consumer_->applied_sequence(p));
      return out;
    };
    directory_ = std::make_unique<analytics::IdentityProfileDirectory>(
        std::move(identity_channel), std::move(positions), options_.identity_catch_up_wait);
  }
  log::LogConsumerOptions consumer;
  consumer.name = "analytics";
  consumer.partitions = options_.partitions;
  consumer.progress_cf = analytics::kMetaCf;
  consumer_ = std::make_unique<log::LogConsumer>(consumer, kv_.get(), applier_.get(),
                                                 std::move(ingest_channels));
  CLT_RETURN_IF_ERROR(consumer_->Start());
  return jobs_->Start();
}

void AnalyticsNode::Stop() {
  if (consumer_) consumer_->Stop();
  if (jobs_) jobs_->Stop();
}

}  // namespace clientele
