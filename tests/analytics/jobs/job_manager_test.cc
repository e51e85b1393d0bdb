#include "analytics/jobs/job_manager.h"

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/analytics/analytics_test_util.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

constexpr uint64_t kFakeVersion = 7;

// Runs instantly, or (spec.rfm.segment_strategies["mode"] == "block") reports progress and
// waits until cancelled.
// ... or (mode "fail") fails, or (mode "steps") reports progress 0.25, 0.5, 0.75, each after
// the test releases it (`step` counts releases), and ends after a fourth release.
class FakeRunner final : public JobRunner {
 public:
  explicit FakeRunner(AnalyticsStore* store) : store_(store) {}

  std::vector<std::string> Kinds() const override { return {"rfm", "recluster"}; }

  absl::Status ValidateSpec(const std::string& kind, v1::JobSpec& spec) const override {
    if (kind == "rfm" && spec.kind_case() == v1::JobSpec::KIND_NOT_SET) spec.mutable_rfm();
    if (spec.has_recluster() && spec.recluster().k_min() == 99) {
      return absl::InvalidArgumentError("spec.recluster.k_min: too large");
    }
    return absl::OkStatus();
  }

  absl::StatusOr<JobOutcome> RunTyped(const JobInput& job, JobControl& control) override {
    runs.fetch_add(1);
    auto mode = job.spec.rfm().segment_strategies().find("mode");
    const std::string m =
        mode != job.spec.rfm().segment_strategies().end() ? mode->second : std::string();
    if (m == "block") {
      control.SetProgress(0.5, "halfway");
      if (!started.HasBeenNotified()) started.Notify();
      const absl::Time deadline = absl::Now() + absl::Seconds(30);
      while (!control.cancelled()) {
        if (absl::Now() > deadline) return absl::DeadlineExceededError("never cancelled");
        std::this_thread::yield();
      }
      return absl::CancelledError("cancelled");
    }
    if (m == "fail") return absl::InternalError("the fake failed");
    if (m == "steps") {
      for (int i = 1; i <= 4; ++i) {  // Release 4 ends the job.
        absl::MutexLock l(&step_mu);
        auto released = [this, i]() ABSL_SHARED_LOCKS_REQUIRED(step_mu) { return step >= i; };
        if (!step_mu.AwaitWithTimeout(absl::Condition(&released), absl::Seconds(30))) {
          return absl::DeadlineExceededError("step never released");
        }
        if (i < 4) control.SetProgress(0.25 * i, absl::StrCat("step ", i));
      }
    }
    JobOutcome outcome;
    outcome.result.set_model_version(kFakeVersion);
    outcome.commit = store_->kv()->NewWriteBatch();
    store_->PutActiveVersion(*outcome.commit, v1::JOB_KIND_RFM, kFakeVersion);
    return outcome;
  }

  std::atomic<int> runs{0};
  absl::Notification started;
  absl::Mutex step_mu;
  int step ABSL_GUARDED_BY(step_mu) = 0;

 private:
  AnalyticsStore* const store_;
};

google::protobuf::Any QuickSpec() {
  v1::JobSpec spec;
  spec.mutable_rfm();
  return PackSpec(spec);
}

google::protobuf::Any ModeSpec(const std::string& mode) {
  v1::JobSpec spec;
  (*spec.mutable_rfm()->mutable_segment_strategies())["mode"] = mode;
  return PackSpec(spec);
}

google::protobuf::Any BlockingSpec() { return ModeSpec("block"); }

using common::v1::Job;

class JobManagerTest : public ::testing::Test {
 protected:
  JobManagerTest()
      : kv_(testing::OpenAnalyticsKv(dir_.Sub("db"))),
        store_(kv_.get()),
        job_store_(NewAnalyticsJobStore(kv_.get())),
        runner_(&store_) {}

  std::unique_ptr<JobManager> StartManager() {
    auto manager = std::make_unique<JobManager>(job_store_.get(), &runner_, AnalyticsJobOptions());
    EXPECT_THAT(manager->Start(), IsOk());
    return manager;
  }

