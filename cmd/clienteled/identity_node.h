// Wiring of the identity component: its RocksDB (data_dir/identity), the Resolver, the log
// consumer "identity" that feeds it (every partition into one global resolver) and the gRPC
// adapter.
//
//   CLT_ASSIGN_OR_RETURN(auto node, IdentityNode::Open(options, &registry));
//   ... register node->service() and start the server ...
//   CLT_RETURN_IF_ERROR(node->Start(ingest_channels));
//   ... node->Stop(); node->Flush();      // stop the consumer, drain the server, flush
#ifndef CLIENTELE_CMD_CLIENTELED_IDENTITY_NODE_H_
#define CLIENTELE_CMD_CLIENTELED_IDENTITY_NODE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/log/log_consumer.h"
#include "common/metrics/registry.h"
#include "common/storage/kv_store.h"
#include "identity/identity_applier.h"
#include "identity/identity_metrics.h"
#include "identity/identity_service.h"
#include "identity/resolution/resolver.h"

namespace clientele {

struct IdentityNodeOptions {
  std::string data_dir;              // The node's RocksDB lives in data_dir/identity.
  std::vector<uint32_t> partitions;  // Log partitions to consume (all of them, normally).
  bool sync_writes = false;
};

class IdentityNode final : public identity::LogProgress {
 public:
  // Identity's metrics (identity_metrics.h) go to `metrics` (not owned; must outlive the
  // node) unless it is null.
  static absl::StatusOr<std::unique_ptr<IdentityNode>> Open(const IdentityNodeOptions& options,
                                                            metrics::Registry* metrics = nullptr);
  ~IdentityNode() override;  // Stop().

  grpc::Service* service() { return service_.get(); }
  identity::Resolver& resolver() { return *resolver_; }

  // Starts consuming the log over `ingest_channels`.
  absl::Status Start(log::LogConsumer::ChannelForPartition ingest_channels);
  // Stops the consumer (the batch in flight is committed or dropped whole). Idempotent.
  void Stop();
  absl::Status Flush() { return store_->Flush(); }
  // OK while the store has seen no damage and the consumer consumes every partition.
  absl::Status Health() const {
    if (absl::Status s = store_->Health(); !s.ok()) return s;
    return consumer_ ? consumer_->Health() : absl::OkStatus();
  }

  // identity::LogProgress over the consumer (GetProfileMap's min_applied). Before Start,
  // Applied() is empty and WaitForApplied waits for Start (up to the deadline).
  std::vector<std::pair<uint32_t, uint64_t>> Applied() const override;
  bool WaitForApplied(uint32_t partition, uint64_t sequence, absl::Time deadline) const override;

 private:
  IdentityNode() = default;

  IdentityNodeOptions options_;
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<identity::Resolver> resolver_;
  std::unique_ptr<identity::IdentityMetrics> metrics_;  // Null without a registry.
  std::unique_ptr<identity::IdentityApplier> applier_;
  std::unique_ptr<identity::IdentityServiceImpl> service_;
  mutable absl::Mutex consumer_mu_;
  // Set once in Start; read by GetProfileMap's threads.
  log::LogConsumer* started_consumer_ ABSL_GUARDED_BY(consumer_mu_) = nullptr;
  std::unique_ptr<log::LogConsumer> consumer_;
};

}  // namespace clientele

#endif  // CLIENTELE_CMD_CLIENTELED_IDENTITY_NODE_H_
