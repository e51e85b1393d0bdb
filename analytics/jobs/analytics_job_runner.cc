#include "analytics/jobs/analytics_job_runner.h"

#include "analytics/jobs/recluster_job.h"
#include "analytics/jobs/rfm_job.h"

namespace clientele::analytics {

absl::Status AnalyticsJobRunner::Validate(const v1::JobSpec& spec) const {
  switch (spec.kind_case()) {
    case v1::JobSpec::kRfm:
      return ValidateRfmSpec(spec.rfm());
    case v1::JobSpec::kRecluster:
      return ValidateReclusterSpec(spec.recluster());
    default:
      return absl::InvalidArgumentError("spec: one of rfm or recluster is required");
  }
}

absl::StatusOr<JobOutcome> AnalyticsJobRunner::Run(const v1::Job& job, JobControl& control) {
  switch (job.spec().kind_case()) {
    case v1::JobSpec::kRfm:
      return RunRfmJob(*store_, *directory_, job, control);
    case v1::JobSpec::kRecluster:
      return RunReclusterJob(*store_, *directory_, job, control, kmeans_threads_);
    default:
      return absl::InvalidArgumentError("spec: one of rfm or recluster is required");
  }
}

}  // namespace clientele::analytics
