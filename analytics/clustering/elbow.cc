#include "analytics/clustering/elbow.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "analytics/clustering/internal/parallel.h"
#include "analytics/clustering/silhouette.h"

namespace clientele::analytics {
namespace {

// Above this many points each k-means uses every thread; below, the ks run side by side.
constexpr Eigen::Index kParallelInsideAbove = 32768;

}  // namespace

int KneeOfCurve(const std::vector<int>& ks, const std::vector<double>& inertia) {
  if (ks.size() < 3 || ks.size() != inertia.size()) return ks.empty() ? 0 : ks.front();
  const double k0 = ks.front(), k1 = ks.back();
  const double hi = *std::max_element(inertia.begin(), inertia.end());
  const double lo = *std::min_element(inertia.begin(), inertia.end());
  if (hi <= lo) return ks.front();
  int best = ks.front();
  double best_gap = 0.0;
  for (size_t i = 0; i < ks.size(); ++i) {
    const double x = (ks[i] - k0) / (k1 - k0);
    const double y = (inertia[i] - lo) / (hi - lo);
    const double gap = (1.0 - x) - y;  // Distance below the line from (0, 1) to (1, 0).
    if (gap > best_gap) {
      best_gap = gap;
      best = ks[i];
    }
  }
  return best;
}

absl::StatusOr<ElbowResult> Elbow(const Eigen::MatrixXd& X, const ElbowOptions& options) {
  if (options.k_min < 1 || options.k_max < options.k_min || options.k_max > X.rows()) {
    return absl::InvalidArgumentError(absl::StrCat("Elbow: need 1 <= k_min <= k_max <= ", X.rows(),
                                                   ", got k_min ", options.k_min, ", k_max ",
                                                   options.k_max));
  }
  if (options.kmeans.initial_centroids.size() != 0) {
    return absl::InvalidArgumentError("Elbow: kmeans.initial_centroids must be empty");
  }
  if (options.silhouette_sample_size < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Elbow: silhouette_sample_size must be >= 2, got ", options.silhouette_sample_size));
  }
  if (options.kmeans.threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("Elbow: kmeans.threads must be >= 1, got ", options.kmeans.threads));
  }
  const int count = options.k_max - options.k_min + 1;
  const bool inside = X.rows() > kParallelInsideAbove;
  const int inner_threads = inside ? options.kmeans.threads : 1;
  const bool sampled = X.rows() > options.silhouette_exact_max_points;

  ElbowResult result;
  result.points.resize(count);
  result.models.resize(count);
  std::vector<absl::Status> errors(count);
  internal::ParallelChunks(count, inside ? 1 : options.kmeans.threads, [&](int64_t i) {
    KMeansOptions km = options.kmeans;
    km.k = options.k_min + static_cast<int>(i);
    km.threads = inner_threads;
    absl::StatusOr<KMeansResult> model = KMeans(X, km);
    if (!model.ok()) {
      errors[i] = model.status();
      return;
    }
    ElbowPoint& p = result.points[i];
    p.k = km.k;
    p.inertia = model->inertia;
    p.iterations = model->iterations;
    if (options.silhouette && km.k >= 2) {
      absl::StatusOr<double> s =
          sampled ? SilhouetteSampled(X, model->labels, options.silhouette_sample_size,
                                      options.silhouette_seed, inner_threads)
                  : Silhouette(X, model->labels, inner_threads);
      if (s.ok()) {  // Undefined silhouettes (too few distinct labels) stay unset.
        p.silhouette = *s;
        p.silhouette_sampled = sampled;
        p.silhouette_points = sampled ? options.silhouette_sample_size : X.rows();
      }
    }
    result.models[i] = *std::move(model);
  });
  for (const absl::Status& s : errors) {
    if (!s.ok()) return s;
  }

  std::vector<int> ks;
  std::vector<double> inertia;
  for (const ElbowPoint& p : result.points) {
    ks.push_back(p.k);
    inertia.push_back(p.inertia);
    if (p.silhouette.has_value() &&
        (!result.best_silhouette_k.has_value() ||
         *p.silhouette > *result.points[*result.best_silhouette_k - options.k_min].silhouette)) {
      result.best_silhouette_k = p.k;
    }
  }
  result.elbow_k = KneeOfCurve(ks, inertia);
  result.suggested_k = result.best_silhouette_k.value_or(result.elbow_k);
  return result;
}

}  // namespace clientele::analytics
