#include "cmd/clienteled/identity_node.h"

#include <filesystem>

#include "common/status/status_macros.h"
#include "common/storage/rocksdb_store.h"
#include "identity/resolution/fellegi_sunter_matcher.h"
#include "identity/resolution/identity_schema.h"

namespace clientele {

absl::StatusOr<std::unique_ptr<IdentityNode>> IdentityNode::Open(
    const IdentityNodeOptions& options) {
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
  node->applier_ = std::make_unique<identity::IdentityApplier>(node->resolver_.get());
  node->service_ = std::make_unique<identity::IdentityServiceImpl>(node->resolver_.get());
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
  return consumer_->Start();
}

void IdentityNode::Stop() {
  if (consumer_) consumer_->Stop();
}

}  // namespace clientele
