#include "recommender/jobs/recommender_job_runner.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "recommender/jobs/evaluate_job.h"

namespace clientele::recommender {

absl::Status RecommenderJobRunner::ValidateSpec(const std::string& kind, v1::JobSpec& spec) const {
  if (kind == "train") {
    if (spec.kind_case() == v1::JobSpec::KIND_NOT_SET) spec.mutable_train();
    if (!spec.has_train()) {
      return absl::InvalidArgumentError("spec: a job of kind train takes spec.train");
    }
    return ValidateTrainSpec(spec.train());
  }
  if (kind == "evaluate") {
    if (spec.kind_case() == v1::JobSpec::KIND_NOT_SET) spec.mutable_evaluate();
    if (!spec.has_evaluate()) {
      return absl::InvalidArgumentError("spec: a job of kind evaluate takes spec.evaluate");
    }
    return ValidateEvaluateSpec(spec.evaluate());
  }
  return absl::InvalidArgumentError(absl::StrCat("kind: '", kind, "' is not a recommender job"));
}

absl::StatusOr<JobOutcome> RecommenderJobRunner::RunTyped(const JobInput& job,
                                                          JobControl& control) {
  ProfileMap profiles;
  if (profiles_) {
    control.SetProgress(0.01, "reading the profile map");
    CLT_ASSIGN_OR_RETURN(profiles, profiles_([&control] { return control.cancelled(); }));
  }
  switch (job.spec.kind_case()) {
    case v1::JobSpec::kTrain:
      return RunTrainJob(job, store_, holder_, profiles, defaults_, control);
    case v1::JobSpec::kEvaluate:
      return RunEvaluateJob(job, *store_, profiles, defaults_.memory_budget_bytes, control);
    default:
      return absl::InvalidArgumentError("spec: one of train, evaluate is required");
  }
}

}  // namespace clientele::recommender
