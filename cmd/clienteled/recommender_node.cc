#include "cmd/clienteled/recommender_node.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "analytics/identity_profile_directory.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "common/status/status_macros.h"
#include "common/storage/rocksdb_store.h"
#include "recommender/jobs/model_versions.h"
#include "recommender/recommender_schema.h"

namespace clientele {
namespace {

// How long Recommend waits for a lagging identity before a profile identity does not know is
// UNAVAILABLE rather than NOT_FOUND.
constexpr absl::Duration kNotFoundCatchUpWait = absl::Seconds(1);

// "system:id" -> the source key (the id may itself hold ':').
std::optional<common::v1::SourceKey> ParseSourceKeyText(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  common::v1::SourceKey key;
  key.set_system(text.substr(0, colon));
  key.set_id(text.substr(colon + 1));
  return key;
}

// Whether identity knows `profile_id` (a profile or an alias of one): GetProfile; NOT_FOUND
// and INVALID_ARGUMENT are false, another failure (identity unreachable) an error.
absl::StatusOr<bool> IdentityKnowsProfile(const std::shared_ptr<grpc::Channel>& channel,
                                          const std::string& profile_id) {
  auto stub = identity::v1::IdentityService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  identity::v1::GetProfileRequest request;
  request.mutable_lookup()->set_profile_id(profile_id);
  identity::v1::GetProfileResponse response;
  const grpc::Status status = stub->GetProfile(&context, request, &response);
  if (status.ok()) return true;
  // INVALID_ARGUMENT: not in identity's id format (e.g. "movielens:1"), so not its profile.
  if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return false;
  }
  return absl::UnavailableError(absl::StrCat("identity (looking up profile_id '", profile_id,
                                             "'): ", status.error_message()));
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
  recommender::RecommenderStore* store = node->store_.get();
  // What the recommender has applied of the log: identity must have applied as much before
  // its answers are used (an identity replaying the log knows only part of the source keys).
  analytics::LogPositionsFn positions = [store]() -> absl::StatusOr<analytics::LogPositions> {
    CLT_ASSIGN_OR_RETURN(const std::vector<recommender::v1::AppliedPosition> applied,
                         store->AppliedLog());
    analytics::LogPositions out;
    for (const auto& p : applied) out.emplace_back(p.partition(), p.sequence());
    return out;
  };
  const absl::Duration catch_up_wait = options.identity_catch_up_wait;
  recommender::ProfileMapFn profiles =
      [self, positions, catch_up_wait](
          const std::function<bool()>& cancelled) -> absl::StatusOr<recommender::ProfileMap> {
    std::function<std::shared_ptr<grpc::Channel>()> channel = self->IdentityChannel();
    if (!channel) return recommender::ProfileMap();
    // Identity's map, read through analytics' client of it (same key encoding).
    analytics::IdentityProfileDirectory directory(std::move(channel), positions, catch_up_wait);
    return directory.GetProfileMap(cancelled);
  };
  recommender::TrainDefaults defaults;
  defaults.fp_growth_threads = options.fp_growth_threads;
  node->runner_ = std::make_unique<recommender::RecommenderJobRunner>(
      node->store_.get(), holder, std::move(profiles), defaults);
  node->job_store_ = recommender::NewRecommenderJobStore(node->kv_.get());
  node->jobs_ = std::make_unique<recommender::JobManager>(
      node->job_store_.get(), node->runner_.get(), recommender::RecommenderJobOptions(), metrics);
  // Known but not in the snapshot (new since training): a source key the store has seen, a
  // `system:id` profile id of one, or a profile id identity knows. Identity's "not found"
  // counts only from an identity that has applied the log as far as the recommender.
  node->queries_ = std::make_unique<recommender::RecommenderQueries>(
      holder,
      [store, self, positions](const std::string& who, bool by_source_key) -> absl::StatusOr<bool> {
        if (std::optional<common::v1::SourceKey> key = ParseSourceKeyText(who)) {
          CLT_ASSIGN_OR_RETURN(const bool seen, store->HasCustomer(*key));
          if (seen) return true;
        }
        if (by_source_key) return false;
        const std::function<std::shared_ptr<grpc::Channel>()> channel = self->IdentityChannel();
        if (!channel) return false;
        CLT_ASSIGN_OR_RETURN(const bool known, IdentityKnowsProfile(channel(), who));
        if (known) return true;
        CLT_ASSIGN_OR_RETURN(const analytics::LogPositions applied, positions());
        CLT_RETURN_IF_ERROR(
            analytics::CheckIdentityCaughtUp(channel(), applied, kNotFoundCatchUpWait));
        return false;
      },
      // Bought since the snapshot's training: the consumer's live purchase history.
      [store](const std::string& source_key, const recommender::ServingSnapshot& snapshot,
              const std::function<void(const std::string&)>& visit) {
        return store->ForEachPurchaseSince(source_key, snapshot.manifest().trained_through(),
                                           visit);
      });
  node->service_ = std::make_unique<recommender::RecommenderServiceImpl>(node->queries_.get(),
                                                                         node->store_.get());
  return node;
}

RecommenderNode::~RecommenderNode() { Stop(); }

std::function<std::shared_ptr<grpc::Channel>()> RecommenderNode::IdentityChannel() const {
  absl::MutexLock lock(&identity_mu_);
  return identity_channel_;
}

absl::Status RecommenderNode::Start(
    log::LogConsumer::ChannelForPartition ingest_channels,
    std::function<std::shared_ptr<grpc::Channel>()> identity_channel) {
  {
    absl::MutexLock lock(&identity_mu_);
    identity_channel_ = std::move(identity_channel);
  }
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
