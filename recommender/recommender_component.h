// The recommender component of clienteled: its RocksDB (data_dir/recommender), the log
// consumer "recommender" that stores orders, interactions, products and consents, the serving
// snapshot (the last trained version is loaded at Open), the job manager (train, evaluate),
// identity through the identity client (profile map of a training run, Recommend's unknown
// customers), and the gRPC adapter.
#ifndef CLIENTELE_RECOMMENDER_RECOMMENDER_COMPONENT_H_
#define CLIENTELE_RECOMMENDER_RECOMMENDER_COMPONENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/log/log_consumer.h"
#include "common/server/component_registry.h"
#include "common/storage/kv_store.h"
#include "identity/client/identity_client.h"
#include "recommender/jobs/recommender_job_runner.h"
#include "recommender/jobs/recommender_jobs.h"
#include "recommender/memory_budget_flag.h"
#include "recommender/privacy/recommender_privacy_service.h"
#include "recommender/privacy/recommender_subject_data.h"
#include "recommender/recommender_applier.h"
#include "recommender/recommender_service.h"
#include "recommender/replication/replication_service.h"
#include "recommender/serving/recommender_queries.h"
#include "recommender/serving/snapshot_holder.h"
#include "recommender/state/recommender_store.h"

namespace clientele::recommender {

struct RecommenderComponentOptions {
  int fp_growth_threads = 1;
  // How long a train job waits for identity to apply the log as far as the recommender has
  // (identity replaying the log after a rebuild) before it fails UNAVAILABLE.
  absl::Duration identity_catch_up_wait = absl::Minutes(10);
  // Bytes one model's fit may use in train and evaluate jobs (0: no budget);
  // --recommender_memory_budget.
  int64_t memory_budget_bytes = DefaultMemoryBudgetBytes();
};

class RecommenderComponent final : public server::Component {
 public:
  // "recommender", registered in cmd/clienteled/components.cc.
  static server::ComponentInfo Info();

  explicit RecommenderComponent(RecommenderComponentOptions options = {}) : options_(options) {}
  ~RecommenderComponent() override;  // Drain().

  // Needs ingest (here or --ingest_addr). With ingest here it consumes the owned partitions;
  // standalone, every partition (every replica serves every customer).
  absl::Status Open(const server::ComponentEnvironment& env) override;
  // --recommender_memory_budget (memory_budget_flag.h).
  void AddFlags(CLI::App& app) override;
  // RecommenderService, RecommenderPrivacy (erasure and export, docs/recommender.md) and
  // RecommenderReplication (the model stream of serving replicas).
  std::vector<grpc::Service*> services() override {
    return {service_.get(), privacy_service_.get(), replication_service_.get()};
  }
  std::vector<jobs::JobManager*> job_managers() override { return {jobs_.get()}; }
  std::vector<std::string> health_names() const override;
  // Consumes the log from ingest and runs jobs; identity (here or --identity_addr) gives the
  // profile map and knows new profiles, else every source key is its own profile.
  absl::Status Start(std::shared_ptr<const server::ComponentChannels> channels) override;
  // OK while the store has seen no damage and the consumer consumes every partition.
  absl::Status Health() const override;
  // Stops the consumer and the job worker (a running job ends CANCELLED, stays queued).
  void Drain() override;
  absl::Status Flush() override { return kv_->Flush(); }
  std::vector<std::string> stores() const override { return {"recommender"}; }

 private:
  // The identity client set in Start (null before, or without identity).
  std::shared_ptr<identity::IdentityClient> Identity() const;

  RecommenderComponentOptions options_;  // Set by the constructor and AddFlags' parse.
  std::vector<uint32_t> partitions_;
  metrics::Registry* registry_ = nullptr;  // Not owned; may be null (the consumer's lag).
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<RecommenderStore> store_;
  std::unique_ptr<SnapshotHolder> holder_;
  std::unique_ptr<RecommenderApplier> applier_;
  // Set in Start; read by the runner's profile map function (job thread) and by Recommend's
  // known-customer check (serving threads, which may run before Start).
  mutable absl::Mutex identity_mu_;
  std::shared_ptr<identity::IdentityClient> identity_ ABSL_GUARDED_BY(identity_mu_);
  std::unique_ptr<RecommenderJobRunner> runner_;
  std::unique_ptr<jobs::JobStore> job_store_;
  std::unique_ptr<JobManager> jobs_;
  std::unique_ptr<RecommenderQueries> queries_;
  std::unique_ptr<RecommenderServiceImpl> service_;
  std::unique_ptr<RecommenderSubjectData> subject_data_;
  std::unique_ptr<RecommenderPrivacyServiceImpl> privacy_service_;
  std::unique_ptr<RecommenderReplicationServiceImpl> replication_service_;
  log::LogBackendOptions log_;  // env.log: where the consumer reads the log.
  std::unique_ptr<log::LogConsumer> consumer_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_RECOMMENDER_COMPONENT_H_
