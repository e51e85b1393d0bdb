// The one listing of several services' jobs: newest first across services, pages that resume
// exactly where the last one ended, and tokens that name their services' cursors.
#include "common/jobs/job_list_merge.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::jobs {
namespace {

using common::v1::Job;

Job JobAt(const std::string& service, int number, int64_t seconds) {
  Job job;
  job.set_job_id(absl::StrCat(service, "-", 1000000000 + number));
  job.mutable_created_at()->set_seconds(seconds);
  return job;
}

// Each service's jobs, newest first; listed after `cursor` at most `page_size` of them.
ServiceJobs After(const std::vector<Job>& jobs, const std::string& cursor, int page_size) {
  ServiceJobs out;
  bool past = cursor.empty();
  for (const Job& job : jobs) {
    if (!past) {
      past = job.job_id() == cursor;
      continue;
    }
    if (static_cast<int>(out.jobs.size()) == page_size) {
      out.more = true;
      break;
    }
    out.jobs.push_back(job);
  }
  return out;
}

TEST(JobListMergeTest, PagesListEveryJobOnceNewestFirstAcrossServices) {
  // Three services whose jobs interleave in time.
  std::map<std::string, std::vector<Job>> all;
  for (int i = 9; i >= 0; --i) all["analytics"].push_back(JobAt("analytics", i, 100 + 3 * i));
  for (int i = 6; i >= 0; --i) all["recommender"].push_back(JobAt("recommender", i, 101 + 4 * i));
  for (int i = 2; i >= 0; --i) all["identity"].push_back(JobAt("identity", i, 150 + i));
  std::vector<Job> listed;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<JobCursors> cursors = ParseJobListToken(token);
    ASSERT_TRUE(cursors.ok()) << cursors.status();
    std::map<std::string, ServiceJobs> lists;
    if (token.empty()) {
      for (const auto& [service, jobs] : all) lists[service] = After(jobs, "", 3);
    } else {
      for (const auto& [service, cursor] : *cursors)
        lists[service] = After(all[service], cursor, 3);
    }
    MergedJobPage page = MergeJobLists(3, *cursors, std::move(lists));
    EXPECT_LE(page.jobs.size(), 3u);
    listed.insert(listed.end(), page.jobs.begin(), page.jobs.end());
    token = page.next_page_token;
    ASSERT_LT(++pages, 20) << "the pages do not end";
  } while (!token.empty());
  ASSERT_EQ(listed.size(), 20u);
  std::set<std::string> ids;
  for (size_t i = 0; i < listed.size(); ++i) {
    ids.insert(listed[i].job_id());
    if (i > 0) EXPECT_TRUE(ListsBefore(listed[i - 1], listed[i])) << i;
  }
  EXPECT_EQ(ids.size(), 20u);
  EXPECT_EQ(pages, 7);
}

TEST(JobListMergeTest, AServiceKeepsItsCursorWhileNoneOfItsJobsIsReturned) {
  std::map<std::string, ServiceJobs> lists;
  lists["analytics"] = {{JobAt("analytics", 2, 300), JobAt("analytics", 1, 200)}, true};
  lists["recommender"] = {{JobAt("recommender", 1, 100)}, false};
  MergedJobPage page =
      MergeJobLists(2, {{"analytics", ""}, {"recommender", "recommender-1000000009"}}, lists);
  ASSERT_EQ(page.jobs.size(), 2u);
  EXPECT_EQ(page.next_page_token,
            "analytics=analytics-1000000001;recommender=recommender-1000000009");
  absl::StatusOr<JobCursors> cursors = ParseJobListToken(page.next_page_token);
  ASSERT_TRUE(cursors.ok());
  EXPECT_EQ(cursors->at("recommender"), "recommender-1000000009");
}

TEST(JobListMergeTest, TheLastPageHasNoToken) {
  std::map<std::string, ServiceJobs> lists;
  lists["analytics"] = {{JobAt("analytics", 1, 200)}, false};
  EXPECT_EQ(MergeJobLists(5, {}, lists).next_page_token, "");
  EXPECT_EQ(MergeJobLists(5, {}, {}).next_page_token, "");
}

TEST(JobListMergeTest, MalformedTokensAreInvalidArgumentNamingPageToken) {
  for (const std::string token :
       {"garbage", "=analytics-1", "analytics=recommender-0000000001", "a=;a=", ";"}) {
    absl::StatusOr<JobCursors> cursors = ParseJobListToken(token);
    EXPECT_EQ(cursors.status().code(), absl::StatusCode::kInvalidArgument) << token;
    EXPECT_THAT(cursors.status().message(), ::testing::HasSubstr("page_token")) << token;
  }
  absl::StatusOr<JobCursors> ok = ParseJobListToken("analytics=;recommender=recommender-1");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->size(), 2u);
}

}  // namespace
}  // namespace clientele::jobs
