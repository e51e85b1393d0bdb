// Agglomerative (hierarchical) clustering with Ward linkage, exact, for up to kMaxWardPoints
// points: scipy.cluster.hierarchy.linkage(X, "ward") and sklearn's
// AgglomerativeClustering(linkage="ward") up to label numbering.
//
//   absl::StatusOr<std::vector<WardMerge>> tree = WardLinkage(X);
//   absl::StatusOr<std::vector<int>> labels = CutTree(*tree, X.rows(), /*clusters=*/4);
//
// Algorithm: the nearest-neighbour chain, with Ward's merge cost computed from cluster centroids
// and sizes, cost(A, B) = |A||B| / (|A| + |B|) * ||mean(A) - mean(B)||^2 (exactly the
// Lance-Williams recurrence scipy runs on a distance matrix). So memory is O(n d) -- no n x n
// matrix -- and time O(n^2 d). Ties go to the chain's previous cluster, then to the lowest
// point index, so results are deterministic. 20,000 points x 3 features take a few seconds.
//
// Thread-safe: pure functions.
#ifndef CLIENTELE_ANALYTICS_CLUSTERING_AGGLOMERATIVE_H_
#define CLIENTELE_ANALYTICS_CLUSTERING_AGGLOMERATIVE_H_

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"

namespace clientele::analytics {

inline constexpr int64_t kMaxWardPoints = 50000;

// One row of scipy's linkage matrix: clusters `a` < `b` merge into cluster n + i (row i).
// Points are clusters 0..n-1. distance = sqrt(2 * cost), scipy's Ward distance (for two single
// points, their Euclidean distance). Rows are in ascending distance.
struct WardMerge {
  int64_t a = 0;
  int64_t b = 0;
  double distance = 0.0;
  int64_t size = 0;  // Points in the merged cluster.
};

// The n - 1 merges. InvalidArgument if X is empty, holds NaN/infinity, or has more than
// kMaxWardPoints rows.
absl::StatusOr<std::vector<WardMerge>> WardLinkage(const Eigen::MatrixXd& X);

// Labels 0..clusters-1 after applying the first n - clusters merges, numbered by the first point
// of each cluster (point 0 is in cluster 0). InvalidArgument unless 1 <= clusters <= n and the
// merges are a valid tree over n points.
absl::StatusOr<std::vector<int>> CutTree(const std::vector<WardMerge>& merges, int64_t n,
                                         int clusters);

// WardLinkage + CutTree.
absl::StatusOr<std::vector<int>> AgglomerativeWard(const Eigen::MatrixXd& X, int clusters);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_CLUSTERING_AGGLOMERATIVE_H_
