// Silhouette coefficient of a clustering (scikit-learn's silhouette_score / silhouette_samples
// with the Euclidean metric).
//
//   absl::StatusOr<double> s = Silhouette(X, result.labels);
//   absl::StatusOr<double> quick = SilhouetteSampled(X, result.labels, 2000, /*seed=*/7);
//
// For point i in cluster A: a(i) = mean distance to the other points of A, b(i) = the smallest
// mean distance to the points of any other cluster, s(i) = (b - a) / max(a, b), and s(i) = 0 when
// A has a single point. The score is the mean of s(i) over all points.
//
// Labels may be any ints (e.g. -1 is just another label). Exact computation is O(n^2 d) time and
// O(n d + clusters) memory -- no n x n matrix -- which is fine for n up to ~20,000 (4,338 points
// take ~10 ms on two threads). Distances are computed directly as ||x - y|| (not via the
// dot-product expansion), so coincident points are exactly 0 apart. `threads` splits the points
// over std::threads; each s(i) and the mean are computed in a fixed order, so results do not
// depend on it. Thread-safe: pure functions.
#ifndef CLIENTELE_ANALYTICS_CLUSTERING_SILHOUETTE_H_
#define CLIENTELE_ANALYTICS_CLUSTERING_SILHOUETTE_H_

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"

namespace clientele::analytics {

// s(i) for every row of X. InvalidArgument if labels.size() != X.rows(), X holds NaN/infinity,
// or the number of distinct labels is not in [2, n - 1] (as sklearn).
absl::StatusOr<std::vector<double>> SilhouetteSamples(const Eigen::MatrixXd& X,
                                                      const std::vector<int>& labels,
                                                      int threads = 1);

// Mean of SilhouetteSamples. Same errors.
absl::StatusOr<double> Silhouette(const Eigen::MatrixXd& X, const std::vector<int>& labels,
                                  int threads = 1);

// Silhouette of a random subset of sample_size rows, chosen without replacement and determined by
// `seed` (as sklearn's silhouette_score(sample_size=...): a(i) and b(i) use only the sample).
// With sample_size >= n this is exactly Silhouette(X, labels). InvalidArgument if sample_size < 2
// or the sample has fewer than 2 or more than sample_size - 1 distinct labels.
absl::StatusOr<double> SilhouetteSampled(const Eigen::MatrixXd& X, const std::vector<int>& labels,
                                         int64_t sample_size, uint64_t seed, int threads = 1);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_CLUSTERING_SILHOUETTE_H_
