#include "recommender/jobs/recommender_job_runner.h"

#include "common/status/status_macros.h"
#include "recommender/jobs/evaluate_job.h"

namespace clientele::recommender {

absl::Status RecommenderJobRunner::Validate(const v1::JobSpec& spec) const {
  switch (spec.kind_case()) {
    case v1::JobSpec::kTrain:
      return ValidateTrainSpec(spec.train());
    case v1::JobSpec::kEvaluate:
      return ValidateEvaluateSpec(spec.evaluate());
    default:
      return absl::InvalidArgumentError("spec: one of train, evaluate is required");
  }
}

absl::StatusOr<JobOutcome> RecommenderJobRunner::Run(const v1::Job& job, JobControl& control) {
  ProfileMap profiles;
  if (profiles_) {
    control.SetProgress(0.01, "reading the profile map");
    CLT_ASSIGN_OR_RETURN(profiles, profiles_([&control] { return control.cancelled(); }));
  }
  switch (job.spec().kind_case()) {
    case v1::JobSpec::kTrain:
      return RunTrainJob(job, store_, holder_, profiles, defaults_, control);
    case v1::JobSpec::kEvaluate:
      return RunEvaluateJob(job, *store_, profiles, defaults_.memory_budget_bytes, control);
    default:
      return absl::InvalidArgumentError("spec: one of train, evaluate is required");
  }
}

}  // namespace clientele::recommender
