// Mini-batch k-means (Sculley 2010, as scikit-learn's MiniBatchKMeans) for large n: each step
// moves the centres towards the means of a random batch, so the cost per step does not grow
// with n; one full assignment at the end gives every point its label.
//
//   MiniBatchKMeansOptions options;
//   options.k = 5;
//   absl::StatusOr<KMeansResult> result = MiniBatchKMeans(X, options);
//
// Algorithm:
//  * n_init candidate seedings: k-means++ (KMeansPlusPlusSeeds) on init_size rows drawn with
//    replacement; the one with the lowest inertia on its own sample wins.
//  * Steps: draw batch_size rows with replacement, assign each to its nearest centre, and move
//    centre c to (count_c * c + sum of its batch rows) / (count_c + batch rows of c), where
//    count_c counts every row it has received so far (a per-centre learning rate 1 / count_c).
//  * Stops after max_iter * n / batch_size steps, or when the exponentially weighted average of
//    the batch inertia has not improved for max_no_improvement steps, or (tol > 0) when the total
//    squared centre move of a step is <= tol * mean column variance.
//  * Unlike sklearn, centres with few points are not re-seeded.
// The result's inertia and labels come from a full assignment to the final centres (exact,
// double); `iterations` is the number of steps.
//
// Deterministic: a pure function of (X, options), independent of `threads` (which only speeds up
// the final assignment). Thread-safe.
#ifndef CLIENTELE_ANALYTICS_CLUSTERING_MINIBATCH_KMEANS_H_
#define CLIENTELE_ANALYTICS_CLUSTERING_MINIBATCH_KMEANS_H_

#include <Eigen/Dense>
#include <cstdint>

#include "absl/status/statusor.h"
#include "analytics/clustering/kmeans.h"

namespace clientele::analytics {

struct MiniBatchKMeansOptions {
  int k = 8;                    // 1 <= k <= n.
  int batch_size = 1024;        // >= 1.
  int max_iter = 100;           // Passes over the data's worth of steps; >= 1.
  int max_no_improvement = 10;  // >= 1.
  double tol = 0.0;             // >= 0; 0 disables the centre-move criterion.
  int n_init = 3;               // >= 1.
  int init_size = 0;            // Rows for seeding; 0 means max(3 * batch_size, k), capped at n.
  uint64_t seed = 0;
  int threads = 2;  // >= 1.
};

// InvalidArgument for empty or non-finite X and for options out of range (naming the option).
absl::StatusOr<KMeansResult> MiniBatchKMeans(const Eigen::MatrixXd& X,
                                             const MiniBatchKMeansOptions& options);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_CLUSTERING_MINIBATCH_KMEANS_H_
