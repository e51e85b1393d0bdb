// Analytics jobs (rfm, recluster) on the shared job machinery of common/jobs: a JobStore over
// the analytics store's `jobs` and `job_keys` column families, with ids "analytics-<n>".
//
//   std::unique_ptr<jobs::JobStore> job_store = NewAnalyticsJobStore(kv);
//   JobManager jobs(job_store.get(), &runner, AnalyticsJobOptions(), &metrics);
//   CLT_RETURN_IF_ERROR(jobs.Start());          // recovers jobs of a previous run
//   CLT_ASSIGN_OR_RETURN(StartedJob started, jobs.StartJob("rfm", PackSpec(spec), "cron-1"));
//
// Metrics: clientele_analytics_jobs_total{kind,state}, clientele_analytics_job_seconds{kind},
// clientele_analytics_jobs_queued.
#ifndef CLIENTELE_ANALYTICS_JOBS_JOB_MANAGER_H_
#define CLIENTELE_ANALYTICS_JOBS_JOB_MANAGER_H_

#include <memory>

#include "analytics/analytics_schema.h"
#include "analytics/jobs/job_runner.h"
#include "common/jobs/job_manager.h"
#include "common/jobs/job_store.h"

namespace clientele::analytics {

using JobManager = jobs::JobManager;
using StartedJob = jobs::StartedJob;
using JobPage = jobs::JobPage;

inline constexpr char kJobService[] = "analytics";

// `kv` (the analytics store's) is not owned and must outlive the store.
inline std::unique_ptr<jobs::JobStore> NewAnalyticsJobStore(storage::KvStore* kv) {
  return std::make_unique<jobs::JobStore>(kv, kJobsCf, kJobKeysCf, kJobService);
}

inline jobs::JobManagerOptions AnalyticsJobOptions() {
  jobs::JobManagerOptions options;
  options.title = "Analytics";
  return options;
}

inline google::protobuf::Any PackSpec(const v1::JobSpec& spec) {
  google::protobuf::Any any;
  any.PackFrom(spec);
  return any;
}

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_JOBS_JOB_MANAGER_H_
