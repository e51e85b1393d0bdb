#include "common/jobs/job_registry.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/jobs/job_state.h"
#include "common/status/status_macros.h"

namespace clientele::jobs {
namespace {

// Page token: "service=cursor;service=cursor" for the services that have more jobs; a cursor
// is the last job id returned from that service, or empty for "from the newest".
constexpr char kEntrySeparator = ';';

bool Newer(const common::v1::Job& a, const common::v1::Job& b) {
  if (a.created_at().seconds() != b.created_at().seconds()) {
    return a.created_at().seconds() > b.created_at().seconds();
  }
  if (a.created_at().nanos() != b.created_at().nanos()) {
    return a.created_at().nanos() > b.created_at().nanos();
  }
  return a.job_id() > b.job_id();
}

}  // namespace

absl::Status JobRegistry::Add(JobManager* manager) {
  if (by_service_.count(manager->service())) {
    return absl::AlreadyExistsError(
        absl::StrCat("jobs of ", manager->service(), " registered twice"));
  }
  for (const std::string& kind : manager->kinds()) {
    if (by_kind_.count(kind)) {
      return absl::AlreadyExistsError(absl::StrCat("job kind '", kind, "' registered twice"));
    }
  }
  for (const std::string& kind : manager->kinds()) by_kind_[kind] = manager;
  by_service_[manager->service()] = manager;
  return absl::OkStatus();
}

std::vector<std::string> JobRegistry::kinds() const {
  std::vector<std::string> out;
  for (const auto& [kind, manager] : by_kind_) out.push_back(kind);
  return out;
}

absl::StatusOr<JobManager*> JobRegistry::ForKind(const std::string& kind) const {
  auto it = by_kind_.find(kind);
  if (it == by_kind_.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("kind: ", kind.empty() ? "required" : "unknown job kind '" + kind + "'",
                     " (this server runs: ", absl::StrJoin(kinds(), ", "), ")"));
  }
  return it->second;
}

absl::StatusOr<JobManager*> JobRegistry::ForJobId(const std::string& job_id) const {
  if (job_id.empty()) return absl::InvalidArgumentError("job_id: required");
  auto it = by_service_.find(OwnerOfJobId(job_id));
  if (it == by_service_.end()) {
    return absl::NotFoundError(absl::StrCat("job_id: no job '", job_id, "'"));
  }
  return it->second;
}

absl::StatusOr<JobPage> JobRegistry::ListJobs(int page_size, const std::string& page_token) const {
  if (page_size < 0 || page_size > 1000) {
    return absl::InvalidArgumentError("page_size: must be between 0 and 1000");
  }
  if (page_size == 0) page_size = 50;
  std::map<std::string, std::string> cursors;  // service -> cursor, for services with more.
  if (page_token.empty()) {
    for (const auto& [service, manager] : by_service_) cursors[service] = "";
  } else {
    for (absl::string_view entry : absl::StrSplit(page_token, kEntrySeparator)) {
      std::pair<std::string, std::string> kv = absl::StrSplit(entry, absl::MaxSplits('=', 1));
      if (!by_service_.count(kv.first) ||
          (!kv.second.empty() && OwnerOfJobId(kv.second) != kv.first)) {
        return absl::InvalidArgumentError("page_token: not a token of ListJobs");
      }
      cursors[kv.first] = kv.second;
    }
  }
  struct Candidate {
    common::v1::Job job;
    std::string service;
  };
  std::vector<Candidate> candidates;
  std::map<std::string, bool> more;  // The service has jobs past what it returned.
  for (const auto& [service, cursor] : cursors) {
    CLT_ASSIGN_OR_RETURN(JobPage page, by_service_.at(service)->ListJobs(page_size, cursor));
    more[service] = !page.next_page_token.empty();
    for (common::v1::Job& job : page.jobs) candidates.push_back({std::move(job), service});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return Newer(a.job, b.job); });
  std::map<std::string, int> fetched;
  for (const Candidate& c : candidates) ++fetched[c.service];
  std::map<std::string, int> taken;
  JobPage out;
  for (Candidate& c : candidates) {
    if (static_cast<int>(out.jobs.size()) >= page_size) break;
    cursors[c.service] = c.job.job_id();
    ++taken[c.service];
    out.jobs.push_back(std::move(c.job));
  }
  std::vector<std::string> entries;
  for (const auto& [service, cursor] : cursors) {
    if (taken[service] < fetched[service] || more[service]) {
      entries.push_back(absl::StrCat(service, "=", cursor));
    }
  }
  out.next_page_token = absl::StrJoin(entries, std::string(1, kEntrySeparator));
  return out;
}

}  // namespace clientele::jobs
