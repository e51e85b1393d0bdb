// The analytics component of clienteled: its RocksDB (data_dir/analytics), the log consumer
// "analytics" that feeds the per-source-key state, the job manager (RFM, recluster) whose
// jobs ask identity who is who (identity/client/), and the gRPC adapter.
#ifndef CLIENTELE_ANALYTICS_ANALYTICS_COMPONENT_H_
#define CLIENTELE_ANALYTICS_ANALYTICS_COMPONENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "analytics/analytics_applier.h"
#include "analytics/analytics_queries.h"
#include "analytics/analytics_service.h"
#include "analytics/jobs/analytics_job_runner.h"
#include "analytics/jobs/job_manager.h"
#include "analytics/jobs/profile_directory.h"
#include "analytics/privacy/analytics_privacy_service.h"
#include "analytics/privacy/analytics_subject_data.h"
#include "analytics/state/analytics_store.h"
#include "common/log/log_consumer.h"
#include "common/server/component_registry.h"
#include "common/storage/kv_store.h"

namespace clientele::analytics {

struct AnalyticsComponentOptions {
  int kmeans_threads = 2;
  // How long a job waits for identity to apply the log as far as analytics has (identity
  // replaying the log after a rebuild) before it fails UNAVAILABLE.
  absl::Duration identity_catch_up_wait = absl::Minutes(10);
};

class AnalyticsComponent final : public server::Component {
 public:
  // "analytics", registered in cmd/clienteled/components.cc.
  static server::ComponentInfo Info();

  explicit AnalyticsComponent(AnalyticsComponentOptions options = {}) : options_(options) {}
  ~AnalyticsComponent() override;  // Drain(); removes its metrics.

  // Needs ingest (here or --ingest_addr). Consumes the owned partitions (all if none named).
  absl::Status Open(const server::ComponentEnvironment& env) override;
  // AnalyticsService and AnalyticsPrivacy (erasure and export, docs/analytics.md).
  std::vector<grpc::Service*> services() override {
    return {service_.get(), privacy_service_.get()};
  }
  std::vector<jobs::JobManager*> job_managers() override { return {jobs_.get()}; }
  std::vector<std::string> health_names() const override;
  // Consumes the log from ingest and runs jobs; identity (here or --identity_addr) gives
  // the profile map, else every source key is its own profile.
  absl::Status Start(std::shared_ptr<const server::ComponentChannels> channels) override;
  // OK while the store has seen no damage and the consumer consumes every partition.
  absl::Status Health() const override;
  // Stops the consumer and the job worker (a running job ends CANCELLED, stays queued).
  void Drain() override;
  absl::Status Flush() override { return kv_->Flush(); }
  std::vector<std::string> stores() const override { return {"analytics"}; }

 private:
  const AnalyticsComponentOptions options_;
  std::vector<uint32_t> partitions_;
  metrics::Registry* metrics_ = nullptr;   // Set once its gauge is registered there.
  metrics::Registry* registry_ = nullptr;  // Not owned; may be null (the consumer's lag).
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<AnalyticsStore> store_;
  std::unique_ptr<AnalyticsApplier> applier_;
  std::unique_ptr<ProfileDirectory> directory_;
  // Forwards to directory_, which is chosen in Start (after the runner exists).
  std::unique_ptr<ProfileDirectory> directory_proxy_;
  std::unique_ptr<AnalyticsJobRunner> runner_;
  std::unique_ptr<jobs::JobStore> job_store_;
  std::unique_ptr<JobManager> jobs_;
  std::unique_ptr<AnalyticsQueries> queries_;
  std::unique_ptr<AnalyticsServiceImpl> service_;
  std::unique_ptr<AnalyticsSubjectData> subject_data_;
  std::unique_ptr<AnalyticsPrivacyServiceImpl> privacy_service_;
  log::LogBackendOptions log_;  // env.log: where the consumer reads the log.
  std::unique_ptr<log::LogConsumer> consumer_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_ANALYTICS_COMPONENT_H_
