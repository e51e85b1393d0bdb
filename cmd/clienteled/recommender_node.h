// Wiring of the recommender component: its RocksDB (data_dir/recommender), the log consumer
// "recommender" that stores orders, interactions, products and consents, the serving snapshot
// (the last trained version is loaded at Open), the job manager (train, evaluate) and the gRPC
// adapter.
//
//   CLT_ASSIGN_OR_RETURN(auto node, RecommenderNode::Open(options, &registry));
//   ... register node->service() and start the server ...
//   CLT_RETURN_IF_ERROR(node->Start(ingest_channels, identity_channel));
//   ... node->Stop(); node->Flush();
#ifndef CLIENTELE_CMD_CLIENTELED_RECOMMENDER_NODE_H_
#define CLIENTELE_CMD_CLIENTELED_RECOMMENDER_NODE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/log/log_consumer.h"
#include "common/metrics/registry.h"
#include "common/storage/kv_store.h"
#include "recommender/jobs/recommender_job_runner.h"
#include "recommender/jobs/recommender_jobs.h"
#include "recommender/recommender_applier.h"
#include "recommender/recommender_service.h"
#include "recommender/serving/recommender_queries.h"
#include "recommender/serving/snapshot_holder.h"
#include "recommender/state/recommender_store.h"

namespace clientele {

struct RecommenderNodeOptions {
  std::string data_dir;              // The node's RocksDB lives in data_dir/recommender.
  std::vector<uint32_t> partitions;  // Log partitions to consume.
  bool sync_writes = false;
  int fp_growth_threads = 1;
  // How long a train job waits for identity to apply the log as far as the recommender has
  // (identity replaying the log after a rebuild) before it fails UNAVAILABLE.
  absl::Duration identity_catch_up_wait = absl::Minutes(10);
};

class RecommenderNode {
 public:
  // `metrics` (not owned, may be null) must outlive the node.
  static absl::StatusOr<std::unique_ptr<RecommenderNode>> Open(
      const RecommenderNodeOptions& options, metrics::Registry* metrics);
  ~RecommenderNode();  // Stop().

  grpc::Service* service() { return service_.get(); }
  // The train and evaluate jobs, for the process's JobService (common/jobs/job_registry.h).
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
  RecommenderNode() = default;

  RecommenderNodeOptions options_;
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<recommender::RecommenderStore> store_;
  std::unique_ptr<recommender::SnapshotHolder> holder_;
  std::unique_ptr<recommender::RecommenderApplier> applier_;
  // The identity channel function set in Start (empty before, or without identity).
  std::function<std::shared_ptr<grpc::Channel>()> IdentityChannel() const;

  // Set in Start; read by the runner's profile map function (job thread) and by Recommend's
  // known-customer check (serving threads, which may run before Start).
  mutable absl::Mutex identity_mu_;
  std::function<std::shared_ptr<grpc::Channel>()> identity_channel_ ABSL_GUARDED_BY(identity_mu_);
  std::unique_ptr<recommender::RecommenderJobRunner> runner_;
  std::unique_ptr<jobs::JobStore> job_store_;
  std::unique_ptr<recommender::JobManager> jobs_;
  std::unique_ptr<recommender::RecommenderQueries> queries_;
  std::unique_ptr<recommender::RecommenderServiceImpl> service_;
  std::unique_ptr<log::LogConsumer> consumer_;
};

}  // namespace clientele

#endif  // CLIENTELE_CMD_CLIENTELED_RECOMMENDER_NODE_H_
