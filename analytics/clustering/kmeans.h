// K-means clustering (Lloyd's algorithm with greedy k-means++ seeding), following scikit-learn's
// KMeans(init="k-means++", algorithm="lloyd") closely enough that its documentation applies.
//
//   KMeansOptions options;
//   options.k = 4;
//   options.seed = 42;
//   absl::StatusOr<KMeansResult> result = KMeans(scaled_features, options);
//
// X holds one point per row (n x d). Results are a pure function of (X, options) -- including
// `threads`, which changes speed only, never the answer.
//
// Algorithm:
//  * The data are centred (column means subtracted) internally for numerical accuracy; returned
//    centroids are in the caller's coordinates.
//  * Seeding, per run: the first centre is a uniformly random point; each further centre is the
//    best of 2 + floor(ln k) candidates, each drawn with probability proportional to D(x)^2, where
//    "best" minimises the resulting potential sum_x min_c ||x - c||^2 (sklearn's greedy k-means++).
//    All n_init seedings advance together, one pass over the data per round (the data are
//    read once per round for every run, not once per run); each run draws from its own random
//    stream, so its seeds are what it would get alone. The cumulative D(x)^2 sums are taken per
//    chunk of rows, so sampling scans one chunk.
//  * Lloyd iterations: assign every point to its nearest centre with single-precision squared
//    distances sum_j (x_j - c_j)^2, vectorized over points (AVX2 when the CPU has it, SSE2
//    otherwise, bit-identical results; internal/distance_kernels.h), chunks of rows spread over
//    `threads` std::threads; then move each centre to the mean of its points, summed in double
//    from the caller's data per chunk and reduced in chunk order. Only the choice between two
//    centres within float rounding (~1e-7 relative) of each other can differ from an all-double
//    computation. The reported inertia is computed in double from the caller's data.
//    A centre left without points is moved onto the point farthest from its own centre (then the
//    next farthest for the next empty cluster, ...), and that point leaves its old cluster.
//  * Stops when the labels do not change, when the total squared centre shift is <= tol *
//    mean(column variances of X), or after max_iter iterations. Labels and inertia are always
//    recomputed against the final centroids, so they are consistent with them.
//  * n_init runs with seeds drawn from `seed`; the lowest inertia wins (the earliest run on ties).
//    Runs are ranked by their float inertia; only runs within 1e-5 of the best get their exact
//    double inertia computed, and the lowest of those wins.
//
// Thread-safe: no shared state; concurrent calls are fine.
#ifndef CLIENTELE_ANALYTICS_CLUSTERING_KMEANS_H_
#define CLIENTELE_ANALYTICS_CLUSTERING_KMEANS_H_

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"

namespace clientele::analytics {

struct KMeansOptions {
  int k = 8;           // Number of clusters, 1 <= k <= number of points.
  int n_init = 10;     // Independent seeded runs; >= 1.
  int max_iter = 300;  // Lloyd iterations per run; >= 1.
  double tol = 1e-4;   // Relative to the mean column variance of X; >= 0.
  uint64_t seed = 0;   // Same seed and data -> same result.
  int threads = 2;     // Worker threads for the assignment step; >= 1.
  // Optional k x d starting centroids (sklearn's init=ndarray). When set, k-means++ is skipped and
  // a single run is made whatever n_init says (every run would be identical).
  Eigen::MatrixXd initial_centroids;
};

struct KMeansResult {
  Eigen::MatrixXd centroids;  // k x d.
  std::vector<int> labels;    // n entries in [0, k).
  double inertia = 0.0;       // Sum over points of the squared distance to their centroid.
  int iterations = 0;         // Lloyd iterations of the winning run.
};

// Clusters the rows of X. InvalidArgument if X is empty or holds NaN/infinity, or if an option is
// out of range (see KMeansOptions), including initial_centroids that are not k x d or not finite.
// If X has fewer than k distinct points some clusters coincide.
absl::StatusOr<KMeansResult> KMeans(const Eigen::MatrixXd& X, const KMeansOptions& options);

// Index of the nearest centroid for every row of X (ties -> lowest index); the "predict" step.
// Computed in double. InvalidArgument if the column counts differ or centroids is empty.
absl::StatusOr<std::vector<int>> AssignToNearest(const Eigen::MatrixXd& X,
                                                 const Eigen::MatrixXd& centroids);

struct NearestCentroids {
  std::vector<int> labels;            // As AssignToNearest.
  Eigen::VectorXd squared_distances;  // To the chosen centroid, computed directly, >= 0.
  double inertia = 0.0;               // Their sum.
};

// AssignToNearest plus distances and inertia, over `threads` threads (the result does not depend
// on it). Same errors, and InvalidArgument if threads < 1.
absl::StatusOr<NearestCentroids> AssignToNearestCentroids(const Eigen::MatrixXd& X,
                                                          const Eigen::MatrixXd& centroids,
                                                          int threads = 1);

// The greedy k-means++ seeding KMeans uses, on its own: k rows of X (k x d). Deterministic by
// seed and independent of threads. InvalidArgument as KMeans for X and k.
absl::StatusOr<Eigen::MatrixXd> KMeansPlusPlusSeeds(const Eigen::MatrixXd& X, int k, uint64_t seed,
                                                    int threads = 1);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_CLUSTERING_KMEANS_H_
