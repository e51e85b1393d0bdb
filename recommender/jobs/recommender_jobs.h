// The recommender's jobs (train, evaluate) on the shared job machinery of common/jobs:
// persisted, idempotent by key with retry attempts, cancellable, one at a time on a worker
// thread, typed over recommender.v1.JobSpec / JobResult. Metrics:
// clientele_recommender_jobs_total{kind,state}, clientele_recommender_job_seconds{kind},
// clientele_recommender_jobs_queued.
#ifndef CLIENTELE_RECOMMENDER_JOBS_RECOMMENDER_JOBS_H_
#define CLIENTELE_RECOMMENDER_JOBS_RECOMMENDER_JOBS_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "clientele/recommender/v1/recommender.pb.h"
#include "common/jobs/job_manager.h"
#include "common/jobs/job_runner.h"
#include "common/jobs/job_store.h"
#include "recommender/recommender_schema.h"
#include "recommender/state/recommender_store.h"

namespace clientele::recommender {

using JobControl = jobs::JobControl;
using JobInput = jobs::TypedJob<v1::JobSpec>;  // The job id, kind and recommender spec.
using JobOutcome = jobs::BasicJobOutcome<v1::JobResult>;
using JobRunner = jobs::TypedJobRunner<v1::JobSpec, v1::JobResult>;
using JobManager = jobs::JobManager;
using StartedJob = jobs::StartedJob;
using JobPage = jobs::JobPage;

inline constexpr char kJobService[] = "recommender";

// A JobStore over the recommender store's `jobs` and `job_keys` column families, with ids
// "recommender-<n>". `kv` is not owned and must outlive the store.
inline std::unique_ptr<jobs::JobStore> NewRecommenderJobStore(storage::KvStore* kv) {
  return std::make_unique<jobs::JobStore>(kv, kJobsCf, kJobKeysCf, kJobService);
}

inline jobs::JobManagerOptions RecommenderJobOptions() {
  jobs::JobManagerOptions options;
  options.title = "Recommender";
  return options;
}

inline google::protobuf::Any PackSpec(const v1::JobSpec& spec) {
  google::protobuf::Any any;
  any.PackFrom(spec);
  return any;
}

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
