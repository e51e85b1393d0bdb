// The work of a job kind, as a JobManager (common/jobs/job_manager.h) sees it: validation of
// a spec, and a run that reports progress, checks for cancellation and prepares (but does not
// apply) its commit. Shared by the services that run jobs (analytics, recommender); each
// instantiates it with its own API messages.
#ifndef CLIENTELE_COMMON_JOBS_JOB_RUNNER_H_
#define CLIENTELE_COMMON_JOBS_JOB_RUNNER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/storage/kv_store.h"

namespace clientele::jobs {

// Given to a running job. Thread-safe.
class JobControl {
 public:
  virtual ~JobControl() = default;
  // True once cancellation was asked for: the job should return absl::CancelledError soon.
  virtual bool cancelled() const = 0;
  // Reports progress; `fraction` is clamped to [0, 1].
  virtual void SetProgress(double fraction, const std::string& message) = 0;
};

template <typename Result>
struct JobOutcome {
  Result result;
  // Changes that publish the result (e.g. the model and the active version pointer). The
  // manager adds the job's final state and writes it atomically. May be null.
  std::unique_ptr<storage::WriteBatch> commit;
  // Called after `commit` (with the job's final state) is durable, on the worker thread, e.g.
  // to swap an in-memory serving snapshot. May be empty.
  std::function<void()> on_committed;
};

template <typename Job, typename JobSpec, typename Result>
class JobRunner {
 public:
  virtual ~JobRunner() = default;
  // InvalidArgument naming the field (e.g. "spec.recluster.k_min") for a spec that cannot run.
  virtual absl::Status Validate(const JobSpec& spec) const = 0;
  // Runs the job. Called on the manager's worker thread, one job at a time. An error
  // fails the job with its message; absl::CancelledError ends it CANCELLED.
  virtual absl::StatusOr<JobOutcome<Result>> Run(const Job& job, JobControl& control) = 0;
};

}  // namespace clientele::jobs

#endif  // CLIENTELE_COMMON_JOBS_JOB_RUNNER_H_
