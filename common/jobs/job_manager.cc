#include "common/jobs/job_manager.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/jobs/job_state.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "google/protobuf/timestamp.pb.h"
#include "spdlog/spdlog.h"

namespace clientele::jobs {
namespace {

using common::v1::Job;

constexpr size_t kMaxIdempotencyKeyBytes = 256;

// A retry of the key's job starts a new attempt only after it failed or was cancelled.
bool Retryable(common::v1::JobState state) {
  return state == common::v1::JOB_STATE_FAILED || state == common::v1::JOB_STATE_CANCELLED;
}

}  // namespace

// Progress and the cancel flag of the running job. SetProgress takes the control's own lock,
// then (after releasing it) the manager's, so the manager may read progress under its lock.
class JobManager::Control final : public JobControl {
 public:
  explicit Control(JobManager* manager) : manager_(manager) {}
  bool cancelled() const override { return cancelled_.load(); }
  void SetProgress(double fraction, const std::string& message) override {
    {
      absl::MutexLock l(&mu_);
      fraction_ = std::clamp(fraction, 0.0, 1.0);
      message_ = message;
    }
    manager_->OnProgress();
  }
  void Cancel() { cancelled_.store(true); }
  void ApplyTo(Job* job) const {
    absl::MutexLock l(&mu_);
    if (!message_.empty()) {
      job->set_progress(fraction_);
      job->set_progress_message(message_);
    }
  }

