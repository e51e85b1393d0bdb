#include "analytics/clustering/silhouette.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "analytics/clustering/internal/parallel.h"
#include "analytics/clustering/random.h"

namespace clientele::analytics {

absl::StatusOr<std::vector<double>> SilhouetteSamples(const Eigen::MatrixXd& X,
                                                      const std::vector<int>& labels, int threads) {
  const Eigen::Index n = X.rows();
  if (static_cast<Eigen::Index>(labels.size()) != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("Silhouette: ", n, " points but ", labels.size(), " labels"));
  }
  if (!X.allFinite()) return absl::InvalidArgumentError("Silhouette: input holds NaN or infinity");
  if (threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("Silhouette: threads must be >= 1, got ", threads));
  }

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
  std::vector<Eigen::Index> start(k + 1, 0);  // Cluster c is [start[c], start[c + 1]) below.
  for (Eigen::Index i = 0; i < n; ++i) {
    cluster[i] = std::lower_bound(distinct.begin(), distinct.end(), labels[i]) - distinct.begin();
    ++start[cluster[i] + 1];
  }
  for (Eigen::Index c = 0; c < k; ++c) start[c + 1] += start[c];

  // Points grouped by cluster, one dimension per contiguous column, so that the distance loop
  // runs over points with unit stride (and vectorizes).
  const Eigen::Index d = X.cols();
  Eigen::MatrixXd by_cluster(n, d);
  {
    std::vector<Eigen::Index> next(start.begin(), start.end() - 1);
    for (Eigen::Index i = 0; i < n; ++i) by_cluster.row(next[cluster[i]]++) = X.row(i);
  }

  constexpr Eigen::Index kTile = 256;
  constexpr Eigen::Index kRowsPerChunk = 64;
  std::vector<double> s(n);
  const Eigen::Index chunks = (n + kRowsPerChunk - 1) / kRowsPerChunk;
  internal::ParallelChunks(chunks, threads, [&](int64_t chunk) {
    std::vector<double> sums(k);
    std::vector<double> x(d);
    double acc[kTile];
    const Eigen::Index end = std::min(n, (chunk + 1) * kRowsPerChunk);
    for (Eigen::Index i = chunk * kRowsPerChunk; i < end; ++i) {
      for (Eigen::Index t = 0; t < d; ++t) x[t] = X(i, t);
      for (Eigen::Index c = 0; c < k; ++c) {
        double sum = 0.0;
        for (Eigen::Index j0 = start[c]; j0 < start[c + 1]; j0 += kTile) {
          const Eigen::Index len = std::min(kTile, start[c + 1] - j0);
          std::fill(acc, acc + len, 0.0);
          for (Eigen::Index t = 0; t < d; ++t) {
            const double* col = by_cluster.col(t).data() + j0;
            const double xt = x[t];
            for (Eigen::Index j = 0; j < len; ++j) {
              const double diff = col[j] - xt;
              acc[j] += diff * diff;
            }
          }
          for (Eigen::Index j = 0; j < len; ++j) sum += std::sqrt(acc[j]);
        }
        sums[c] = sum;  // d(i, i) = 0 adds nothing.
      }
      const Eigen::Index own = cluster[i];
      const double own_size = static_cast<double>(start[own + 1] - start[own]);
      if (own_size <= 1.0) {
        s[i] = 0.0;
        continue;
      }
      const double a = sums[own] / (own_size - 1.0);
      double b = std::numeric_limits<double>::infinity();
      for (Eigen::Index c = 0; c < k; ++c) {
        if (c != own) b = std::min(b, sums[c] / static_cast<double>(start[c + 1] - start[c]));
      }
      const double denom = std::max(a, b);
      // All points coincide -> 0, as sklearn's nan_to_num.
      s[i] = denom > 0.0 ? (b - a) / denom : 0.0;
    }
  });
  return s;
}

absl::StatusOr<double> Silhouette(const Eigen::MatrixXd& X, const std::vector<int>& labels,
                                  int threads) {
  absl::StatusOr<std::vector<double>> samples = SilhouetteSamples(X, labels, threads);
  if (!samples.ok()) return samples.status();
  return std::accumulate(samples->begin(), samples->end(), 0.0) /
         static_cast<double>(samples->size());
}

absl::StatusOr<double> SilhouetteSampled(const Eigen::MatrixXd& X, const std::vector<int>& labels,
                                         int64_t sample_size, uint64_t seed, int threads) {
  const Eigen::Index n = X.rows();
  if (static_cast<Eigen::Index>(labels.size()) != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("SilhouetteSampled: ", n, " points but ", labels.size(), " labels"));
  }
  if (sample_size < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("SilhouetteSampled: sample_size must be >= 2, got ", sample_size));
  }
  if (sample_size >= n) return Silhouette(X, labels, threads);

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
  return Silhouette(sample, sample_labels, threads);
}

}  // namespace clientele::analytics
