// Names and predicates of common.v1.JobState shared by the job library, its gRPC adapter and
// the CLI.
#ifndef CLIENTELE_COMMON_JOBS_JOB_STATE_H_
#define CLIENTELE_COMMON_JOBS_JOB_STATE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clientele/common/v1/jobs.pb.h"

namespace clientele::jobs {

// SUCCEEDED, FAILED or CANCELLED.
inline bool Finished(common::v1::JobState state) {
  return state == common::v1::JOB_STATE_SUCCEEDED || state == common::v1::JOB_STATE_FAILED ||
         state == common::v1::JOB_STATE_CANCELLED;
}

// "queued", "running", "succeeded", "failed", "cancelled" ("unspecified").
inline std::string StateName(common::v1::JobState state) {
  switch (state) {
    case common::v1::JOB_STATE_QUEUED:
      return "queued";
    case common::v1::JOB_STATE_RUNNING:
      return "running";
    case common::v1::JOB_STATE_SUCCEEDED:
      return "succeeded";
    case common::v1::JOB_STATE_FAILED:
      return "failed";
    case common::v1::JOB_STATE_CANCELLED:
      return "cancelled";
    default:
      return "unspecified";
  }
}

// The canonical name of a failed job's error code ("RESOURCE_EXHAUSTED"); empty for a job that
// has not failed.
inline std::string ErrorCodeName(const common::v1::Job& job) {
  if (job.state() != common::v1::JOB_STATE_FAILED) return std::string();
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(job.error_code()));
}

// A failed job's error as absl::Status prints one: "RESOURCE_EXHAUSTED: <message>"; empty for a
// job that has not failed.
inline std::string ErrorText(const common::v1::Job& job) {
  if (job.state() != common::v1::JOB_STATE_FAILED) return std::string();
  return absl::StrCat(ErrorCodeName(job), ": ", job.error());
}

// The service that owns `job_id` ("analytics" for "analytics-0000000001"): the text before
// the first '-'; empty when there is none.
inline std::string OwnerOfJobId(const std::string& job_id) {
  const size_t dash = job_id.find('-');
  return dash == std::string::npos ? std::string() : job_id.substr(0, dash);
}

}  // namespace clientele::jobs

#endif  // CLIENTELE_COMMON_JOBS_JOB_STATE_H_
