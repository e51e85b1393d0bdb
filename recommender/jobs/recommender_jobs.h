// The recommender's jobs (train, evaluate) on the shared job machinery of
// common/jobs/job_manager.h: persisted, idempotent by key, cancellable, one at a time on a
// worker thread. Metrics: clientele_recommender_jobs_total{kind,state},
// clientele_recommender_job_seconds{kind}, clientele_recommender_jobs_queued.
#ifndef CLIENTELE_RECOMMENDER_JOBS_RECOMMENDER_JOBS_H_
#define CLIENTELE_RECOMMENDER_JOBS_RECOMMENDER_JOBS_H_

#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "clientele/recommender/v1/recommender.pb.h"
#include "common/jobs/job_manager.h"
#include "common/jobs/job_runner.h"
#include "recommender/state/recommender_store.h"

namespace clientele::recommender {

struct RecommenderJobTraits {
  using Job = v1::Job;
  using JobSpec = v1::JobSpec;
  using JobResult = v1::JobResult;
  using JobKind = v1::JobKind;
  using JobState = v1::JobState;
  using Store = RecommenderStore;
  static constexpr JobState kQueued = v1::JOB_STATE_QUEUED;
  static constexpr JobState kRunning = v1::JOB_STATE_RUNNING;
  static constexpr JobState kSucceeded = v1::JOB_STATE_SUCCEEDED;
  static constexpr JobState kFailed = v1::JOB_STATE_FAILED;
  static constexpr JobState kCancelled = v1::JOB_STATE_CANCELLED;
  static constexpr char kService[] = "recommender";
  static constexpr char kTitle[] = "Recommender";
  static JobKind KindOf(const JobSpec& spec) {
    switch (spec.kind_case()) {
      case v1::JobSpec::kTrain:
        return v1::JOB_KIND_TRAIN;
      case v1::JobSpec::kEvaluate:
        return v1::JOB_KIND_EVALUATE;
      default:
        return v1::JOB_KIND_UNSPECIFIED;
    }
  }
  static std::string KindName(JobKind kind) { return v1::JobKind_Name(kind); }
  static std::string StateName(JobState state) { return v1::JobState_Name(state); }
};

using JobControl = jobs::JobControl;
using JobOutcome = jobs::JobOutcome<v1::JobResult>;
using JobRunner = jobs::JobRunner<v1::Job, v1::JobSpec, v1::JobResult>;
using JobManager = jobs::JobManager<RecommenderJobTraits>;
using StartedJob = jobs::StartedJob<v1::Job>;
using JobPage = jobs::JobPage<v1::Job>;

// Encoded source key (EncodeSourceKey) -> identity profile id. A source key absent from the
// map is a profile of its own, with profile id FormatSourceKey(key).
using ProfileMap = absl::flat_hash_map<std::string, std::string>;
// Returns the current map (identity's GetProfileMap, or an empty map without identity).
// Called once per job run, from the job worker thread; while it waits (for identity to catch
// up with the log) it polls `cancelled` and returns Cancelled once it is true.
using ProfileMapFn =
    std::function<absl::StatusOr<ProfileMap>(const std::function<bool()>& cancelled)>;

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_JOBS_RECOMMENDER_JOBS_H_
