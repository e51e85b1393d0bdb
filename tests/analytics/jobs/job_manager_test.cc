#include "analytics/jobs/job_manager.h"

#include <atomic>
#include <thread>

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
class FakeRunner final : public JobRunner {
 public:
  explicit FakeRunner(AnalyticsStore* store) : store_(store) {}

  absl::Status Validate(const v1::JobSpec& spec) const override {
    if (spec.has_recluster() && spec.recluster().k_min() == 99) {
      return absl::InvalidArgumentError("spec.recluster.k_min: too large");
    }
    return absl::OkStatus();
  }

  absl::StatusOr<JobOutcome> Run(const v1::Job& job, JobControl& control) override {
    runs.fetch_add(1);
    auto mode = job.spec().rfm().segment_strategies().find("mode");
    if (mode != job.spec().rfm().segment_strategies().end() && mode->second == "block") {
      control.SetProgress(0.5, "halfway");
      if (!started.HasBeenNotified()) started.Notify();
      const absl::Time deadline = absl::Now() + absl::Seconds(30);
      while (!control.cancelled()) {
        if (absl::Now() > deadline) return absl::DeadlineExceededError("never cancelled");
        std::this_thread::yield();
      }
      return absl::CancelledError("cancelled");
    }
    JobOutcome outcome;
    outcome.result.set_model_version(kFakeVersion);
    outcome.commit = store_->kv()->NewWriteBatch();
    store_->PutActiveVersion(*outcome.commit, v1::JOB_KIND_RFM, kFakeVersion);
    return outcome;
  }

  std::atomic<int> runs{0};
  absl::Notification started;

 private:
  AnalyticsStore* const store_;
};

v1::JobSpec QuickSpec() {
  v1::JobSpec spec;
  spec.mutable_rfm();
  return spec;
}

v1::JobSpec BlockingSpec() {
  v1::JobSpec spec;
  (*spec.mutable_rfm()->mutable_segment_strategies())["mode"] = "block";
  return spec;
}

class JobManagerTest : public ::testing::Test {
 protected:
  JobManagerTest()
      : kv_(testing::OpenAnalyticsKv(dir_.Sub("db"))), store_(kv_.get()), runner_(&store_) {}

  std::unique_ptr<JobManager> StartManager() {
    auto manager = std::make_unique<JobManager>(&store_, &runner_);
    EXPECT_THAT(manager->Start(), IsOk());
    return manager;
  }

  v1::Job Wait(JobManager& manager, const std::string& id) {
    auto job = manager.WaitForJob(id, absl::Now() + absl::Seconds(30));
    EXPECT_THAT(job, IsOk());
    return job.value_or(v1::Job());
  }

  ::clientele::testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> kv_;
  AnalyticsStore store_;
  FakeRunner runner_;
};

TEST_F(JobManagerTest, SameIdempotencyKeyReturnsTheSameJobAndTheWorkRunsOnce) {
  auto manager = StartManager();
  auto first = manager->StartJob(QuickSpec(), "cron-2026-12-01T02:00");
  ASSERT_THAT(first, IsOk());
  EXPECT_FALSE(first->existing);
  EXPECT_EQ(first->job.state(), v1::JOB_STATE_QUEUED);
  const v1::Job done = Wait(*manager, first->job.job_id());
  EXPECT_EQ(done.state(), v1::JOB_STATE_SUCCEEDED);
  EXPECT_EQ(done.progress(), 1.0);
  EXPECT_EQ(done.result().model_version(), kFakeVersion);
  EXPECT_TRUE(done.has_started_at() && done.has_finished_at());

  auto again = manager->StartJob(QuickSpec(), "cron-2026-12-01T02:00");
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->existing);
  EXPECT_EQ(again->job.job_id(), first->job.job_id());
  EXPECT_EQ(again->job.state(), v1::JOB_STATE_SUCCEEDED);
  // The commit of the outcome was written with the job's final state.
  EXPECT_EQ(*store_.ActiveVersion(v1::JOB_KIND_RFM), kFakeVersion);

  auto other = manager->StartJob(QuickSpec(), "cron-2026-12-02T02:00");
  ASSERT_THAT(other, IsOk());
  EXPECT_NE(other->job.job_id(), first->job.job_id());
  Wait(*manager, other->job.job_id());
  EXPECT_EQ(runner_.runs.load(), 2);
}

TEST_F(JobManagerTest, TheKeyHoldsAcrossARestart) {
  std::string id;
  {
    auto manager = StartManager();
    auto started = manager->StartJob(QuickSpec(), "once");
    ASSERT_THAT(started, IsOk());
    id = started->job.job_id();
    Wait(*manager, id);
  }
  auto manager = StartManager();
  auto again = manager->StartJob(QuickSpec(), "once");
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->existing);
  EXPECT_EQ(again->job.job_id(), id);
  EXPECT_EQ(runner_.runs.load(), 1);
}

