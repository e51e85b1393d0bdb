// Runs a service's jobs: persisted, idempotent by key, cancellable, one at a time on a worker
// thread of its own (never on an RPC thread). Shared by analytics and the recommender; each
// instantiates it with a Traits type naming its API messages and store:
//
//   struct Traits {
//     using Job = v1::Job; using JobSpec = v1::JobSpec; using JobResult = v1::JobResult;
//     using JobKind = v1::JobKind; using JobState = v1::JobState;
//     using Store = MyStore;  // GetJob, PutJob, WriteJob, JobIdForKey, PutJobKey, AllJobs,
//                             // JobsBefore, kv() (as analytics/state/analytics_store.h)
//     static constexpr JobState kQueued = ..., kRunning, kSucceeded, kFailed, kCancelled;
//     static JobKind KindOf(const JobSpec&);
//     static std::string KindName(JobKind); static std::string StateName(JobState);
//     static constexpr char kService[] = "analytics";  // logs, metric names
//     static constexpr char kTitle[] = "Analytics";    // metric help texts
//   };
//   jobs::JobManager<Traits> jobs(&store, &runner);
//   CLT_RETURN_IF_ERROR(jobs.Start());          // recovers jobs of a previous run
//   CLT_ASSIGN_OR_RETURN(auto started, jobs.StartJob(spec, "cron-2026-12-01"));
//   jobs.Stop();
//
// Lifecycle: QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED (QUEUED -> CANCELLED too).
// Every transition is written to the store before it is visible. Progress (0..1 and a
// message) lives in memory while a job runs and is persisted with its final state.
// On Start, a job found RUNNING (the process died during it) is marked FAILED with the
// error "interrupted by a restart", and QUEUED jobs are queued again.
//
// Metrics (when a registry is given): clientele_<service>_jobs_total{kind,state} per finished
// job, clientele_<service>_job_seconds{kind} (run time), clientele_<service>_jobs_queued.
//
// Thread-safe. `store`, `runner` and `metrics` are not owned and must outlive the manager.
#ifndef CLIENTELE_COMMON_JOBS_JOB_MANAGER_H_
#define CLIENTELE_COMMON_JOBS_JOB_MANAGER_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/jobs/job_runner.h"
#include "common/metrics/registry.h"
#include "common/status/status_macros.h"
#include "google/protobuf/timestamp.pb.h"
#include "spdlog/spdlog.h"

namespace clientele::jobs {

template <typename Job>
struct StartedJob {
  Job job;
  bool existing = false;  // The idempotency key was used before; `job` is that job.
};

template <typename Job>
struct JobPage {
  std::vector<Job> jobs;
  std::string next_page_token;  // Empty on the last page.
};

namespace job_internal {

inline constexpr char kJobIdPrefix[] = "job-";
inline constexpr size_t kMaxIdempotencyKeyBytes = 256;

inline void SetTime(absl::Time t, google::protobuf::Timestamp* ts) {
  const int64_t nanos = absl::ToUnixNanos(t);
  ts->set_seconds(nanos / 1000000000);
  ts->set_nanos(static_cast<int32_t>(nanos % 1000000000));
}

inline absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

// Progress and the cancel flag of the running job.
class Control final : public JobControl {
 public:
  bool cancelled() const override { return cancelled_.load(); }
  void SetProgress(double fraction, const std::string& message) override {
    absl::MutexLock l(&mu_);
    fraction_ = std::clamp(fraction, 0.0, 1.0);
    message_ = message;
  }
  void Cancel() { cancelled_.store(true); }
  template <typename Job>
  void ApplyTo(Job* job) const {
    absl::MutexLock l(&mu_);
    job->set_progress(fraction_);
    job->set_progress_message(message_);
  }

 private:
  std::atomic<bool> cancelled_{false};
  mutable absl::Mutex mu_;
  double fraction_ ABSL_GUARDED_BY(mu_) = 0;
  std::string message_ ABSL_GUARDED_BY(mu_);
};

}  // namespace job_internal

template <typename Traits>
class JobManager {
 public:
  using Job = typename Traits::Job;
  using JobSpec = typename Traits::JobSpec;
  using JobResult = typename Traits::JobResult;
  using JobState = typename Traits::JobState;
  using Store = typename Traits::Store;
  using Runner = JobRunner<Job, JobSpec, JobResult>;

