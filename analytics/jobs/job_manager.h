// Runs analytics jobs (rfm, recluster): the shared JobManager of common/jobs/job_manager.h
// (persisted, idempotent by key, cancellable, one at a time on a worker thread of its own)
// over the analytics API messages and AnalyticsStore.
//
//   JobManager jobs(&store, &runner);
//   CLT_RETURN_IF_ERROR(jobs.Start());          // recovers jobs of a previous run
//   CLT_ASSIGN_OR_RETURN(StartedJob started, jobs.StartJob(spec, "cron-2026-12-01"));
//   ... jobs.GetJob(started.job.job_id()) ...
//   jobs.Stop();
//
// Metrics: clientele_analytics_jobs_total{kind,state}, clientele_analytics_job_seconds{kind},
// clientele_analytics_jobs_queued.
#ifndef CLIENTELE_ANALYTICS_JOBS_JOB_MANAGER_H_
#define CLIENTELE_ANALYTICS_JOBS_JOB_MANAGER_H_

#include <string>

#include "analytics/jobs/job_runner.h"
#include "analytics/state/analytics_store.h"
#include "common/jobs/job_manager.h"

namespace clientele::analytics {

struct AnalyticsJobTraits {
  using Job = v1::Job;
  using JobSpec = v1::JobSpec;
  using JobResult = v1::JobResult;
  using JobKind = v1::JobKind;
  using JobState = v1::JobState;
  using Store = AnalyticsStore;
  static constexpr JobState kQueued = v1::JOB_STATE_QUEUED;
  static constexpr JobState kRunning = v1::JOB_STATE_RUNNING;
  static constexpr JobState kSucceeded = v1::JOB_STATE_SUCCEEDED;
  static constexpr JobState kFailed = v1::JOB_STATE_FAILED;
  static constexpr JobState kCancelled = v1::JOB_STATE_CANCELLED;
  static constexpr char kService[] = "analytics";
  static constexpr char kTitle[] = "Analytics";
  static JobKind KindOf(const JobSpec& spec) {
    switch (spec.kind_case()) {
      case v1::JobSpec::kRfm:
        return v1::JOB_KIND_RFM;
      case v1::JobSpec::kRecluster:
        return v1::JOB_KIND_RECLUSTER;
      default:
        return v1::JOB_KIND_UNSPECIFIED;
    }
  }
  static std::string KindName(JobKind kind) { return v1::JobKind_Name(kind); }
  static std::string StateName(JobState state) { return v1::JobState_Name(state); }
};

using StartedJob = jobs::StartedJob<v1::Job>;
using JobPage = jobs::JobPage<v1::Job>;
using JobManager = jobs::JobManager<AnalyticsJobTraits>;

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_JOBS_JOB_MANAGER_H_
