#include "common/jobs/job_registry.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/jobs/job_list_merge.h"
#include "common/jobs/job_state.h"
#include "common/status/status_macros.h"

namespace clientele::jobs {

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
  JobCursors cursors;  // service -> cursor, for services with more.
  if (page_token.empty()) {
    for (const auto& [service, manager] : by_service_) cursors[service] = "";
  } else {
    CLT_ASSIGN_OR_RETURN(cursors, ParseJobListToken(page_token));
    for (const auto& [service, cursor] : cursors) {
      if (!by_service_.count(service)) {
        return absl::InvalidArgumentError("page_token: not a token of ListJobs");
      }
    }
  }
  std::map<std::string, ServiceJobs> lists;
  for (const auto& [service, cursor] : cursors) {
    CLT_ASSIGN_OR_RETURN(JobPage page, by_service_.at(service)->ListJobs(page_size, cursor));
    lists[service] = {std::move(page.jobs), !page.next_page_token.empty()};
  }
  MergedJobPage merged = MergeJobLists(page_size, std::move(cursors), std::move(lists));
  return JobPage{std::move(merged.jobs), std::move(merged.next_page_token)};
}

}  // namespace clientele::jobs
