#include "cmd/clienteled/identity_node.h"

#include <filesystem>

#include "common/status/status_macros.h"
#include "common/storage/rocksdb_store.h"
#include "identity/resolution/fellegi_sunter_matcher.h"
#include "identity/resolution/identity_schema.h"

namespace clientele {

absl::StatusOr<std::unique_ptr<IdentityNode>> IdentityNode::Open(const IdentityNodeOptions& options,
                                                                 metrics::Registry* metrics) {
  std::unique_ptr<IdentityNode> node(new IdentityNode());
  node->options_ = options;
  storage::RocksDbOptions db;
  db.path = (std::filesystem::path(options.data_dir) / "identity").string();
  db.column_families = identity::IdentityColumnFamilies();
  db.sync_writes = options.sync_writes;
  CLT_ASSIGN_OR_RETURN(node->store_, storage::OpenRocksDbStore(db));
  CLT_ASSIGN_OR_RETURN(node->resolver_,
                       identity::Resolver::Open(node->store_.get(),
                                                std::make_unique<identity::FellegiSunterMatcher>(),
                                                identity::ResolverOptions()));
  if (metrics != nullptr) {
    node->metrics_ = std::make_unique<identity::IdentityMetrics>(metrics, node->resolver_.get());
  }
  node->applier_ = std::make_unique<identity::IdentityApplier>(
      node->resolver_.get(), node->metrics_ ? node->metrics_->apply_seconds() : nullptr);
  node->service_ = std::make_unique<identity::IdentityServiceImpl>(node->resolver_.get());
  node->service_->SetLogProgress(node.get());
  return node;
}

IdentityNode::~IdentityNode() { Stop(); }

absl::Status IdentityNode::Start(log::LogConsumer::ChannelForPartition ingest_channels) {
  log::LogConsumerOptions consumer;
  consumer.name = "identity";
  consumer.partitions = options_.partitions;
  consumer.progress_cf = identity::kProgressCf;
  consumer_ = std::make_unique<log::LogConsumer>(consumer, store_.get(), applier_.get(),
                                                 std::move(ingest_channels));
  CLT_RETURN_IF_ERROR(consumer_->Start());
  absl::MutexLock lock(&consumer_mu_);
  started_consumer_ = consumer_.get();
  return absl::OkStatus();
}

std::vector<std::pair<uint32_t, uint64_t>> IdentityNode::Applied() const {
  std::vector<std::pair<uint32_t, uint64_t>> out;
  absl::MutexLock lock(&consumer_mu_);
  if (started_consumer_ == nullptr) return out;
  for (uint32_t p : options_.partitions)
    out.emplace_back(p, started_consumer_->applied_sequence(p));
  return out;
}

bool IdentityNode::WaitForApplied(uint32_t partition, uint64_t sequence,
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
  // The consumer lives until the node is destroyed (Stop only stops it).
  return consumer != nullptr && consumer->WaitForApplied(partition, sequence, deadline);
}

void IdentityNode::Stop() {
  if (consumer_) consumer_->Stop();
}

}  // namespace clientele
