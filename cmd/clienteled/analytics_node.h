// Wiring of the analytics component: its RocksDB (data_dir/analytics), the log consumer
// "analytics" that feeds the per-source-key state, the job manager (served by the process's
// JobService) and the gRPC adapter.
//
//   CLT_ASSIGN_OR_RETURN(auto node, AnalyticsNode::Open(options));
//   ... register node->service() and start the server ...
//   CLT_RETURN_IF_ERROR(node->Start(ingest_channels, identity_channel));
//   ... node->Stop(); node->Flush();
#ifndef CLIENTELE_CMD_CLIENTELED_ANALYTICS_NODE_H_
#define CLIENTELE_CMD_CLIENTELED_ANALYTICS_NODE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "analytics/analytics_applier.h"
#include "analytics/analytics_queries.h"
#include "analytics/analytics_service.h"
#include "analytics/jobs/analytics_job_runner.h"
#include "analytics/jobs/job_manager.h"
#include "analytics/jobs/profile_directory.h"
#include "analytics/state/analytics_store.h"
#include "common/log/log_consumer.h"
#include "common/metrics/registry.h"
#include "common/storage/kv_store.h"

namespace clientele {

struct AnalyticsNodeOptions {
  std::string data_dir;              // The node's RocksDB lives in data_dir/analytics.
  std::vector<uint32_t> partitions;  // Log partitions to consume.
  bool sync_writes = false;
  int kmeans_threads = 2;
  // How long a job waits for identity to apply the log as far as analytics has (identity
  // replaying the log after a rebuild) before it fails UNAVAILABLE.
  absl::Duration identity_catch_up_wait = absl::Minutes(10);
};

class AnalyticsNode {
 public:
  // `metrics` (not owned, may be null) must outlive the node.
  static absl::StatusOr<std::unique_ptr<AnalyticsNode>> Open(const AnalyticsNodeOptions& options,
                                                             metrics::Registry* metrics);
  ~AnalyticsNode();  // Stop().

  grpc::Service* service() { return service_.get(); }
  // The rfm and recluster jobs, for the process's JobService (common/jobs/job_registry.h).
  jobs::JobManager* jobs() { return jobs_.get(); }

  // Starts consuming the log over `ingest_channels` and running jobs. `identity_channel`
  // null: identity is not configured and every source key is its own profile.
  absl::Status Start(log::LogConsumer::ChannelForPartition ingest_channels,
                     std::function<std::shared_ptr<grpc::Channel>()> identity_channel);
  // Stops the consumer and the job worker (a running job ends CANCELLED). Idempotent.
  void Stop();
  absl::Status Flush() { return kv_->Flush(); }
  // OK while the store has seen no damage and the consumer consumes every partition.
  absl::Status Health() const {
    if (absl::Status s = kv_->Health(); !s.ok()) return s;
    return consumer_ ? consumer_->Health() : absl::OkStatus();
  }

 private:
  AnalyticsNode() = default;

  AnalyticsNodeOptions options_;
  metrics::Registry* metrics_ = nullptr;
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<analytics::AnalyticsStore> store_;
  std::unique_ptr<analytics::AnalyticsApplier> applier_;
  std::unique_ptr<analytics::ProfileDirectory> directory_;
  // Forwards to directory_, which is chosen in Start (after the runner exists).
  std::unique_ptr<analytics::ProfileDirectory> directory_proxy_;
  std::unique_ptr<analytics::AnalyticsJobRunner> runner_;
  std::unique_ptr<jobs::JobStore> job_store_;
  std::unique_ptr<analytics::JobManager> jobs_;
  std::unique_ptr<analytics::AnalyticsQueries> queries_;
  std::unique_ptr<analytics::AnalyticsServiceImpl> service_;
  std::unique_ptr<log::LogConsumer> consumer_;
};

}  // namespace clientele

#endif  // CLIENTELE_CMD_CLIENTELED_ANALYTICS_NODE_H_
