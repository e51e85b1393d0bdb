#include "analytics/clustering/silhouette.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "analytics/clustering/random.h"

namespace clientele::analytics {

absl::StatusOr<std::vector<double>> SilhouetteSamples(const Eigen::MatrixXd& X,
                                                      const std::vector<int>& labels) {
  const Eigen::Index n = X.rows();
  if (static_cast<Eigen::Index>(labels.size()) != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("Silhouette: ", n, " points but ", labels.size(), " labels"));
  }
  if (!X.allFinite()) return absl::InvalidArgumentError("Silhouette: input holds NaN or infinity");

  // Compact the labels to 0..k-1.
  std::vector<int> distinct = labels;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  const Eigen::Index k = static_cast<Eigen::Index>(distinct.size());
  if (k < 2 || k > n - 1) {
    return absl::InvalidArgumentError(absl::StrCat("Silhouette: number of distinct labels is ", k,
                                                   "; valid values are 2 to n - 1 = ", n - 1));
  }
  std::vector<Eigen::Index> cluster(n);
  std::vector<double> size(k, 0.0);
  for (Eigen::Index i = 0; i < n; ++i) {
    cluster[i] = std::lower_bound(distinct.begin(), distinct.end(), labels[i]) - distinct.begin();
    size[cluster[i]] += 1.0;
  }

  // One point per column, so each point is contiguous in memory.
  const Eigen::MatrixXd points = X.transpose();
  std::vector<double> s(n);
  Eigen::VectorXd sums(k);
  for (Eigen::Index i = 0; i < n; ++i) {
    sums.setZero();
    const auto xi = points.col(i);
    for (Eigen::Index j = 0; j < n; ++j) {
      sums(cluster[j]) += (points.col(j) - xi).norm();  // d(i, i) = 0 adds nothing.
    }
    const Eigen::Index own = cluster[i];
    if (size[own] <= 1.0) {
      s[i] = 0.0;
      continue;
    }
    const double a = sums(own) / (size[own] - 1.0);
    double b = std::numeric_limits<double>::infinity();
    for (Eigen::Index c = 0; c < k; ++c) {
      if (c != own) b = std::min(b, sums(c) / size[c]);
    }
    const double denom = std::max(a, b);
    s[i] =
        denom > 0.0 ? (b - a) / denom : 0.0;  // all points coincide -> 0, as sklearn's nan_to_num
  }
  return s;
}

absl::StatusOr<double> Silhouette(const Eigen::MatrixXd& X, const std::vector<int>& labels) {
  absl::StatusOr<std::vector<double>> samples = SilhouetteSamples(X, labels);
  if (!samples.ok()) return samples.status();
  return std::accumulate(samples->begin(), samples->end(), 0.0) /
         static_cast<double>(samples->size());
}

absl::StatusOr<double> SilhouetteSampled(const Eigen::MatrixXd& X, const std::vector<int>& labels,
                                         int64_t sample_size, uint64_t seed) {
  const Eigen::Index n = X.rows();
  if (static_cast<Eigen::Index>(labels.size()) != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("SilhouetteSampled: ", n, " points but ", labels.size(), " labels"));
  }
  if (sample_size < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("SilhouetteSampled: sample_size must be >= 2, got ", sample_size));
  }
  if (sample_size >= n) return Silhouette(X, labels);

  // Partial Fisher-Yates: the first sample_size entries of `order` are the sample.
  std::vector<Eigen::Index> order(n);
  std::iota(order.begin(), order.end(), 0);
  ClusteringRng rng(seed);
  for (int64_t i = 0; i < sample_size; ++i) {
    const auto j = static_cast<Eigen::Index>(i + rng.Below(static_cast<uint64_t>(n - i)));
    std::swap(order[i], order[j]);
  }
  Eigen::MatrixXd sample(sample_size, X.cols());
  std::vector<int> sample_labels(sample_size);
  for (int64_t i = 0; i < sample_size; ++i) {
    sample.row(i) = X.row(order[i]);
    sample_labels[i] = labels[order[i]];
  }
  return Silhouette(sample, sample_labels);
}

}  // namespace clientele::analytics
