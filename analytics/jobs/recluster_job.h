// The `recluster` job: builds a feature matrix of the profiles (feature set rfm, demographics
// + spend, or a list of attributes; analytics::Preprocessor does log1p, median imputation,
// one-hot and standardization), runs k-means for every k of a range (inertia for the elbow,
// silhouette per k), suggests the k with the highest silhouette, and stores a cluster model
// version at the chosen k (centroids, the fitted preprocessing, scaler figures, a 2-D PCA
// sample, per-cluster profiles) with every profile's cluster; the version becomes active.
// With `ward`, Ward agglomerative clustering runs at the chosen k too, for comparison: its
// cluster sizes, silhouette and labels of the PCA sample are stored (k-means stays the model).
#ifndef CLIENTELE_ANALYTICS_JOBS_RECLUSTER_JOB_H_
#define CLIENTELE_ANALYTICS_JOBS_RECLUSTER_JOB_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "analytics/jobs/job_runner.h"
#include "analytics/jobs/profile_directory.h"
#include "analytics/state/analytics_store.h"

namespace clientele::analytics {

// Defaults applied to an unset (0) field.
inline constexpr int kDefaultKMin = 2;
inline constexpr int kDefaultKMax = 10;
inline constexpr int kDefaultNInit = 10;
inline constexpr int kDefaultPcaSample = 2000;
inline constexpr int kDefaultSilhouetteSample = 5000;

// InvalidArgument naming the field, e.g. "spec.recluster.k_max: must be >= k_min (2)".
absl::Status ValidateReclusterSpec(const v1::ReclusterJobSpec& spec);

// Runs the job (see above). FailedPrecondition when there are fewer than 3 profiles with
// features, or no usable feature column. `kmeans_threads` >= 1.
absl::StatusOr<JobOutcome> RunReclusterJob(AnalyticsStore& store, ProfileDirectory& directory,
                                           const JobInput& job, JobControl& control,
                                           int kmeans_threads);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_JOBS_RECLUSTER_JOB_H_
