#include "cmd/clienteled/recommender_node.h"

#include <filesystem>
#include <utility>

#include "analytics/identity_profile_directory.h"
#include "common/status/status_macros.h"
#include "common/storage/rocksdb_store.h"
#include "recommender/jobs/model_versions.h"
#include "recommender/recommender_schema.h"

namespace clientele {
namespace {

// "system:id" -> the source key (the id may itself hold ':').
std::optional<common::v1::SourceKey> ParseSourceKeyText(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  common::v1::SourceKey key;
  key.set_system(text.substr(0, colon));
  key.set_id(text.substr(colon + 1));
  return key;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RecommenderNode>> RecommenderNode::Open(
    const RecommenderNodeOptions& options, metrics::Registry* metrics) {
  std::unique_ptr<RecommenderNode> node(new RecommenderNode());
  node->options_ = options;
  storage::RocksDbOptions db;
  db.path = (std::filesystem::path(options.data_dir) / "recommender").string();
  db.column_families = recommender::RecommenderColumnFamilies();
  db.sync_writes = options.sync_writes;
  CLT_ASSIGN_OR_RETURN(node->kv_, storage::OpenRocksDbStore(db));
  node->store_ = std::make_unique<recommender::RecommenderStore>(node->kv_.get());
  node->holder_ = std::make_unique<recommender::SnapshotHolder>();
  // A restarted server serves the last trained version at once.
  CLT_RETURN_IF_ERROR(recommender::LoadActiveSnapshot(*node->store_, node->holder_.get()));
  node->applier_ = std::make_unique<recommender::RecommenderApplier>(node->store_.get());
  recommender::SnapshotHolder* holder = node->holder_.get();
  node->applier_->SetConsentListener([holder](const recommender::ConsentChanges& changes) {
    std::vector<std::pair<std::string, std::pair<int32_t, int64_t>>> live;
    for (const auto& [key, record] : changes) {
      live.push_back({key,
                      {record.status() == common::v1::CONSENT_STATUS_GRANTED ? 1 : 2,
                       record.time().seconds()}});
    }
    holder->UpdateConsents(live);
  });
  RecommenderNode* self = node.get();
  recommender::ProfileMapFn profiles = [self]() -> absl::StatusOr<recommender::ProfileMap> {
    if (!self->identity_channel_) return recommender::ProfileMap();
    // Identity's map, read through analytics' client of it (same key encoding).
    analytics::IdentityProfileDirectory directory(self->identity_channel_);
    return directory.GetProfileMap();
  };
  recommender::TrainDefaults defaults;
  defaults.fp_growth_threads = options.fp_growth_threads;
  node->runner_ = std::make_unique<recommender::RecommenderJobRunner>(
      node->store_.get(), holder, std::move(profiles), defaults);
  node->jobs_ =
      std::make_unique<recommender::JobManager>(node->store_.get(), node->runner_.get(), metrics);
  recommender::RecommenderStore* store = node->store_.get();
  node->queries_ = std::make_unique<recommender::RecommenderQueries>(
      holder, [store](const std::string& who) -> absl::StatusOr<bool> {
        std::optional<common::v1::SourceKey> key = ParseSourceKeyText(who);
        if (!key) return false;
        return store->HasCustomer(*key);
      });
  node->service_ = std::make_unique<recommender::RecommenderServiceImpl>(
      node->queries_.get(), node->jobs_.get(), node->store_.get());
  return node;
}

RecommenderNode::~RecommenderNode() { Stop(); }

absl::Status RecommenderNode::Start(
    log::LogConsumer::ChannelForPartition ingest_channels,
    std::function<std::shared_ptr<grpc::Channel>()> identity_channel) {
  identity_channel_ = std::move(identity_channel);
  log::LogConsumerOptions consumer;
  consumer.name = "recommender";
  consumer.partitions = options_.partitions;
  consumer.progress_cf = recommender::kMetaCf;
  consumer_ = std::make_unique<log::LogConsumer>(consumer, kv_.get(), applier_.get(),
                                                 std::move(ingest_channels));
  CLT_RETURN_IF_ERROR(consumer_->Start());
  return jobs_->Start();
}

void RecommenderNode::Stop() {
  if (consumer_) consumer_->Stop();
  if (jobs_) jobs_->Stop();
}

}  // namespace clientele