  JobManager(Store* store, Runner* runner, metrics::Registry* metrics = nullptr)
      : store_(store),
        runner_(runner),
        metrics_(metrics),
        queued_(metrics ? metrics->GetGauge(
                              absl::StrCat("clientele_", Traits::kService, "_jobs_queued"),
                              absl::StrCat(Traits::kTitle, " jobs waiting for the worker"))
                        : nullptr) {}
  ~JobManager() { Stop(); }  // Stop().

  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  // Recovers persisted jobs (see above) and starts the worker. Call once.
  absl::Status Start();
  // Cancels the running job, waits for the worker to end. Queued jobs stay queued (they
  // run after the next Start). Idempotent.
  void Stop();

  // Queues a job for `spec`, or returns the job created earlier with the same non-empty
  // `idempotency_key` (whatever its spec; the work runs once). InvalidArgument naming the
  // field for a bad spec (the runner's Validate), or for a key longer than 256 bytes.
  absl::StatusOr<StartedJob<Job>> StartJob(const JobSpec& spec, const std::string& idempotency_key);
  // NotFound for an unknown id.
  absl::StatusOr<Job> GetJob(const std::string& job_id) const;
  // Newest first. page_size 0 means 50; InvalidArgument outside 0..1000 or for a bad token.
  absl::StatusOr<JobPage<Job>> ListJobs(int page_size, const std::string& page_token) const;
  // Cancels a queued job at once; asks a running one to stop (it ends CANCELLED at its next
  // check, usually within milliseconds). A finished job is returned unchanged. NotFound for
  // an unknown id.
  absl::StatusOr<Job> CancelJob(const std::string& job_id);

  // Blocks until the job has finished (or `deadline`); returns its last state.
  absl::StatusOr<Job> WaitForJob(const std::string& job_id, absl::Time deadline) const;

 private:
  static bool Finished(JobState state) {
    return state == Traits::kSucceeded || state == Traits::kFailed || state == Traits::kCancelled;
  }
  void WorkerLoop();
  void UpdateQueuedGauge() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (queued_ != nullptr) queued_->Set(static_cast<double>(queue_.size()));
  }
  void RunOne(const std::string& job_id);
  // The stored job with the in-memory progress of a running job applied.
  absl::StatusOr<Job> LoadJob(const std::string& job_id) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  Store* const store_;                // Not owned.
  Runner* const runner_;              // Not owned.
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
  job_internal::Control* running_control_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread worker_;
};

// ---------------------------------------------------------------------------------------------
// Implementation.

template <typename Traits>
absl::Status JobManager<Traits>::Start() {
  using job_internal::kJobIdPrefix;
  CLT_ASSIGN_OR_RETURN(std::vector<Job> jobs, store_->AllJobs());
  absl::MutexLock l(&mu_);
  if (started_) return absl::FailedPreconditionError("job manager already started");
  for (Job& job : jobs) {
    uint64_t number = 0;
    if (absl::SimpleAtoi(absl::string_view(job.job_id()).substr(sizeof(kJobIdPrefix) - 1),
                         &number)) {
      last_job_number_ = std::max(last_job_number_, number);
    }
    if (job.state() == Traits::kRunning) {
      job.set_state(Traits::kFailed);
      job.set_error(absl::StrCat("interrupted by a restart of the ", Traits::kService,
                                 " service; start it again"));
      job_internal::SetTime(absl::Now(), job.mutable_finished_at());
      CLT_RETURN_IF_ERROR(store_->WriteJob(job));
      spdlog::warn("{}: job {} was running at shutdown; marked failed", Traits::kService,
                   job.job_id());
    } else if (job.state() == Traits::kQueued) {
      if (job.cancel_requested()) {
        job.set_state(Traits::kCancelled);
        job_internal::SetTime(absl::Now(), job.mutable_finished_at());
        CLT_RETURN_IF_ERROR(store_->WriteJob(job));
      } else {
        queue_.push_back(job.job_id());
        UpdateQueuedGauge();
      }
    }
  }
  started_ = true;
  worker_ = std::thread([this] { WorkerLoop(); });
  return absl::OkStatus();
}

template <typename Traits>
void JobManager<Traits>::Stop() {
  {
    absl::MutexLock l(&mu_);
    if (!started_ || stopping_) return;
    stopping_ = true;
    if (running_control_ != nullptr) running_control_->Cancel();
  }
  if (worker_.joinable()) worker_.join();
}

