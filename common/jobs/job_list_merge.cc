#include "common/jobs/job_list_merge.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/jobs/job_state.h"

namespace clientele::jobs {
namespace {

constexpr char kEntrySeparator = ';';

}  // namespace

absl::StatusOr<JobCursors> ParseJobListToken(const std::string& token) {
  JobCursors cursors;
  if (token.empty()) return cursors;
  for (absl::string_view entry : absl::StrSplit(token, kEntrySeparator)) {
    const size_t equals = entry.find('=');
    if (equals == 0 || equals == absl::string_view::npos) {
      return absl::InvalidArgumentError("page_token: not a token of ListJobs");
    }
    std::string service(entry.substr(0, equals));
    std::string cursor(entry.substr(equals + 1));
    if ((!cursor.empty() && OwnerOfJobId(cursor) != service) || cursors.count(service)) {
      return absl::InvalidArgumentError("page_token: not a token of ListJobs");
    }
    cursors[std::move(service)] = std::move(cursor);
  }
  return cursors;
}

std::string JobListToken(const JobCursors& cursors) {
  std::vector<std::string> entries;
  for (const auto& [service, cursor] : cursors)
    entries.push_back(absl::StrCat(service, "=", cursor));
  return absl::StrJoin(entries, std::string(1, kEntrySeparator));
}

bool ListsBefore(const common::v1::Job& a, const common::v1::Job& b) {
  if (a.created_at().seconds() != b.created_at().seconds()) {
    return a.created_at().seconds() > b.created_at().seconds();
  }
  if (a.created_at().nanos() != b.created_at().nanos()) {
    return a.created_at().nanos() > b.created_at().nanos();
  }
  return a.job_id() > b.job_id();
}

MergedJobPage MergeJobLists(int page_size, JobCursors cursors,
                            std::map<std::string, ServiceJobs> lists) {
  struct Candidate {
    common::v1::Job job;
    std::string service;
  };
  std::vector<Candidate> candidates;
  std::map<std::string, int> fetched;
  for (auto& [service, list] : lists) {
    cursors.emplace(service, "");  // A service asked from its newest job.
    for (common::v1::Job& job : list.jobs) {
      ++fetched[service];
      candidates.push_back({std::move(job), service});
    }
  }
  std::stable_sort(
      candidates.begin(), candidates.end(),
      [](const Candidate& a, const Candidate& b) { return ListsBefore(a.job, b.job); });
  std::map<std::string, int> taken;
  MergedJobPage out;
  for (Candidate& c : candidates) {
    if (static_cast<int>(out.jobs.size()) >= page_size) break;
    cursors[c.service] = c.job.job_id();
    ++taken[c.service];
    out.jobs.push_back(std::move(c.job));
  }
  JobCursors next;
  for (const auto& [service, cursor] : cursors) {
    auto list = lists.find(service);
    const bool more = list != lists.end() && list->second.more;
    if (taken[service] < fetched[service] || more) next[service] = cursor;
  }
  out.next_page_token = JobListToken(next);
  return out;
}

}  // namespace clientele::jobs