TEST_F(JobManagerTest, BadSpecsAndIdsAreRejectedWithTheField) {
  auto manager = StartManager();
  v1::JobSpec bad;
  bad.mutable_recluster()->set_k_min(99);
  EXPECT_THAT(manager->StartJob(bad, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("spec.recluster.k_min")));
  EXPECT_THAT(manager->StartJob(QuickSpec(), std::string(300, 'k')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("idempotency_key")));
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
  auto running = manager->StartJob(BlockingSpec(), "");
  auto queued = manager->StartJob(QuickSpec(), "");
  ASSERT_THAT(running, IsOk());
  ASSERT_THAT(queued, IsOk());
  ASSERT_TRUE(runner_.started.WaitForNotificationWithTimeout(absl::Seconds(30)));

  auto live = manager->GetJob(running->job.job_id());
  ASSERT_THAT(live, IsOk());
  EXPECT_EQ(live->state(), v1::JOB_STATE_RUNNING);
  EXPECT_EQ(live->progress(), 0.5);
  EXPECT_EQ(live->progress_message(), "halfway");

  // A queued job is cancelled at once and never runs.
  auto cancelled = manager->CancelJob(queued->job.job_id());
  ASSERT_THAT(cancelled, IsOk());
  EXPECT_EQ(cancelled->state(), v1::JOB_STATE_CANCELLED);

  const absl::Time asked = absl::Now();
  ASSERT_THAT(manager->CancelJob(running->job.job_id()), IsOk());
  const v1::Job ended = Wait(*manager, running->job.job_id());
  EXPECT_EQ(ended.state(), v1::JOB_STATE_CANCELLED);
  EXPECT_TRUE(ended.cancel_requested());
  EXPECT_LT(absl::Now() - asked, absl::Seconds(5));
  EXPECT_EQ(runner_.runs.load(), 1);
  // Cancelling a finished job changes nothing.
  auto again = manager->CancelJob(running->job.job_id());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->state(), v1::JOB_STATE_CANCELLED);
}

TEST_F(JobManagerTest, AJobRunningAtACrashIsMarkedFailedAndQueuedJobsRunAfterRestart) {
  // What a crashed process leaves behind: one job RUNNING, one QUEUED.
  v1::Job running;
  running.set_job_id("job-0000000001");
  running.set_kind(v1::JOB_KIND_RFM);
  *running.mutable_spec() = QuickSpec();
  running.set_state(v1::JOB_STATE_RUNNING);
  v1::Job queued = running;
  queued.set_job_id("job-0000000002");
  queued.set_state(v1::JOB_STATE_QUEUED);
  ASSERT_THAT(store_.WriteJob(running), IsOk());
  ASSERT_THAT(store_.WriteJob(queued), IsOk());

  auto manager = StartManager();
  auto failed = manager->GetJob("job-0000000001");
  ASSERT_THAT(failed, IsOk());
  EXPECT_EQ(failed->state(), v1::JOB_STATE_FAILED);
  EXPECT_THAT(failed->error(), HasSubstr("restart"));
  EXPECT_TRUE(failed->has_finished_at());
  EXPECT_EQ(Wait(*manager, "job-0000000002").state(), v1::JOB_STATE_SUCCEEDED);
  auto next = manager->StartJob(QuickSpec(), "");
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->job.job_id(), "job-0000000003");
  Wait(*manager, "job-0000000003");
  // Jobs 2 and 3 ran; job 1 is not re-run behind the caller's back.
  EXPECT_EQ(runner_.runs.load(), 2);
  EXPECT_EQ(manager->GetJob("job-0000000001")->state(), v1::JOB_STATE_FAILED);
}

TEST_F(JobManagerTest, StopCancelsTheRunningJobAndKeepsItRecorded) {
  std::string id;
  {
    auto manager = StartManager();
    auto running = manager->StartJob(BlockingSpec(), "");
    ASSERT_THAT(running, IsOk());
    id = running->job.job_id();
    ASSERT_TRUE(runner_.started.WaitForNotificationWithTimeout(absl::Seconds(30)));
  }  // Destroyed: Stop().
  auto stored = store_.GetJob(id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->state(), v1::JOB_STATE_CANCELLED);
}

TEST_F(JobManagerTest, EndedJobsAreCountedInMetrics) {
  metrics::Registry registry;
  JobManager manager(&store_, &runner_, &registry);
  ASSERT_THAT(manager.Start(), IsOk());
  auto started = manager.StartJob(QuickSpec(), "");
  ASSERT_THAT(started, IsOk());
  Wait(manager, started->job.job_id());
  const std::string text = registry.RenderText();
  EXPECT_THAT(
      text,
      HasSubstr(
          "clientele_analytics_jobs_total{kind=\"JOB_KIND_RFM\",state=\"JOB_STATE_SUCCEEDED\"} 1"));
  EXPECT_THAT(text, HasSubstr("clientele_analytics_job_seconds_count{kind=\"JOB_KIND_RFM\"} 1"));
  EXPECT_THAT(text, HasSubstr("clientele_analytics_jobs_queued 0"));
}

TEST_F(JobManagerTest, ListJobsPagesNewestFirst) {
  auto manager = StartManager();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto started = manager->StartJob(QuickSpec(), "");
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

}  // namespace
}  // namespace clientele::analytics
