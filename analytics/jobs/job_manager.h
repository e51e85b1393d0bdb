// Runs analytics jobs: persisted, idempotent by key, cancellable, one at a time on a worker
// thread of its own (never on an RPC thread).
//
//   JobManager jobs(&store, &runner);
//   CLT_RETURN_IF_ERROR(jobs.Start());          // recovers jobs of a previous run
//   CLT_ASSIGN_OR_RETURN(StartedJob started, jobs.StartJob(spec, "cron-2026-12-01"));
//   ... jobs.GetJob(started.job.job_id()) ...
//   jobs.Stop();
//
// Lifecycle: QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED (QUEUED -> CANCELLED too).
// Every transition is written to the store before it is visible. Progress (0..1 and a
// message) lives in memory while a job runs and is persisted with its final state.
// On Start, a job found RUNNING (the process died during it) is marked FAILED with the
// error "interrupted by a restart", and QUEUED jobs are queued again.
//
// Metrics (when a registry is given): clientele_analytics_jobs_total{kind,state} per finished
// job, clientele_analytics_job_seconds{kind} (run time), clientele_analytics_jobs_queued.
//
// Thread-safe. `store`, `runner` and `metrics` are not owned and must outlive the manager.
#ifndef CLIENTELE_ANALYTICS_JOBS_JOB_MANAGER_H_
#define CLIENTELE_ANALYTICS_JOBS_JOB_MANAGER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "analytics/jobs/job_runner.h"
#include "analytics/state/analytics_store.h"
#include "common/metrics/registry.h"

namespace clientele::analytics {

struct StartedJob {
  v1::Job job;
  bool existing = false;  // The idempotency key was used before; `job` is that job.
};

struct JobPage {
  std::vector<v1::Job> jobs;
  std::string next_page_token;  // Empty on the last page.
};

class JobManager {
 public:
  JobManager(AnalyticsStore* store, JobRunner* runner, metrics::Registry* metrics = nullptr);
  ~JobManager();  // Stop().

  // Recovers persisted jobs (see above) and starts the worker. Call once.
  absl::Status Start();
  // Cancels the running job, waits for the worker to end. Queued jobs stay queued (they
  // run after the next Start). Idempotent.
  void Stop();

  // Queues a job for `spec`, or returns the job created earlier with the same non-empty
  // `idempotency_key` (whatever its spec; the work runs once). InvalidArgument naming the
  // field for a bad spec (the runner's Validate), or for a key longer than 256 bytes.
  absl::StatusOr<StartedJob> StartJob(const v1::JobSpec& spec, const std::string& idempotency_key);
  // NotFound for an unknown id.
  absl::StatusOr<v1::Job> GetJob(const std::string& job_id) const;
  // Newest first. page_size 0 means 50; InvalidArgument outside 0..1000 or for a bad token.
  absl::StatusOr<JobPage> ListJobs(int page_size, const std::string& page_token) const;
  // Cancels a queued job at once; asks a running one to stop (it ends CANCELLED at its next
  // check, usually within milliseconds). A finished job is returned unchanged. NotFound for
  // an unknown id.
  absl::StatusOr<v1::Job> CancelJob(const std::string& job_id);

  // Blocks until the job has finished (or `deadline`); returns its last state.
  absl::StatusOr<v1::Job> WaitForJob(const std::string& job_id, absl::Time deadline) const;

 private:
  class Control;

  void WorkerLoop();
  void UpdateQueuedGauge() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RunOne(const std::string& job_id);
  // The stored job with the in-memory progress of a running job applied.
  absl::StatusOr<v1::Job> LoadJob(const std::string& job_id) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  AnalyticsStore* const store_;       // Not owned.
  JobRunner* const runner_;           // Not owned.
  metrics::Registry* const metrics_;  // Not owned; may be null.
  metrics::Gauge* const queued_;      // Null without metrics.

  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t last_job_number_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t transitions_ ABSL_GUARDED_BY(mu_) = 0;  // Jobs that ended, for WaitForJob.
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);
  // The running job, if any.
  std::string running_id_ ABSL_GUARDED_BY(mu_);
  Control* running_control_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread worker_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_JOBS_JOB_MANAGER_H_