 private:
  JobManager* const manager_;
  std::atomic<bool> cancelled_{false};
  mutable absl::Mutex mu_;
  double fraction_ ABSL_GUARDED_BY(mu_) = 0;
  std::string message_ ABSL_GUARDED_BY(mu_);
};

JobManager::JobManager(JobStore* store, JobRunner* runner, JobManagerOptions options,
                       metrics::Registry* metrics)
    : store_(store),
      runner_(runner),
      options_(std::move(options)),
      metrics_(metrics),
      queued_(metrics
                  ? metrics->GetGauge(absl::StrCat("clientele_", store->service(), "_jobs_queued"),
                                      absl::StrCat(options_.title, " jobs waiting for the worker"))
                  : nullptr) {}

JobManager::~JobManager() { Stop(); }

void JobManager::UpdateQueuedGauge() {
  if (queued_ != nullptr) queued_->Set(static_cast<double>(queue_.size()));
}

void JobManager::OnProgress() {
  absl::MutexLock l(&mu_);
  NoteChange();
}

absl::Status JobManager::Start() {
  CLT_ASSIGN_OR_RETURN(std::vector<Job> jobs, store_->All());
  CLT_ASSIGN_OR_RETURN(int64_t foreign, store_->CountForeign());
  if (foreign > 0) {
    spdlog::warn(
        "{}: {} stored job(s) of an earlier format are ignored (not listed, not resumed); the "
        "model versions they produced stay",
        service(), foreign);
  }
  absl::MutexLock l(&mu_);
  if (started_) return absl::FailedPreconditionError("job manager already started");
  for (Job& job : jobs) {
    last_job_number_ = std::max(last_job_number_, store_->JobNumber(job.job_id()).value_or(0));
    if (job.state() == common::v1::JOB_STATE_RUNNING) {
      job.set_state(common::v1::JOB_STATE_FAILED);
      job.set_error(
          absl::StrCat("interrupted by a restart of the ", service(), " service; start it again"));
      job.set_error_code(static_cast<int32_t>(absl::StatusCode::kAborted));
      ToProtoTimestamp(absl::Now(), job.mutable_finished_at());
      CLT_RETURN_IF_ERROR(store_->Write(job));
      spdlog::warn("{}: job {} was running at shutdown; marked failed", service(), job.job_id());
    } else if (job.state() == common::v1::JOB_STATE_QUEUED) {
      if (job.cancel_requested()) {
        job.set_state(common::v1::JOB_STATE_CANCELLED);
        ToProtoTimestamp(absl::Now(), job.mutable_finished_at());
        CLT_RETURN_IF_ERROR(store_->Write(job));
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

void JobManager::Stop() {
  {
    absl::MutexLock l(&mu_);
    if (!started_ || stopping_) return;
    stopping_ = true;
    NoteChange();
    if (running_control_ != nullptr) running_control_->Cancel();
  }
  if (worker_.joinable()) worker_.join();
}

absl::StatusOr<StartedJob> JobManager::StartJob(const std::string& kind,
                                                const google::protobuf::Any& spec,
                                                const std::string& idempotency_key) {
  if (idempotency_key.size() > kMaxIdempotencyKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("idempotency_key: longer than ", kMaxIdempotencyKeyBytes, " bytes"));
  }
  const std::vector<std::string> kinds = runner_->Kinds();
  if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("kind: '", kind, "' is not a job kind of ", service()));
  }
  absl::MutexLock l(&mu_);
  if (!started_ || stopping_) return absl::UnavailableError("job manager is not running");
  std::optional<Job> previous;
  if (!idempotency_key.empty()) {
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> existing, store_->JobIdForKey(idempotency_key));
    // A key of an earlier format (an id of no job of ours) starts afresh.
    if (existing && store_->JobNumber(*existing)) {
      absl::StatusOr<Job> job = LoadJob(*existing);
      if (job.ok()) {
        if (!Retryable(job->state())) return StartedJob{std::move(*job), true};
        previous = std::move(*job);
      } else if (!absl::IsNotFound(job.status())) {
        return job.status();
      }
    }
  }
  CLT_ASSIGN_OR_RETURN(google::protobuf::Any stored_spec, runner_->Validate(kind, spec));
  Job job;
  job.set_job_id(store_->JobId(last_job_number_ + 1));
  job.set_kind(kind);
  *job.mutable_spec() = std::move(stored_spec);
  job.set_idempotency_key(idempotency_key);
  job.set_attempt(previous ? std::max(previous->attempt(), 1) + 1 : 1);
  if (previous) job.set_previous_attempt_job_id(previous->job_id());
  job.set_state(common::v1::JOB_STATE_QUEUED);
  job.set_progress_message("queued");
  ToProtoTimestamp(absl::Now(), job.mutable_created_at());
  std::unique_ptr<storage::WriteBatch> batch = store_->kv()->NewWriteBatch();
  store_->Put(*batch, job);
  if (!idempotency_key.empty()) store_->PutJobKey(*batch, idempotency_key, job.job_id());
  CLT_RETURN_IF_ERROR(store_->kv()->Write(*batch));
  ++last_job_number_;
  queue_.push_back(job.job_id());
  UpdateQueuedGauge();
  NoteChange();
  return StartedJob{std::move(job), false};
}

absl::StatusOr<Job> JobManager::LoadJob(const std::string& job_id) const {
  if (job_id.empty()) return absl::InvalidArgumentError("job_id: required");
  CLT_ASSIGN_OR_RETURN(std::optional<Job> job, store_->Get(job_id));
  if (!job) return absl::NotFoundError(absl::StrCat("job_id: no job '", job_id, "'"));
  if (job_id == running_id_ && running_control_ != nullptr && !Finished(job->state())) {
    running_control_->ApplyTo(&*job);
  }
  return std::move(*job);
}

absl::StatusOr<Job> JobManager::GetJob(const std::string& job_id) const {
  absl::ReaderMutexLock l(&mu_);
  return LoadJob(job_id);
}

absl::StatusOr<JobSnapshot> JobManager::GetJobSnapshot(const std::string& job_id) const {
  absl::ReaderMutexLock l(&mu_);
  CLT_ASSIGN_OR_RETURN(Job job, LoadJob(job_id));
  return JobSnapshot{std::move(job), changes_};
}

absl::StatusOr<JobPage> JobManager::ListJobs(int page_size, const std::string& page_token) const {
  if (page_size < 0 || page_size > 1000) {
    return absl::InvalidArgumentError("page_size: must be between 0 and 1000");
  }
  if (page_size == 0) page_size = 50;
  if (!page_token.empty() && !store_->JobNumber(page_token)) {
    return absl::InvalidArgumentError("page_token: not a token of ListJobs");
  }
  absl::ReaderMutexLock l(&mu_);
  CLT_ASSIGN_OR_RETURN(std::vector<Job> jobs, store_->Before(page_token, page_size + 1));
  JobPage page;
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

absl::StatusOr<Job> JobManager::CancelJob(const std::string& job_id) {
  absl::MutexLock l(&mu_);
  CLT_ASSIGN_OR_RETURN(Job job, LoadJob(job_id));
  if (Finished(job.state())) return job;
  job.set_cancel_requested(true);
  if (job.state() == common::v1::JOB_STATE_QUEUED) {
    job.set_state(common::v1::JOB_STATE_CANCELLED);
    job.set_progress_message("cancelled before it started");
    ToProtoTimestamp(absl::Now(), job.mutable_finished_at());
    queue_.erase(std::remove(queue_.begin(), queue_.end(), job_id), queue_.end());
    UpdateQueuedGauge();
  } else if (job_id == running_id_ && running_control_ != nullptr) {
    running_control_->Cancel();
  }
  CLT_RETURN_IF_ERROR(store_->Write(job));
  NoteChange();
  return job;
}

absl::StatusOr<JobSnapshot> JobManager::WaitForChange(const std::string& job_id,
                                                      uint64_t seen_version, absl::Time deadline,
                                                      const CancelledFn& cancelled) const {
  absl::MutexLock l(&mu_);
  auto changed = [this, seen_version]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return changes_ != seen_version || stopping_;
  };
  while (!changed() && absl::Now() < deadline && !(cancelled && cancelled())) {
    // The slice only bounds how late a caller's cancellation is noticed; changes wake at once.
    mu_.AwaitWithDeadline(absl::Condition(&changed),
                          std::min(deadline, absl::Now() + options_.cancel_check_interval));
  }
  CLT_ASSIGN_OR_RETURN(Job job, LoadJob(job_id));
  return JobSnapshot{std::move(job), changes_};
}

absl::StatusOr<Job> JobManager::WaitJob(const std::string& job_id, absl::Time deadline,
                                        const CancelledFn& cancelled) const {
  uint64_t seen = 0;
  while (true) {
    CLT_ASSIGN_OR_RETURN(JobSnapshot snapshot, WaitForChange(job_id, seen, deadline, cancelled));
    seen = snapshot.version;
    if (Finished(snapshot.job.state()) || absl::Now() >= deadline || (cancelled && cancelled())) {
      return std::move(snapshot.job);
    }
    absl::ReaderMutexLock l(&mu_);
    if (stopping_) return std::move(snapshot.job);
  }
}

void JobManager::WorkerLoop() {
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

void JobManager::RunOne(const std::string& job_id) {
  Control control(this);
  Job job;
  {
    absl::MutexLock l(&mu_);
    absl::StatusOr<Job> loaded = LoadJob(job_id);
    if (!loaded.ok()) {
      spdlog::error("{}: cannot load job {}: {}", service(), job_id, loaded.status().ToString());
      return;
    }
    job = std::move(*loaded);
    if (job.state() != common::v1::JOB_STATE_QUEUED) return;  // Cancelled meanwhile.
    job.set_state(common::v1::JOB_STATE_RUNNING);
    job.set_progress_message("started");
    ToProtoTimestamp(absl::Now(), job.mutable_started_at());
    if (absl::Status s = store_->Write(job); !s.ok()) {
      spdlog::error("{}: cannot start job {}: {}", service(), job_id, s.ToString());
      queue_.push_back(job_id);
      UpdateQueuedGauge();
      return;
    }
    running_id_ = job_id;
    running_control_ = &control;
    if (stopping_) control.Cancel();
    NoteChange();
  }
  spdlog::info("{}: job {} ({}) started", service(), job_id, job.kind());
  absl::StatusOr<JobOutcome> outcome = runner_->Run(job, control);

  absl::MutexLock l(&mu_);
  control.ApplyTo(&job);
  ToProtoTimestamp(absl::Now(), job.mutable_finished_at());
  std::unique_ptr<storage::WriteBatch> batch;
  std::function<void()> on_committed;
  if (outcome.ok()) {
    job.set_state(common::v1::JOB_STATE_SUCCEEDED);
    job.set_progress(1.0);
    *job.mutable_result() = std::move(outcome->result);
    batch = std::move(outcome->commit);
    on_committed = std::move(outcome->on_committed);
  } else if (absl::IsCancelled(outcome.status())) {
    job.set_state(common::v1::JOB_STATE_CANCELLED);
    job.set_cancel_requested(true);
    job.set_progress_message("cancelled");
  } else {
    job.set_state(common::v1::JOB_STATE_FAILED);
    job.set_error(std::string(outcome.status().message()));
    job.set_error_code(static_cast<int32_t>(outcome.status().code()));
  }
  if (!batch) batch = store_->kv()->NewWriteBatch();
  store_->Put(*batch, job);
  if (absl::Status s = store_->kv()->Write(*batch); !s.ok()) {
    // The result is not published; record the failure on its own.
    job.set_state(common::v1::JOB_STATE_FAILED);
    job.set_error(absl::StrCat("could not store the result: ", s.message()));
    job.set_error_code(static_cast<int32_t>(s.code()));
    job.clear_result();
    (void)store_->Write(job);
  } else if (on_committed) {
    on_committed();
  }
  spdlog::info("{}: job {} ended {}{}", service(), job_id, StateName(job.state()),
               job.error().empty() ? "" : ": " + ErrorText(job));
  RecordMetrics(job);
  running_id_.clear();
  running_control_ = nullptr;
  NoteChange();
}

void JobManager::RecordMetrics(const Job& job) {
  if (metrics_ == nullptr) return;
  const metrics::Labels labels = {{"kind", job.kind()}, {"state", StateName(job.state())}};
  metrics_
      ->GetCounter(absl::StrCat("clientele_", service(), "_jobs_total"),
                   absl::StrCat(options_.title, " jobs that ended, by state"), labels)
      ->Increment();
  metrics_
      ->GetHistogram(absl::StrCat("clientele_", service(), "_job_seconds"),
                     absl::StrCat("Run time of ", service(), " jobs"),
                     {0.1, 0.5, 1, 5, 15, 60, 300, 1800}, {{"kind", job.kind()}})
      ->Observe(absl::ToDoubleSeconds(absl::Now() - FromProtoTimestamp(job.started_at())));
}

}  // namespace clientele::jobs