  Job Wait(JobManager& manager, const std::string& id) {
    auto job = manager.WaitJob(id, absl::Now() + absl::Seconds(30), {});
    EXPECT_THAT(job, IsOk());
    return job.value_or(Job());
  }

  v1::JobResult ResultOf(const Job& job) {
    v1::JobResult result;
    EXPECT_TRUE(job.result().UnpackTo(&result));
    return result;
  }

  ::clientele::testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> kv_;
  AnalyticsStore store_;
  std::unique_ptr<jobs::JobStore> job_store_;
  FakeRunner runner_;
};

TEST_F(JobManagerTest, SameIdempotencyKeyReturnsTheSameJobAndTheWorkRunsOnce) {
  auto manager = StartManager();
  auto first = manager->StartJob("rfm", QuickSpec(), "cron-2026-12-01T02:00");
  ASSERT_THAT(first, IsOk());
  EXPECT_FALSE(first->existing);
  EXPECT_EQ(first->job.state(), common::v1::JOB_STATE_QUEUED);
  const Job done = Wait(*manager, first->job.job_id());
  EXPECT_EQ(done.state(), common::v1::JOB_STATE_SUCCEEDED);
  EXPECT_EQ(done.progress(), 1.0);
  EXPECT_EQ(ResultOf(done).model_version(), kFakeVersion);
  EXPECT_TRUE(done.has_started_at() && done.has_finished_at());

  auto again = manager->StartJob("rfm", QuickSpec(), "cron-2026-12-01T02:00");
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->existing);
  EXPECT_EQ(again->job.job_id(), first->job.job_id());
  EXPECT_EQ(again->job.state(), common::v1::JOB_STATE_SUCCEEDED);
  // The commit of the outcome was written with the job's final state.
  EXPECT_EQ(*store_.ActiveVersion(v1::JOB_KIND_RFM), kFakeVersion);

  auto other = manager->StartJob("rfm", QuickSpec(), "cron-2026-12-02T02:00");
  ASSERT_THAT(other, IsOk());
  EXPECT_NE(other->job.job_id(), first->job.job_id());
  Wait(*manager, other->job.job_id());
  EXPECT_EQ(runner_.runs.load(), 2);
}

TEST_F(JobManagerTest, TheKeyHoldsAcrossARestart) {
  std::string id;
  {
    auto manager = StartManager();
    auto started = manager->StartJob("rfm", QuickSpec(), "once");
    ASSERT_THAT(started, IsOk());
    id = started->job.job_id();
    Wait(*manager, id);
  }
  auto manager = StartManager();
  auto again = manager->StartJob("rfm", QuickSpec(), "once");
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->existing);
  EXPECT_EQ(again->job.job_id(), id);
  EXPECT_EQ(runner_.runs.load(), 1);
}

