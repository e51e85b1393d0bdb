// One listing of the jobs of several services, newest first, from each service's own listing:
// what JobRegistry::ListJobs does over the managers of one process and what the gateway's
// front does over the JobServices of the processes of a split deployment. Both use the one
// page token format, so a token means the same in every mode.
//
// Token: "service=cursor;service=cursor", one entry per service that has more jobs; a cursor
// is the id of the last job of that service already returned ("" = from its newest job).
// The empty token is the first page of every service.
//
//   CLT_ASSIGN_OR_RETURN(JobCursors cursors, ParseJobListToken(request.page_token()));
//   ... list each service after its cursor (page_size jobs each), then
//   JobPage page = MergeJobLists(page_size, std::move(cursors), std::move(lists));
//
// No gRPC; pure functions.
#ifndef CLIENTELE_COMMON_JOBS_JOB_LIST_MERGE_H_
#define CLIENTELE_COMMON_JOBS_JOB_LIST_MERGE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clientele/common/v1/jobs.pb.h"

namespace clientele::jobs {

// service -> the id of the last job of it already listed ("" = none yet).
using JobCursors = std::map<std::string, std::string>;

// The cursors of a page token. InvalidArgument naming page_token for text that no
// MergeJobLists wrote: an entry without '=' or service, a cursor of another service.
absl::StatusOr<JobCursors> ParseJobListToken(const std::string& token);

// The token of `cursors` (empty for none).
std::string JobListToken(const JobCursors& cursors);

// Whether job `a` lists before job `b`: newer created_at first, then the greater job id.
bool ListsBefore(const common::v1::Job& a, const common::v1::Job& b);

// What one service gave after its cursor: at most a page of its jobs, newest first, and
// whether it has more beyond them.
struct ServiceJobs {
  std::vector<common::v1::Job> jobs;
  bool more = false;
};

struct MergedJobPage {
  std::vector<common::v1::Job> jobs;
  std::string next_page_token;  // Empty on the last page.
};

// The first `page_size` jobs of `lists` in ListsBefore order, and the token of the next page:
// a service keeps an entry while it has jobs not returned (its cursor the last of it returned,
// or its cursor in `cursors` if none was). `cursors`: the services asked after a cursor (a
// service in `lists` but not in `cursors` was asked from its newest job); `lists`: what each
// gave (a service missing from it gave nothing). A list must hold the first jobs after its
// cursor: all of them, or at least `page_size` with `more` set.
MergedJobPage MergeJobLists(int page_size, JobCursors cursors,
                            std::map<std::string, ServiceJobs> lists);

}  // namespace clientele::jobs

#endif  // CLIENTELE_COMMON_JOBS_JOB_LIST_MERGE_H_