template <typename Traits>
absl::StatusOr<StartedJob<typename Traits::Job>> JobManager<Traits>::StartJob(
    const JobSpec& spec, const std::string& idempotency_key) {
  if (idempotency_key.size() > job_internal::kMaxIdempotencyKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "idempotency_key: longer than ", job_internal::kMaxIdempotencyKeyBytes, " bytes"));
  }
  absl::MutexLock l(&mu_);
  if (!started_ || stopping_) return absl::UnavailableError("job manager is not running");
  if (!idempotency_key.empty()) {
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> existing, store_->JobIdForKey(idempotency_key));
    if (existing) {
      CLT_ASSIGN_OR_RETURN(Job job, LoadJob(*existing));
      return StartedJob<Job>{std::move(job), true};
    }
  }
  CLT_RETURN_IF_ERROR(runner_->Validate(spec));
  Job job;
  job.set_job_id(absl::StrFormat("%s%010d", job_internal::kJobIdPrefix, last_job_number_ + 1));
  job.set_kind(Traits::KindOf(spec));
  *job.mutable_spec() = spec;
  job.set_idempotency_key(idempotency_key);
  job.set_state(Traits::kQueued);
  job.set_progress_message("queued");
  job_internal::SetTime(absl::Now(), job.mutable_created_at());
  std::unique_ptr<storage::WriteBatch> batch = store_->kv()->NewWriteBatch();
  store_->PutJob(*batch, job);
  if (!idempotency_key.empty()) store_->PutJobKey(*batch, idempotency_key, job.job_id());
  CLT_RETURN_IF_ERROR(store_->kv()->Write(*batch));
  ++last_job_number_;
  queue_.push_back(job.job_id());
  UpdateQueuedGauge();
  return StartedJob<Job>{std::move(job), false};
}

template <typename Traits>
absl::StatusOr<typename Traits::Job> JobManager<Traits>::LoadJob(const std::string& job_id) const {
  CLT_ASSIGN_OR_RETURN(std::optional<Job> job, store_->GetJob(job_id));
  if (!job) return absl::NotFoundError(absl::StrCat("job_id: no job '", job_id, "'"));
  if (job_id == running_id_ && running_control_ != nullptr && !Finished(job->state())) {
    running_control_->ApplyTo(&*job);
  }
  return std::move(*job);
}

template <typename Traits>
absl::StatusOr<typename Traits::Job> JobManager<Traits>::GetJob(const std::string& job_id) const {
  if (job_id.empty()) return absl::InvalidArgumentError("job_id: required");
  absl::ReaderMutexLock l(&mu_);
  return LoadJob(job_id);
}

template <typename Traits>
absl::StatusOr<JobPage<typename Traits::Job>> JobManager<Traits>::ListJobs(
    int page_size, const std::string& page_token) const {
  if (page_size < 0 || page_size > 1000) {
    return absl::InvalidArgumentError("page_size: must be between 0 and 1000");
  }
  if (page_size == 0) page_size = 50;
  if (!page_token.empty() && page_token.rfind(job_internal::kJobIdPrefix, 0) != 0) {
    return absl::InvalidArgumentError("page_token: not a token of ListJobs");
  }
  absl::ReaderMutexLock l(&mu_);
  CLT_ASSIGN_OR_RETURN(std::vector<Job> jobs, store_->JobsBefore(page_token, page_size + 1));
  JobPage<Job> page;
  if (static_cast<int>(jobs.size()) > page_size) {
    jobs.pop_back();
    page.next_page_token = jobs.back().job_id();
  }
  for (Job& job : jobs) {
    if (job.job_id() == running_id_ && running_control_ != nullptr) {
      running_control_->ApplyTo(&job);
    }
    page.jobs.push_back(std::move(job));
  }
  return page;
}

template <typename Traits>
absl::StatusOr<typename Traits::Job> JobManager<Traits>::CancelJob(const std::string& job_id) {
  if (job_id.empty()) return absl::InvalidArgumentError("job_id: required");
  absl::MutexLock l(&mu_);
  CLT_ASSIGN_OR_RETURN(Job job, LoadJob(job_id));
  if (Finished(job.state())) return job;
  job.set_cancel_requested(true);
  if (job.state() == Traits::kQueued) {
    job.set_state(Traits::kCancelled);
    job.set_progress_message("cancelled before it started");
    job_internal::SetTime(absl::Now(), job.mutable_finished_at());
    ++transitions_;
    queue_.erase(std::remove(queue_.begin(), queue_.end(), job_id), queue_.end());
    UpdateQueuedGauge();
  } else if (job_id == running_id_ && running_control_ != nullptr) {
    running_control_->Cancel();
  }
  CLT_RETURN_IF_ERROR(store_->WriteJob(job));
  return job;
}

