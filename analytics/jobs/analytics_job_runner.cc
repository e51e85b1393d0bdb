#include "analytics/jobs/analytics_job_runner.h"

#include "absl/strings/str_cat.h"
#include "analytics/jobs/recluster_job.h"
#include "analytics/jobs/rfm_job.h"

namespace clientele::analytics {

absl::Status AnalyticsJobRunner::ValidateSpec(const std::string& kind, v1::JobSpec& spec) const {
  if (kind == "rfm") {
    if (spec.kind_case() == v1::JobSpec::KIND_NOT_SET) spec.mutable_rfm();
    if (!spec.has_rfm()) {
      return absl::InvalidArgumentError("spec: a job of kind rfm takes spec.rfm");
    }
    return ValidateRfmSpec(spec.rfm());
  }
  if (kind == "recluster") {
    if (spec.kind_case() == v1::JobSpec::KIND_NOT_SET) spec.mutable_recluster();
    if (!spec.has_recluster()) {
      return absl::InvalidArgumentError("spec: a job of kind recluster takes spec.recluster");
    }
    return ValidateReclusterSpec(spec.recluster());
  }
  return absl::InvalidArgumentError(absl::StrCat("kind: '", kind, "' is not an analytics job"));
}

absl::StatusOr<JobOutcome> AnalyticsJobRunner::RunTyped(const JobInput& job, JobControl& control) {
  switch (job.spec.kind_case()) {
    case v1::JobSpec::kRfm:
      return RunRfmJob(*store_, *directory_, job, control);
    case v1::JobSpec::kRecluster:
      return RunReclusterJob(*store_, *directory_, job, control, kmeans_threads_);
    default:
      return absl::InvalidArgumentError("spec: one of rfm or recluster is required");
  }
}

}  // namespace clientele::analytics
