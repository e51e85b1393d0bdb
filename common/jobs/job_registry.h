// The job managers of the services in one process, keyed by kind (for StartJob) and by the
// service that the prefix of a job id names (for every other call): what one JobService
// serves. With --services=all it holds analytics (rfm, recluster) and the recommender (train,
// evaluate); a split-mode pod holds only its own.
//
//   jobs::JobRegistry registry;
//   CLT_RETURN_IF_ERROR(registry.Add(&analytics_jobs));
//   CLT_ASSIGN_OR_RETURN(jobs::JobManager* m, registry.ForJobId("analytics-0000000001"));
//
// Add() is not thread-safe and happens before serving; the lookups are thread-safe after.
// Managers are not owned and must outlive the registry.
#ifndef CLIENTELE_COMMON_JOBS_JOB_REGISTRY_H_
#define CLIENTELE_COMMON_JOBS_JOB_REGISTRY_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/jobs/job_manager.h"

namespace clientele::jobs {

class JobRegistry {
 public:
  // AlreadyExists when a kind or the service is registered already.
  absl::Status Add(JobManager* manager);
  bool empty() const { return by_service_.empty(); }
  // Every kind, sorted.
  std::vector<std::string> kinds() const;

  // InvalidArgument naming `kind` (and the kinds served) for an unknown or empty kind.
  absl::StatusOr<JobManager*> ForKind(const std::string& kind) const;
  // InvalidArgument for an empty id; NotFound naming job_id for an id of no service here.
  absl::StatusOr<JobManager*> ForJobId(const std::string& job_id) const;

  // Jobs of every service, newest first (by created_at, then job id). The page token holds
  // one cursor per service. page_size 0 means 50; InvalidArgument outside 0..1000 or for a
  // bad token.
  absl::StatusOr<JobPage> ListJobs(int page_size, const std::string& page_token) const;

 private:
  std::map<std::string, JobManager*> by_kind_;
  std::map<std::string, JobManager*> by_service_;
};

}  // namespace clientele::jobs

#endif  // CLIENTELE_COMMON_JOBS_JOB_REGISTRY_H_
