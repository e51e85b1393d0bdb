// The JobRunner of the analytics service: runs `rfm` and `recluster` jobs.
#ifndef CLIENTELE_ANALYTICS_JOBS_ANALYTICS_JOB_RUNNER_H_
#define CLIENTELE_ANALYTICS_JOBS_ANALYTICS_JOB_RUNNER_H_

#include <string>
#include <vector>

#include "analytics/jobs/job_runner.h"
#include "analytics/jobs/profile_directory.h"
#include "analytics/state/analytics_store.h"

namespace clientele::analytics {

class AnalyticsJobRunner final : public JobRunner {
 public:
  // `store` and `directory` are not owned and must outlive the runner.
  AnalyticsJobRunner(AnalyticsStore* store, ProfileDirectory* directory, int kmeans_threads = 2)
      : store_(store), directory_(directory), kmeans_threads_(kmeans_threads) {}

  std::vector<std::string> Kinds() const override { return {"rfm", "recluster"}; }
  // An empty spec gets the part of `kind` (its defaults); a spec whose part is another
  // kind's is InvalidArgument.
  absl::Status ValidateSpec(const std::string& kind, v1::JobSpec& spec) const override;
  absl::StatusOr<JobOutcome> RunTyped(const JobInput& job, JobControl& control) override;

 private:
  AnalyticsStore* const store_;
  ProfileDirectory* const directory_;
  const int kmeans_threads_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_JOBS_ANALYTICS_JOB_RUNNER_H_
