// The JobRunner of the recommender: dispatches `train` and `evaluate` jobs. The profile map
// is fetched once per run (identity's, when configured).
#ifndef CLIENTELE_RECOMMENDER_JOBS_RECOMMENDER_JOB_RUNNER_H_
#define CLIENTELE_RECOMMENDER_JOBS_RECOMMENDER_JOB_RUNNER_H_

#include <utility>

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

  absl::Status Validate(const v1::JobSpec& spec) const override;
  absl::StatusOr<JobOutcome> Run(const v1::Job& job, JobControl& control) override;

 private:
  RecommenderStore* const store_;
  SnapshotHolder* const holder_;
  const ProfileMapFn profiles_;
  const TrainDefaults defaults_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_JOBS_RECOMMENDER_JOB_RUNNER_H_
