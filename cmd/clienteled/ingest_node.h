// Wiring of the ingest component: its store, domain objects and gRPC adapter.
#ifndef CLIENTELE_CMD_CLIENTELED_INGEST_NODE_H_
#define CLIENTELE_CMD_CLIENTELED_INGEST_NODE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/metrics/registry.h"
#include "common/storage/kv_store.h"
#include "ingest/consumer_registry.h"
#include "ingest/event_log.h"
#include "ingest/ingest_service.h"

namespace clientele {

struct IngestNodeOptions {
  std::string data_dir;  // The node's RocksDB lives in data_dir/ingest.
  uint32_t partition_count = 1;
  std::vector<uint32_t> owned_partitions;  // Empty: all.
  bool sync_writes = false;
};

class IngestNode {
 public:
  static absl::StatusOr<std::unique_ptr<IngestNode>> Open(const IngestNodeOptions& options,
                                                          metrics::Registry* metrics);

  grpc::Service* service() { return service_.get(); }
  ingest::EventLog& log() { return *log_; }
  // Ends tailing subscriptions, then flushes the store (graceful shutdown).
  void Close();
  absl::Status Flush() { return store_->Flush(); }
  // OK while the log serves every owned partition and the store has seen no damage.
  absl::Status Health() const { return log_->Health(); }

 private:
  IngestNode() = default;

  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<ingest::EventLog> log_;
  std::unique_ptr<ingest::ConsumerRegistry> consumers_;
  std::unique_ptr<ingest::IngestServiceImpl> service_;
};

}  // namespace clientele

#endif  // CLIENTELE_CMD_CLIENTELED_INGEST_NODE_H_