template <typename Traits>
absl::StatusOr<typename Traits::Job> JobManager<Traits>::WaitForJob(const std::string& job_id,
                                                                    absl::Time deadline) const {
  if (job_id.empty()) return absl::InvalidArgumentError("job_id: required");
  absl::MutexLock l(&mu_);
  while (true) {
    CLT_ASSIGN_OR_RETURN(Job job, LoadJob(job_id));
    if (Finished(job.state()) || absl::Now() >= deadline) return job;
    const uint64_t seen = transitions_;
    auto changed = [this, seen]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return transitions_ != seen; };
    mu_.AwaitWithDeadline(absl::Condition(&changed), deadline);
  }
}

template <typename Traits>
void JobManager<Traits>::WorkerLoop() {
  while (true) {
    std::string job_id;
    {
      absl::MutexLock l(&mu_);
      auto ready = [this]()
                       ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (stopping_) return;
      job_id = queue_.front();
      queue_.pop_front();
      UpdateQueuedGauge();
    }
    RunOne(job_id);
  }
}

template <typename Traits>
void JobManager<Traits>::RunOne(const std::string& job_id) {
  job_internal::Control control;
  Job job;
  {
    absl::MutexLock l(&mu_);
    absl::StatusOr<Job> loaded = LoadJob(job_id);
    if (!loaded.ok()) {
      spdlog::error("{}: cannot load job {}: {}", Traits::kService, job_id,
                    loaded.status().ToString());
      return;
    }
    job = std::move(*loaded);
    if (job.state() != Traits::kQueued) return;  // Cancelled meanwhile.
    job.set_state(Traits::kRunning);
    job.set_progress_message("started");
    job_internal::SetTime(absl::Now(), job.mutable_started_at());
    if (absl::Status s = store_->WriteJob(job); !s.ok()) {
      spdlog::error("{}: cannot start job {}: {}", Traits::kService, job_id, s.ToString());
      queue_.push_back(job_id);
      UpdateQueuedGauge();
      return;
    }
    running_id_ = job_id;
    running_control_ = &control;
    if (stopping_) control.Cancel();
  }
  spdlog::info("{}: job {} ({}) started", Traits::kService, job_id, Traits::KindName(job.kind()));
  absl::StatusOr<JobOutcome<JobResult>> outcome = runner_->Run(job, control);

  absl::MutexLock l(&mu_);
  control.ApplyTo(&job);
  job_internal::SetTime(absl::Now(), job.mutable_finished_at());
  std::unique_ptr<storage::WriteBatch> batch;
  std::function<void()> on_committed;
  if (outcome.ok()) {
    job.set_state(Traits::kSucceeded);
    job.set_progress(1.0);
    *job.mutable_result() = outcome->result;
    batch = std::move(outcome->commit);
    on_committed = std::move(outcome->on_committed);
  } else if (absl::IsCancelled(outcome.status())) {
    job.set_state(Traits::kCancelled);
    job.set_cancel_requested(true);
    job.set_progress_message("cancelled");
  } else {
    job.set_state(Traits::kFailed);
    job.set_error(std::string(outcome.status().message()));
  }
  if (!batch) batch = store_->kv()->NewWriteBatch();
  store_->PutJob(*batch, job);
  if (absl::Status s = store_->kv()->Write(*batch); !s.ok()) {
    // The result is not published; record the failure on its own.
    job.set_state(Traits::kFailed);
    job.set_error(absl::StrCat("could not store the result: ", s.message()));
    job.clear_result();
    (void)store_->WriteJob(job);
  } else if (on_committed) {
    on_committed();
  }
  spdlog::info("{}: job {} ended {}{}", Traits::kService, job_id, Traits::StateName(job.state()),
               job.error().empty() ? "" : ": " + job.error());
  if (metrics_ != nullptr) {
    const std::string kind = Traits::KindName(job.kind());
    const metrics::Labels labels = {{"kind", kind}, {"state", Traits::StateName(job.state())}};
    metrics_
        ->GetCounter(absl::StrCat("clientele_", Traits::kService, "_jobs_total"),
                     absl::StrCat(Traits::kTitle, " jobs that ended, by state"), labels)
        ->Increment();
    metrics_
        ->GetHistogram(absl::StrCat("clientele_", Traits::kService, "_job_seconds"),
                       absl::StrCat("Run time of ", Traits::kService, " jobs"),
                       {0.1, 0.5, 1, 5, 15, 60, 300, 1800}, {{"kind", kind}})
        ->Observe(
            absl::ToDoubleSeconds(absl::Now() - job_internal::FromTimestamp(job.started_at())));
  }
  running_id_.clear();
  running_control_ = nullptr;
  ++transitions_;
}

}  // namespace clientele::jobs

#endif  // CLIENTELE_COMMON_JOBS_JOB_MANAGER_H_