TEST_F(JobManagerTest, BadSpecsAndIdsAreRejectedWithTheField) {
  auto manager = StartManager();
  v1::JobSpec bad;
  bad.mutable_recluster()->set_k_min(99);
  EXPECT_THAT(manager->StartJob("recluster", PackSpec(bad), ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("spec.recluster.k_min")));
  EXPECT_THAT(manager->StartJob("rfm", QuickSpec(), std::string(300, 'k')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("idempotency_key")));
  EXPECT_THAT(manager->StartJob("train", QuickSpec(), ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kind")));
  EXPECT_THAT(manager->GetJob("analytics-0000000404"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("job_id")));
  EXPECT_THAT(manager->GetJob("job-404"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("job_id")));
  EXPECT_THAT(manager->GetJob(""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("job_id")));
  EXPECT_THAT(manager->CancelJob("job-404"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("job_id")));
  EXPECT_THAT(manager->ListJobs(5000, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  EXPECT_THAT(manager->ListJobs(10, "garbage"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  EXPECT_EQ(runner_.runs.load(), 0);
}

TEST_F(JobManagerTest, ProgressIsVisibleAndCancelIsPrompt) {
  auto manager = StartManager();
  auto running = manager->StartJob("rfm", BlockingSpec(), "");
  auto queued = manager->StartJob("rfm", QuickSpec(), "");
  ASSERT_THAT(running, IsOk());
  ASSERT_THAT(queued, IsOk());
  ASSERT_TRUE(runner_.started.WaitForNotificationWithTimeout(absl::Seconds(30)));

  auto live = manager->GetJob(running->job.job_id());
  ASSERT_THAT(live, IsOk());
  EXPECT_EQ(live->state(), common::v1::JOB_STATE_RUNNING);
  EXPECT_EQ(live->progress(), 0.5);
  EXPECT_EQ(live->progress_message(), "halfway");

  // A queued job is cancelled at once and never runs.
  auto cancelled = manager->CancelJob(queued->job.job_id());
  ASSERT_THAT(cancelled, IsOk());
  EXPECT_EQ(cancelled->state(), common::v1::JOB_STATE_CANCELLED);

  const absl::Time asked = absl::Now();
  ASSERT_THAT(manager->CancelJob(running->job.job_id()), IsOk());
  const Job ended = Wait(*manager, running->job.job_id());
  EXPECT_EQ(ended.state(), common::v1::JOB_STATE_CANCELLED);
  EXPECT_TRUE(ended.cancel_requested());
  EXPECT_LT(absl::Now() - asked, absl::Seconds(5));
  EXPECT_EQ(runner_.runs.load(), 1);
  // Cancelling a finished job changes nothing.
  auto again = manager->CancelJob(running->job.job_id());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->state(), common::v1::JOB_STATE_CANCELLED);
}

TEST_F(JobManagerTest, AJobRunningAtACrashIsMarkedFailedAndQueuedJobsRunAfterRestart) {
  // What a crashed process leaves behind: one job RUNNING, one QUEUED.
  Job running;
  running.set_job_id("analytics-0000000001");
  running.set_kind("rfm");
  *running.mutable_spec() = QuickSpec();
  running.set_state(common::v1::JOB_STATE_RUNNING);
  Job queued = running;
  queued.set_job_id("analytics-0000000002");
  queued.set_state(common::v1::JOB_STATE_QUEUED);
  ASSERT_THAT(job_store_->Write(running), IsOk());
  ASSERT_THAT(job_store_->Write(queued), IsOk());

  auto manager = StartManager();
  auto failed = manager->GetJob("analytics-0000000001");
  ASSERT_THAT(failed, IsOk());
  EXPECT_EQ(failed->state(), common::v1::JOB_STATE_FAILED);
  EXPECT_THAT(failed->error(), HasSubstr("restart"));
  EXPECT_EQ(failed->error_code(), static_cast<int32_t>(absl::StatusCode::kAborted));
  EXPECT_TRUE(failed->has_finished_at());
  EXPECT_EQ(Wait(*manager, "analytics-0000000002").state(), common::v1::JOB_STATE_SUCCEEDED);
  auto next = manager->StartJob("rfm", QuickSpec(), "");
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->job.job_id(), "analytics-0000000003");
  Wait(*manager, "analytics-0000000003");
  // Jobs 2 and 3 ran; job 1 is not re-run behind the caller's back.
  EXPECT_EQ(runner_.runs.load(), 2);
  EXPECT_EQ(manager->GetJob("analytics-0000000001")->state(), common::v1::JOB_STATE_FAILED);
}

TEST_F(JobManagerTest, StopCancelsTheRunningJobAndKeepsItRecorded) {
  std::string id;
  {
    auto manager = StartManager();
    auto running = manager->StartJob("rfm", BlockingSpec(), "");
    ASSERT_THAT(running, IsOk());
    id = running->job.job_id();
    ASSERT_TRUE(runner_.started.WaitForNotificationWithTimeout(absl::Seconds(30)));
  }  // Destroyed: Stop().
  auto stored = job_store_->Get(id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->state(), common::v1::JOB_STATE_CANCELLED);
}

TEST_F(JobManagerTest, EndedJobsAreCountedInMetrics) {
  metrics::Registry registry;
  JobManager manager(job_store_.get(), &runner_, AnalyticsJobOptions(), &registry);
  ASSERT_THAT(manager.Start(), IsOk());
  auto started = manager.StartJob("rfm", QuickSpec(), "");
  ASSERT_THAT(started, IsOk());
  Wait(manager, started->job.job_id());
  const std::string text = registry.RenderText();
  EXPECT_THAT(text,
              HasSubstr("clientele_analytics_jobs_total{kind=\"rfm\",state=\"succeeded\"} 1"));
  EXPECT_THAT(text, HasSubstr("clientele_analytics_job_seconds_count{kind=\"rfm\"} 1"));
  EXPECT_THAT(text, HasSubstr("clientele_analytics_jobs_queued 0"));
}

TEST_F(JobManagerTest, ListJobsPagesNewestFirst) {
  auto manager = StartManager();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto started = manager->StartJob("rfm", QuickSpec(), "");
    ASSERT_THAT(started, IsOk());
    ids.push_back(started->job.job_id());
  }
  for (const std::string& id : ids) Wait(*manager, id);
  auto first = manager->ListJobs(2, "");
  ASSERT_THAT(first, IsOk());
  ASSERT_EQ(first->jobs.size(), 2u);
  EXPECT_EQ(first->jobs[0].job_id(), ids[2]);
  EXPECT_EQ(first->jobs[1].job_id(), ids[1]);
  ASSERT_FALSE(first->next_page_token.empty());
  auto second = manager->ListJobs(2, first->next_page_token);
  ASSERT_THAT(second, IsOk());
  ASSERT_EQ(second->jobs.size(), 1u);
  EXPECT_EQ(second->jobs[0].job_id(), ids[0]);
  EXPECT_TRUE(second->next_page_token.empty());
}

TEST_F(JobManagerTest, AKeyWhoseJobFailedStartsTheNextAttemptAndKeepsTheFirst) {
  auto manager = StartManager();
  auto first = manager->StartJob("rfm", ModeSpec("fail"), "nightly");
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->job.attempt(), 1);
  EXPECT_EQ(Wait(*manager, first->job.job_id()).state(), common::v1::JOB_STATE_FAILED);

  auto second = manager->StartJob("rfm", QuickSpec(), "nightly");
  ASSERT_THAT(second, IsOk());
  EXPECT_FALSE(second->existing);
  EXPECT_NE(second->job.job_id(), first->job.job_id());
  EXPECT_EQ(second->job.attempt(), 2);
  EXPECT_EQ(second->job.previous_attempt_job_id(), first->job.job_id());
  EXPECT_EQ(Wait(*manager, second->job.job_id()).state(), common::v1::JOB_STATE_SUCCEEDED);

  // Succeeded: the key now returns attempt 2, and the work does not run again.
  auto third = manager->StartJob("rfm", QuickSpec(), "nightly");
  ASSERT_THAT(third, IsOk());
  EXPECT_TRUE(third->existing);
  EXPECT_EQ(third->job.job_id(), second->job.job_id());
  EXPECT_EQ(runner_.runs.load(), 2);
  // The failed attempt stays visible.
  auto kept = manager->GetJob(first->job.job_id());
  ASSERT_THAT(kept, IsOk());
  EXPECT_EQ(kept->state(), common::v1::JOB_STATE_FAILED);
  EXPECT_EQ(kept->error(), "the fake failed");
  auto page = manager->ListJobs(10, "");
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->jobs.size(), 2u);
}

TEST_F(JobManagerTest, AKeyWhoseJobWasCancelledOrInterruptedRetriesAfterARestart) {
  std::string cancelled_id;
  {
    auto manager = StartManager();
    auto running = manager->StartJob("rfm", BlockingSpec(), "cron-1");
    ASSERT_THAT(running, IsOk());
    cancelled_id = running->job.job_id();
    ASSERT_TRUE(runner_.started.WaitForNotificationWithTimeout(absl::Seconds(30)));
    ASSERT_THAT(manager->CancelJob(cancelled_id), IsOk());
    EXPECT_EQ(Wait(*manager, cancelled_id).state(), common::v1::JOB_STATE_CANCELLED);
  }
  // A job of another key that was RUNNING when the process died.
  Job interrupted;
  interrupted.set_job_id("analytics-0000000007");
  interrupted.set_kind("rfm");
  interrupted.set_idempotency_key("cron-2");
  interrupted.set_attempt(1);
  interrupted.set_state(common::v1::JOB_STATE_RUNNING);
  std::unique_ptr<storage::WriteBatch> batch = kv_->NewWriteBatch();
  job_store_->Put(*batch, interrupted);
  job_store_->PutJobKey(*batch, "cron-2", interrupted.job_id());
  ASSERT_THAT(kv_->Write(*batch), IsOk());

  auto manager = StartManager();
  auto retry = manager->StartJob("rfm", QuickSpec(), "cron-1");
  ASSERT_THAT(retry, IsOk());
  EXPECT_FALSE(retry->existing);
  EXPECT_EQ(retry->job.attempt(), 2);
  EXPECT_EQ(retry->job.previous_attempt_job_id(), cancelled_id);
  auto resumed = manager->StartJob("rfm", QuickSpec(), "cron-2");
  ASSERT_THAT(resumed, IsOk());
  EXPECT_FALSE(resumed->existing);
  EXPECT_EQ(resumed->job.attempt(), 2);
  EXPECT_EQ(resumed->job.previous_attempt_job_id(), "analytics-0000000007");
  EXPECT_EQ(resumed->job.job_id(), "analytics-0000000009");  // After 7 and the retry (8).
  EXPECT_EQ(manager->GetJob("analytics-0000000007")->state(), common::v1::JOB_STATE_FAILED);
}

TEST_F(JobManagerTest, WaitForChangeWakesOnEveryProgressReport) {
  auto manager = StartManager();
  auto started = manager->StartJob("rfm", ModeSpec("steps"), "");
  ASSERT_THAT(started, IsOk());
  const std::string id = started->job.job_id();
  auto snapshot = manager->GetJobSnapshot(id);
  ASSERT_THAT(snapshot, IsOk());
  uint64_t seen = snapshot->version;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  for (int i = 1; i <= 3; ++i) {
    {
      absl::MutexLock l(&runner_.step_mu);
      runner_.step = i;
    }
    // Each return is a change (or the deadline, which fails the test).
    while (snapshot->job.progress() != 0.25 * i) {
      snapshot = manager->WaitForChange(id, seen, deadline, {});
      ASSERT_THAT(snapshot, IsOk());
      ASSERT_LT(absl::Now(), deadline) << "no wake for step " << i;
      EXPECT_NE(snapshot->version, seen);
      seen = snapshot->version;
    }
    EXPECT_EQ(snapshot->job.progress_message(), absl::StrCat("step ", i));
    EXPECT_EQ(snapshot->job.state(), common::v1::JOB_STATE_RUNNING);
  }
  {
    absl::MutexLock l(&runner_.step_mu);
    runner_.step = 4;
  }
  EXPECT_EQ(Wait(*manager, id).state(), common::v1::JOB_STATE_SUCCEEDED);
}

TEST_F(JobManagerTest, WaitJobReturnsTheRunningJobAtItsDeadlineAndWhenTheCallerGoes) {
  auto manager = StartManager();
  auto running = manager->StartJob("rfm", BlockingSpec(), "");
  ASSERT_THAT(running, IsOk());
  ASSERT_TRUE(runner_.started.WaitForNotificationWithTimeout(absl::Seconds(30)));
  auto at_deadline =
      manager->WaitJob(running->job.job_id(), absl::Now() + absl::Milliseconds(20), {});
  ASSERT_THAT(at_deadline, IsOk());
  EXPECT_EQ(at_deadline->state(), common::v1::JOB_STATE_RUNNING);
  const absl::Time asked = absl::Now();
  auto gone =
      manager->WaitJob(running->job.job_id(), absl::Now() + absl::Seconds(30), [] { return true; });
  ASSERT_THAT(gone, IsOk());
  EXPECT_EQ(gone->state(), common::v1::JOB_STATE_RUNNING);
  EXPECT_LT(absl::Now() - asked, absl::Seconds(5));
  ASSERT_THAT(manager->CancelJob(running->job.job_id()), IsOk());
}

}  // namespace
}  // namespace clientele::analytics
