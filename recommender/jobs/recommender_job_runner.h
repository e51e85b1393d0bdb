// The JobRunner of the recommender: runs `train` and `evaluate` jobs. The profile map
// is fetched once per run (identity's, when configured).
#ifndef CLIENTELE_RECOMMENDER_JOBS_RECOMMENDER_JOB_RUNNER_H_
#define CLIENTELE_RECOMMENDER_JOBS_RECOMMENDER_JOB_RUNNER_H_

#include <string>
#include <utility>
#include <vector>

#include "recommender/jobs/recommender_jobs.h"
#include "recommender/jobs/train_job.h"
#include "recommender/serving/snapshot_holder.h"

namespace clientele::recommender {

class RecommenderJobRunner final : public JobRunner {
 public:
  // `store` and `holder` are not owned and must outlive the runner. `profiles` may be null:
  // every source key is then its own profile.
  RecommenderJobRunner(RecommenderStore* store, SnapshotHolder* holder, ProfileMapFn profiles,
                       TrainDefaults defaults = {})
      : store_(store), holder_(holder), profiles_(std::move(profiles)), defaults_(defaults) {}

  std::vector<std::string> Kinds() const override { return {"train", "evaluate"}; }
  // An empty spec gets the part of `kind` (its defaults); a spec whose part is another
  // kind's is InvalidArgument.
  absl::Status ValidateSpec(const std::string& kind, v1::JobSpec& spec) const override;
  absl::StatusOr<JobOutcome> RunTyped(const JobInput& job, JobControl& control) override;

 private:
  RecommenderStore* const store_;
  SnapshotHolder* const holder_;
  const ProfileMapFn profiles_;
  const TrainDefaults defaults_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_JOBS_RECOMMENDER_JOB_RUNNER_H_
