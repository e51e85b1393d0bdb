// Runs one service's jobs: persisted (JobStore), idempotent by key with retry attempts,
// cancellable, one at a time on a worker thread of its own (never on an RPC thread), and
// watchable: waiters wake on every state or progress change (no polling).
//
//   jobs::JobStore store(kv, kJobsCf, kJobKeysCf, "analytics");
//   jobs::JobManager manager(&store, &runner, {.title = "Analytics"}, &metrics);
//   CLT_RETURN_IF_ERROR(manager.Start());          // recovers jobs of a previous run
//   CLT_ASSIGN_OR_RETURN(auto started, manager.StartJob("rfm", spec, "cron-2026-12-01"));
//   CLT_ASSIGN_OR_RETURN(auto done, manager.WaitJob(started.job.job_id(), deadline, {}));
//   manager.Stop();
//
// Lifecycle: QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED (QUEUED -> CANCELLED too).
// Every transition is written to the store before it is visible. Progress (0..1 and a
// message) lives in memory while a job runs and is persisted with its final state.
// On Start, a job found RUNNING (the process died during it) is marked FAILED with the
// error "interrupted by a restart", and QUEUED jobs are queued again.
//
// Idempotency keys: StartJob with a key whose latest job is queued, running or succeeded
// returns that job; one whose latest job failed or was cancelled starts attempt N+1 (its
// previous_attempt_job_id names attempt N). Earlier attempts stay stored.
//
// Metrics (when a registry is given): clientele_<service>_jobs_total{kind,state} per finished
// job, clientele_<service>_job_seconds{kind} (run time), clientele_<service>_jobs_queued.
//
// Thread-safe. `store`, `runner` and `metrics` are not owned and must outlive the manager.
#ifndef CLIENTELE_COMMON_JOBS_JOB_MANAGER_H_
#define CLIENTELE_COMMON_JOBS_JOB_MANAGER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clientele/common/v1/jobs.pb.h"
#include "common/jobs/job_runner.h"
#include "common/jobs/job_store.h"
#include "common/metrics/registry.h"

namespace clientele::jobs {

struct StartedJob {
  common::v1::Job job;
  bool existing = false;  // The key named a queued, running or succeeded job; `job` is it.
};

struct JobPage {
  std::vector<common::v1::Job> jobs;
  std::string next_page_token;  // Empty on the last page.
};

// A job and the manager's change counter when it was read (for WaitForChange).
struct JobSnapshot {
  common::v1::Job job;
  uint64_t version = 0;
};

// Returns true once the waiting caller has gone (its call was cancelled).
using CancelledFn = std::function<bool()>;

struct JobManagerOptions {
  std::string title;  // For metric help texts, e.g. "Analytics".
  // How often a waiter checks `cancelled` (the caller going away has no notification).
  // State and progress changes wake waiters at once, whatever this is.
  absl::Duration cancel_check_interval = absl::Milliseconds(200);
};

class JobManager {
 public:
  JobManager(JobStore* store, JobRunner* runner, JobManagerOptions options = {},
             metrics::Registry* metrics = nullptr);
  ~JobManager();  // Stop().

  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  const std::string& service() const { return store_->service(); }
  std::vector<std::string> kinds() const { return runner_->Kinds(); }

  // Recovers persisted jobs (see above) and starts the worker. Call once.
  absl::Status Start();
  // Cancels the running job, wakes every waiter, waits for the worker to end. Queued jobs
  // stay queued (they run after the next Start). Idempotent.
  void Stop();

  // Queues a job of `kind` (one of kinds()) for `spec` (an empty Any: the kind's defaults),
  // or returns / retries the job of `idempotency_key` (see above). InvalidArgument naming the
  // field for an unknown kind, a bad spec (the runner's Validate), or a key over 256 bytes.
  absl::StatusOr<StartedJob> StartJob(const std::string& kind, const google::protobuf::Any& spec,
                                      const std::string& idempotency_key);
  // NotFound naming job_id for an unknown id.
  absl::StatusOr<common::v1::Job> GetJob(const std::string& job_id) const;
  absl::StatusOr<JobSnapshot> GetJobSnapshot(const std::string& job_id) const;
  // Newest first. page_size 0 means 50; InvalidArgument outside 0..1000 or for a bad token.
  absl::StatusOr<JobPage> ListJobs(int page_size, const std::string& page_token) const;
  // Cancels a queued job at once; asks a running one to stop (it ends CANCELLED at its next
  // check, usually within milliseconds). A finished job is returned unchanged. NotFound for
  // an unknown id.
  absl::StatusOr<common::v1::Job> CancelJob(const std::string& job_id);

  // Blocks until the manager's change counter differs from `seen_version` (a state or
  // progress change of any of its jobs), `deadline`, Stop(), or `cancelled()` (may be empty);
  // returns the job then. With seen_version 0 it returns at once.
  absl::StatusOr<JobSnapshot> WaitForChange(const std::string& job_id, uint64_t seen_version,
                                            absl::Time deadline,
                                            const CancelledFn& cancelled) const;
  // Blocks until the job has finished, `deadline`, Stop() or `cancelled()`; returns the job
  // as it is then.
  absl::StatusOr<common::v1::Job> WaitJob(const std::string& job_id, absl::Time deadline,
                                          const CancelledFn& cancelled) const;

 private:
  class Control;

  void WorkerLoop();
  void RunOne(const std::string& job_id);
  void UpdateQueuedGauge() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void NoteChange() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { ++changes_; }
  void OnProgress();
  void RecordMetrics(const common::v1::Job& job);
  // The stored job with the in-memory progress of a running job applied.
  absl::StatusOr<common::v1::Job> LoadJob(const std::string& job_id) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  JobStore* const store_;    // Not owned.
  JobRunner* const runner_;  // Not owned.
  const JobManagerOptions options_;
  metrics::Registry* const metrics_;  // Not owned; may be null.
  metrics::Gauge* const queued_;      // Null without metrics.

  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t last_job_number_ ABSL_GUARDED_BY(mu_) = 0;
  // Bumped on every state transition and progress report; starts at 1 (0 means "nothing
  // seen yet" to WaitForChange).
  uint64_t changes_ ABSL_GUARDED_BY(mu_) = 1;
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);
  // The running job, if any.
  std::string running_id_ ABSL_GUARDED_BY(mu_);
  Control* running_control_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread worker_;
};

}  // namespace clientele::jobs

#endif  // CLIENTELE_COMMON_JOBS_JOB_MANAGER_H_
