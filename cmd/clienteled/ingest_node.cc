#include "cmd/clienteled/ingest_node.h"

#include <filesystem>

#include "common/status/status_macros.h"
#include "common/storage/rocksdb_store.h"
#include "ingest/ingest_schema.h"
#include "ingest/log_fence.h"

namespace clientele {

absl::StatusOr<std::unique_ptr<IngestNode>> IngestNode::Open(const IngestNodeOptions& options,
                                                             metrics::Registry* metrics) {
  std::unique_ptr<IngestNode> node(new IngestNode());
  storage::RocksDbOptions db;
  db.path = (std::filesystem::path(options.data_dir) / "ingest").string();
  db.column_families = ingest::IngestColumnFamilies();
  db.sync_writes = options.sync_writes;
  CLT_ASSIGN_OR_RETURN(node->store_, storage::OpenRocksDbStore(db));
  ingest::EventLogOptions log_options;
  log_options.partition_count = options.partition_count;
  log_options.owned_partitions = options.owned_partitions;
  CLT_ASSIGN_OR_RETURN(node->log_, ingest::EventLog::Open(node->store_.get(), log_options));
  CLT_ASSIGN_OR_RETURN(node->consumers_, ingest::ConsumerRegistry::Open(node->store_.get()));
  // A registered consumer ahead of the log's end means the store recovered to an earlier
  // point than its consumers: fence the partition rather than reuse sequence numbers.
  ingest::FenceConsumersAheadOfLog(*node->log_, *node->consumers_);
  node->service_ = std::make_unique<ingest::IngestServiceImpl>(node->log_.get(),
                                                               node->consumers_.get(), metrics);
  return node;
}

void IngestNode::Close() { log_->Close(); }

}  // namespace clientele
