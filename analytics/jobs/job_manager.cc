#include "analytics/jobs/job_manager.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"
#include "spdlog/spdlog.h"

namespace clientele::analytics {
namespace {

constexpr char kJobIdPrefix[] = "job-";
constexpr size_t kMaxIdempotencyKeyBytes = 256;

void SetTime(absl::Time t, google::protobuf::Timestamp* ts) {
  const int64_t nanos = absl::ToUnixNanos(t);
  ts->set_seconds(nanos / 1000000000);
  ts->set_nanos(static_cast<int32_t>(nanos % 1000000000));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

bool Finished(v1::JobState state) {
  return state == v1::JOB_STATE_SUCCEEDED || state == v1::JOB_STATE_FAILED ||
         state == v1::JOB_STATE_CANCELLED;
}

v1::JobKind KindOf(const v1::JobSpec& spec) {
  switch (spec.kind_case()) {
    case v1::JobSpec::kRfm:
      return v1::JOB_KIND_RFM;
    case v1::JobSpec::kRecluster:
      return v1::JOB_KIND_RECLUSTER;
    default:
      return v1::JOB_KIND_UNSPECIFIED;
  }
}

}  // namespace

class JobManager::Control final : public JobControl {
 public:
  bool cancelled() const override { return cancelled_.load(); }
  void SetProgress(double fraction, const std::string& message) override {
    absl::MutexLock l(&mu_);
    fraction_ = std::clamp(fraction, 0.0, 1.0);
    message_ = message;
  }
  void Cancel() { cancelled_.store(true); }
  void ApplyTo(v1::Job* job) const {
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

JobManager::JobManager(AnalyticsStore* store, JobRunner* runner, metrics::Registry* metrics)
    : store_(store),
      runner_(runner),
      metrics_(metrics),
      queued_(metrics ? metrics->GetGauge("clientele_analytics_jobs_queued",
                                          "Analytics jobs waiting for the worker")
                      : nullptr) {}

void JobManager::UpdateQueuedGauge() {
  if (queued_ != nullptr) queued_->Set(static_cast<double>(queue_.size()));
}

JobManager::~JobManager() { Stop(); }

absl::Status JobManager::Start() {
  CLT_ASSIGN_OR_RETURN(std::vector<v1::Job> jobs, store_->AllJobs());
  absl::MutexLock l(&mu_);
  if (started_) return absl::FailedPreconditionError("job manager already started");
  for (v1::Job& job : jobs) {
    uint64_t number = 0;
    if (absl::SimpleAtoi(absl::string_view(job.job_id()).substr(sizeof(kJobIdPrefix) - 1),
                         &number)) {
      last_job_number_ = std::max(last_job_number_, number);
    }
    if (job.state() == v1::JOB_STATE_RUNNING) {
      job.set_state(v1::JOB_STATE_FAILED);
      job.set_error("interrupted by a restart of the analytics service; start it again");
      SetTime(absl::Now(), job.mutable_finished_at());
      CLT_RETURN_IF_ERROR(store_->WriteJob(job));
      spdlog::warn("analytics: job {} was running at shutdown; marked failed", job.job_id());
    } else if (job.state() == v1::JOB_STATE_QUEUED) {
      if (job.cancel_requested()) {
        job.set_state(v1::JOB_STATE_CANCELLED);
        SetTime(absl::Now(), job.mutable_finished_at());
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

void JobManager::Stop() {
  {
    absl::MutexLock l(&mu_);
    if (!started_ || stopping_) return;
    stopping_ = true;
    if (running_control_ != nullptr) running_control_->Cancel();
  }
  if (worker_.joinable()) worker_.join();
}

absl::StatusOr<StartedJob> JobManager::StartJob(const v1::JobSpec& spec,
                                                const std::string& idempotency_key) {
  if (idempotency_key.size() > kMaxIdempotencyKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("idempotency_key: longer than ", kMaxIdempotencyKeyBytes, " bytes"));
  }
  absl::MutexLock l(&mu_);
  if (!started_ || stopping_) return absl::UnavailableError("job manager is not running");
  if (!idempotency_key.empty()) {
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> existing, store_->JobIdForKey(idempotency_key));
    if (existing) {
      CLT_ASSIGN_OR_RETURN(v1::Job job, LoadJob(*existing));
      return StartedJob{std::move(job), true};
    }
  }
  CLT_RETURN_IF_ERROR(runner_->Validate(spec));
  v1::Job job;
  job.set_job_id(absl::StrFormat("%s%010d", kJobIdPrefix, last_job_number_ + 1));
  job.set_kind(KindOf(spec));
  *job.mutable_spec() = spec;
  job.set_idempotency_key(idempotency_key);
  job.set_state(v1::JOB_STATE_QUEUED);
  job.set_progress_message("queued");
  SetTime(absl::Now(), job.mutable_created_at());
  std::unique_ptr<storage::WriteBatch> batch = store_->kv()->NewWriteBatch();
  store_->PutJob(*batch, job);
  if (!idempotency_key.empty()) store_->PutJobKey(*batch, idempotency_key, job.job_id());
  CLT_RETURN_IF_ERROR(store_->kv()->Write(*batch));
  ++last_job_number_;
  queue_.push_back(job.job_id());
  UpdateQueuedGauge();
  return StartedJob{std::move(job), false};
}

absl::StatusOr<v1::Job> JobManager::LoadJob(const std::string& job_id) const {
  CLT_ASSIGN_OR_RETURN(std::optional<v1::Job> job, store_->GetJob(job_id));
  if (!job) return absl::NotFoundError(absl::StrCat("job_id: no job '", job_id, "'"));
  if (job_id == running_id_ && running_control_ != nullptr && !Finished(job->state())) {
    running_control_->ApplyTo(&*job);
  }
  return std::move(*job);
}

absl::StatusOr<v1::Job> JobManager::GetJob(const std::string& job_id) const {
  if (job_id.empty()) return absl::InvalidArgumentError("job_id: required");
  absl::ReaderMutexLock l(&mu_);
  return LoadJob(job_id);
}

absl::StatusOr<JobPage> JobManager::ListJobs(int page_size, const std::string& page_token) const {
  if (page_size < 0 || page_size > 1000) {
    return absl::InvalidArgumentError("page_size: must be between 0 and 1000");
  }
  if (page_size == 0) page_size = 50;
  if (!page_token.empty() && page_token.rfind(kJobIdPrefix, 0) != 0) {
    return absl::InvalidArgumentError("page_token: not a token of ListJobs");
  }
  absl::ReaderMutexLock l(&mu_);
  CLT_ASSIGN_OR_RETURN(std::vector<v1::Job> jobs, store_->JobsBefore(page_token, page_size + 1));
  JobPage page;
  if (static_cast<int>(jobs.size()) > page_size) {
    jobs.pop_back();
    page.next_page_token = jobs.back().job_id();
  }
  for (v1::Job& job : jobs) {
    if (job.job_id() == running_id_ && running_control_ != nullptr) {
      running_control_->ApplyTo(&job);
    }
    page.jobs.push_back(std::move(job));
  }
  return page;
}

absl::StatusOr<v1::Job> JobManager::CancelJob(const std::string& job_id) {
  if (job_id.empty()) return absl::InvalidArgumentError("job_id: required");
  absl::MutexLock l(&mu_);
  CLT_ASSIGN_OR_RETURN(v1::Job job, LoadJob(job_id));
  if (Finished(job.state())) return job;
  job.set_cancel_requested(true);
  if (job.state() == v1::JOB_STATE_QUEUED) {
    job.set_state(v1::JOB_STATE_CANCELLED);
    job.set_progress_message("cancelled before it started");
    SetTime(absl::Now(), job.mutable_finished_at());
    ++transitions_;
    queue_.erase(std::remove(queue_.begin(), queue_.end(), job_id), queue_.end());
    UpdateQueuedGauge();
  } else if (job_id == running_id_ && running_control_ != nullptr) {
    running_control_->Cancel();
  }
  CLT_RETURN_IF_ERROR(store_->WriteJob(job));
  return job;
}

absl::StatusOr<v1::Job> JobManager::WaitForJob(const std::string& job_id,
                                               absl::Time deadline) const {
  if (job_id.empty()) return absl::InvalidArgumentError("job_id: required");
  absl::MutexLock l(&mu_);
  while (true) {
    CLT_ASSIGN_OR_RETURN(v1::Job job, LoadJob(job_id));
    if (Finished(job.state()) || absl::Now() >= deadline) return job;
    const uint64_t seen = transitions_;
    auto changed = [this, seen]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return transitions_ != seen; };
    mu_.AwaitWithDeadline(absl::Condition(&changed), deadline);
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
  Control control;
  v1::Job job;
  {
    absl::MutexLock l(&mu_);
    absl::StatusOr<v1::Job> loaded = LoadJob(job_id);
    if (!loaded.ok()) {
      spdlog::error("analytics: cannot load job {}: {}", job_id, loaded.status().ToString());
      return;
    }
    job = std::move(*loaded);
    if (job.state() != v1::JOB_STATE_QUEUED) return;  // Cancelled meanwhile.
    job.set_state(v1::JOB_STATE_RUNNING);
    job.set_progress_message("started");
    SetTime(absl::Now(), job.mutable_started_at());
    if (absl::Status s = store_->WriteJob(job); !s.ok()) {
      spdlog::error("analytics: cannot start job {}: {}", job_id, s.ToString());
      queue_.push_back(job_id);
      UpdateQueuedGauge();
      return;
    }
    running_id_ = job_id;
    running_control_ = &control;
    if (stopping_) control.Cancel();
  }
  spdlog::info("analytics: job {} ({}) started", job_id, v1::JobKind_Name(job.kind()));
  absl::StatusOr<JobOutcome> outcome = runner_->Run(job, control);

  absl::MutexLock l(&mu_);
  control.ApplyTo(&job);
  SetTime(absl::Now(), job.mutable_finished_at());
  std::unique_ptr<storage::WriteBatch> batch;
  if (outcome.ok()) {
    job.set_state(v1::JOB_STATE_SUCCEEDED);
    job.set_progress(1.0);
    *job.mutable_result() = outcome->result;
    batch = std::move(outcome->commit);
  } else if (absl::IsCancelled(outcome.status())) {
    job.set_state(v1::JOB_STATE_CANCELLED);
    job.set_cancel_requested(true);
    job.set_progress_message("cancelled");
  } else {
    job.set_state(v1::JOB_STATE_FAILED);
    job.set_error(std::string(outcome.status().message()));
  }
  if (!batch) batch = store_->kv()->NewWriteBatch();
  store_->PutJob(*batch, job);
  if (absl::Status s = store_->kv()->Write(*batch); !s.ok()) {
    // The result is not published; record the failure on its own.
    job.set_state(v1::JOB_STATE_FAILED);
    job.set_error(absl::StrCat("could not store the result: ", s.message()));
    job.clear_result();
    (void)store_->WriteJob(job);
  }
  spdlog::info("analytics: job {} ended {}{}", job_id, v1::JobState_Name(job.state()),
               job.error().empty() ? "" : ": " + job.error());
  if (metrics_ != nullptr) {
    const std::string kind = v1::JobKind_Name(job.kind());
    const metrics::Labels labels = {{"kind", kind}, {"state", v1::JobState_Name(job.state())}};
    metrics_
        ->GetCounter("clientele_analytics_jobs_total", "Analytics jobs that ended, by state",
                     labels)
        ->Increment();
    metrics_
        ->GetHistogram("clientele_analytics_job_seconds", "Run time of analytics jobs",
                       {0.1, 0.5, 1, 5, 15, 60, 300, 1800}, {{"kind", kind}})
        ->Observe(absl::ToDoubleSeconds(absl::Now() - FromTimestamp(job.started_at())));
  }
  running_id_.clear();
  running_control_ = nullptr;
  ++transitions_;
}

}  // namespace clientele::analytics
