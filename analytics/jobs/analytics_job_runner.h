// The JobRunner of the analytics service: dispatches `rfm` and `recluster` jobs.
#ifndef CLIENTELE_ANALYTICS_JOBS_ANALYTICS_JOB_RUNNER_H_
#define CLIENTELE_ANALYTICS_JOBS_ANALYTICS_JOB_RUNNER_H_

#include "analytics/jobs/job_runner.h"
#include "analytics/jobs/profile_directory.h"
#include "analytics/state/analytics_store.h"

namespace clientele::analytics {

class AnalyticsJobRunner final : public JobRunner {
 public:
  // `store` and `directory` are not owned and must outlive the runner.
  AnalyticsJobRunner(AnalyticsStore* store, ProfileDirectory* directory, int kmeans_threads = 2)
      : store_(store), directory_(directory), kmeans_threads_(kmeans_threads) {}

  absl::Status Validate(const v1::JobSpec& spec) const override;
  absl::StatusOr<JobOutcome> Run(const v1::Job& job, JobControl& control) override;

 private:
  AnalyticsStore* const store_;
  ProfileDirectory* const directory_;
  const int kmeans_threads_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_JOBS_ANALYTICS_JOB_RUNNER_H_
