// Train and evaluate jobs inside a multi-second model fit, against a real `clienteled`: the fit
// reports progress that `jobs watch` (WatchJob) sees change, `jobs cancel` ends the job within
// seconds, and SIGTERM stops the server within its --shutdown_grace_seconds.
#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/testing/child_process.h"
#include "common/testing/poll.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace clientele::testing {
namespace {

constexpr int kGraceSeconds = 3;

// A MovieLens u.data of 4,000 users and 4,000 items, 60 items per user drawn with a skew
// towards low item numbers (a deterministic generator): large enough that the ease and hybrid
// fits take seconds in a Release build.
std::string SyntheticRatings() {
  std::string out;
  uint64_t state = 42;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  constexpr int kUsers = 4000, kItems = 4000, kPerUser = 60;
  for (int user = 1; user <= kUsers; ++user) {
    std::set<uint64_t> items;
    while (static_cast<int>(items.size()) < kPerUser) {
      const uint64_t a = next() % kItems, b = next() % kItems;
      items.insert(std::min(a, b) + 1);  // P(item) falls linearly with its number.
    }
    for (uint64_t item : items) {
      absl::StrAppend(&out, user, "\t", item, "\t", 1 + next() % 5, "\t", 880000000 + next() % 1000,
                      "\n");
    }
  }
  return out;
}

class RecommenderFitCancelTest : public ::testing::Test {
 protected:
  void StartWithRatings() {
    server_ = StartServer(CLT_BIN_DIR, dir_.Sub("data"),
                          {absl::StrCat("--shutdown_grace_seconds=", kGraceSeconds)});
    ASSERT_FALSE(server_.address.empty()) << "clienteled did not start";
    const std::string path = dir_.Sub("u.data");
    std::ofstream(path) << SyntheticRatings();
    CommandResult import = Run({"import", "--format=movielens", path});
    ASSERT_EQ(import.exit_code, 0) << import.err;
    CommandResult sync = Run({"sync", "--timeout=60"});
    ASSERT_EQ(sync.exit_code, 0) << sync.err;
  }
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(),
                {std::string(CLT_BIN_DIR) + "/clientele", "--server=" + server_.address});
    return RunCommand(args);
  }
  nlohmann::json GetJob(const std::string& job_id) {
    CommandResult get = Run({"--json", "jobs", "get", job_id});
    EXPECT_EQ(get.exit_code, 0) << get.err;
    return nlohmann::json::parse(get.out, nullptr, false);
  }
  static bool IsFitting(const nlohmann::json& job) {
    const std::string message = job.value("progress_message", "");
    return message == "fitting ease" || message == "fitting hybrid";
  }
  // Starts a `kind` job (train or evaluate) of ease and hybrid and waits until it is fitting
  // one of them; returns its id.
  std::string StartAndWaitForFit(const std::string& kind = "train") {
    CommandResult start = Run({"--json", "jobs", "start", kind, "--models=ease,hybrid"});
    EXPECT_EQ(start.exit_code, 0) << start.err;
    const nlohmann::json started = nlohmann::json::parse(start.out, nullptr, false);
    const std::string job_id = started.value("job_id", "");
    EXPECT_FALSE(job_id.empty()) << start.out;
    nlohmann::json job;
    EXPECT_TRUE(PollUntil(
        [&] {
          job = GetJob(job_id);
          return IsFitting(job) ||
                 (job.value("state", "") != "running" && job.value("state", "") != "queued");
        },
        absl::Seconds(30)))
        << job;
    EXPECT_EQ(job.value("state", ""), "running") << job;
    EXPECT_TRUE(IsFitting(job)) << job;
    return job_id;
  }

  // Watches the job for 3 seconds in the middle of a fit (WatchJob): the fraction moves.
  // Then cancels it: it ends `cancelled` within 5 seconds, its progress below
  // `fits_end_before`, the fraction where its model fits end (not at a check after them).
  void ExpectProgressThenCancelWithinSeconds(const std::string& job_id, double fits_end_before) {
    CommandResult watch = Run({"jobs", "watch", job_id, "--timeout=3"});
    std::set<std::string> fitting_lines;
    for (absl::string_view line : absl::StrSplit(watch.out, '\n')) {
      if (absl::StrContains(line, "running") && absl::StrContains(line, "fitting ")) {
        fitting_lines.insert(std::string(line));
      }
    }
    EXPECT_GE(fitting_lines.size(), 2u) << "no progress change within 3 s of a fit:\n"
                                        << watch.out << watch.err;

    CommandResult cancel = Run({"jobs", "cancel", job_id});
    ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
    nlohmann::json job;
    EXPECT_TRUE(PollUntil(
        [&] {
          job = GetJob(job_id);
          return job.value("state", "") != "running";
        },
        absl::Seconds(5)))
        << "still running 5 s after jobs cancel: " << job;
    EXPECT_EQ(job.value("state", ""), "cancelled") << job;
    EXPECT_LT(job.value("progress", 1.0), fits_end_before) << job;
  }

  TempDir dir_;
  ServerProcess server_;
};

TEST_F(RecommenderFitCancelTest, TrainJobReportsProgressDuringAFitAndCancelEndsItWithinSeconds) {
  ASSERT_NO_FATAL_FAILURE(StartWithRatings());
  const std::string job_id = StartAndWaitForFit("train");
  ASSERT_FALSE(job_id.empty());
  // A train job's model fits take progress 0.1 to 0.7.
  ExpectProgressThenCancelWithinSeconds(job_id, 0.7);
  // The server goes on serving jobs.
  CommandResult list = Run({"jobs", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
}

TEST_F(RecommenderFitCancelTest, EvaluateJobReportsProgressDuringAFitAndCancelEndsItWithinSeconds) {
  ASSERT_NO_FATAL_FAILURE(StartWithRatings());
  const std::string job_id = StartAndWaitForFit("evaluate");
  ASSERT_FALSE(job_id.empty());
  // Of two models, ease's fit and scoring take progress 0.05 to 0.525, hybrid's fit 0.525 to
  // 0.7625.
  ExpectProgressThenCancelWithinSeconds(job_id, 0.7625);
}

TEST_F(RecommenderFitCancelTest, SigtermDuringAFitStopsTheServerWithinItsGrace) {
  ASSERT_NO_FATAL_FAILURE(StartWithRatings());
  ASSERT_FALSE(StartAndWaitForFit().empty());
  server_.process->Signal(SIGTERM);
  // The drain waits at most the grace for calls in flight (none here); the running fit is
  // cancelled by the job manager's Stop. A margin of 4 s covers the stores' close.
  ASSERT_TRUE(
      PollUntil([&] { return server_.process->Exited(); }, absl::Seconds(kGraceSeconds + 4)))
      << "clienteled still running " << kGraceSeconds + 4 << " s after SIGTERM (grace "
      << kGraceSeconds << " s)";
  EXPECT_EQ(server_.process->Wait(), 0);
}

}  // namespace
}  // namespace clientele::testing
