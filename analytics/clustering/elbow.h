// Choosing k: k-means for every k in [k_min, k_max] (the elbow curve of inertia per k), the
// silhouette of each clustering, and a suggested k.
//
//   ElbowOptions options;              // k = 2..10, n_init = 10
//   options.kmeans.seed = 42;
//   absl::StatusOr<ElbowResult> elbow = Elbow(scaled_features, options);
//   int k = elbow->suggested_k;
//   const KMeansResult& model = elbow->models[k - options.k_min];
//
// Silhouette: exact when n <= silhouette_exact_max_points, otherwise computed on a seeded random
// sample of silhouette_sample_size points (ElbowPoint says which, and on how many points).
// suggested_k is the k with the highest silhouette (smallest k on ties); without silhouettes
// (disabled, or k_max < 2) it is elbow_k: the knee of the inertia curve, i.e. the k whose
// normalised point lies farthest below the straight line from the first to the last point
// (the "kneedle" rule for a decreasing convex curve).
//
// Work is spread over kmeans.threads threads (across k values for small n, inside each k-means
// for large n); results do not depend on the thread count. Thread-safe: a pure function.
#ifndef CLIENTELE_ANALYTICS_CLUSTERING_ELBOW_H_
#define CLIENTELE_ANALYTICS_CLUSTERING_ELBOW_H_

#include <Eigen/Dense>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "analytics/clustering/kmeans.h"

namespace clientele::analytics {

struct ElbowOptions {
  int k_min = 2;  // 1 <= k_min <= k_max <= number of points.
  int k_max = 10;
  KMeansOptions kmeans;  // Everything but k (and initial_centroids, which must be empty).
  bool silhouette = true;
  int64_t silhouette_exact_max_points = 20000;
  int64_t silhouette_sample_size = 10000;  // >= 2.
  uint64_t silhouette_seed = 0;
};

struct ElbowPoint {
  int k = 0;
  double inertia = 0.0;
  int iterations = 0;
  // Unset for k = 1, when disabled, or when undefined (fewer than 2 distinct labels).
  std::optional<double> silhouette;
  bool silhouette_sampled = false;
  int64_t silhouette_points = 0;  // Points the silhouette was computed on.
};

struct ElbowResult {
  std::vector<ElbowPoint> points;    // One per k, ascending.
  std::vector<KMeansResult> models;  // models[i] belongs to points[i].
  int elbow_k = 0;                   // Knee of the inertia curve (k_min when fewer than 3 ks).
  std::optional<int> best_silhouette_k;
  int suggested_k = 0;
};

// InvalidArgument for bad ranges or options (as KMeans), naming the field.
absl::StatusOr<ElbowResult> Elbow(const Eigen::MatrixXd& X, const ElbowOptions& options);

// The knee rule above on (k, inertia) points, ks ascending. Returns ks.front() for fewer than 3.
int KneeOfCurve(const std::vector<int>& ks, const std::vector<double>& inertia);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_CLUSTERING_ELBOW_H_
