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

  // Points grouped by cluster (sorted position p holds original point order[p]), one dimension
  // per contiguous column, so that distance loops run over points with unit stride.
  const Eigen::Index d = X.cols();
  Eigen::MatrixXd by_cluster(n, d);
  std::vector<Eigen::Index> order(n);
  std::vector<Eigen::Index> sorted_cluster(n);
  {
    std::vector<Eigen::Index> next(start.begin(), start.end() - 1);
    for (Eigen::Index i = 0; i < n; ++i) {
      const Eigen::Index p = next[cluster[i]]++;
      by_cluster.row(p) = X.row(i);
      order[p] = i;
      sorted_cluster[p] = cluster[i];
    }
  }

  // Each distance is computed once, for the pair of tiles (I, J) with I <= J, and added to both
  // points' per-cluster sums. Tile I belongs to stripe I % kStripes, which owns an n x k
  // accumulator; stripes run on the threads and are reduced in stripe order, so every sum is
  // formed in an order that does not depend on the thread count.
  constexpr Eigen::Index kTile = 64;
  constexpr int64_t kStripes = 8;
  const Eigen::Index tiles = (n + kTile - 1) / kTile;
  std::vector<Eigen::MatrixXd> acc(kStripes);  // k x n each: acc[s](c, p).
  internal::ParallelChunks(kStripes, threads, [&](int64_t stripe) {
    Eigen::MatrixXd& sums = acc[stripe];
    sums.setZero(k, n);
    double dist[kTile];
    double column[kTile];  // Contributions to tile J's points from a run of same-cluster rows.
    for (Eigen::Index ti = stripe; ti < tiles; ti += kStripes) {
      const Eigen::Index i0 = ti * kTile;
      const Eigen::Index i1 = std::min(n, i0 + kTile);
      for (Eigen::Index tj = ti; tj < tiles; ++tj) {
        const Eigen::Index j0 = tj * kTile;
        const Eigen::Index len = std::min(n, j0 + kTile) - j0;
        const bool diagonal = tj == ti;
        std::fill(column, column + len, 0.0);
        Eigen::Index column_cluster = sorted_cluster[i0];
        for (Eigen::Index i = i0; i < i1; ++i) {
          std::fill(dist, dist + len, 0.0);
          for (Eigen::Index t = 0; t < d; ++t) {
            const double* col = by_cluster.col(t).data() + j0;
            const double xt = by_cluster(i, t);
            for (Eigen::Index j = 0; j < len; ++j) {
              const double diff = col[j] - xt;
              dist[j] += diff * diff;
            }
          }
          // Eigen's packet sqrt (std::sqrt in a loop does not vectorize: errno).
          Eigen::Map<Eigen::ArrayXd> dmap(dist, len);
          dmap = dmap.sqrt();
          // Row sums, per run of equal clusters in tile J.
          for (Eigen::Index a = 0; a < len;) {
            Eigen::Index b = a + 1;
            while (b < len && sorted_cluster[j0 + b] == sorted_cluster[j0 + a]) ++b;
            sums(sorted_cluster[j0 + a], i) += dmap.segment(a, b - a).sum();
            a = b;
          }
          if (diagonal) continue;  // Pair (j, i) is computed with row j.
          if (sorted_cluster[i] != column_cluster) {
            for (Eigen::Index j = 0; j < len; ++j) sums(column_cluster, j0 + j) += column[j];
            std::fill(column, column + len, 0.0);
            column_cluster = sorted_cluster[i];
          }
          for (Eigen::Index j = 0; j < len; ++j) column[j] += dist[j];
        }
        if (!diagonal) {
          for (Eigen::Index j = 0; j < len; ++j) sums(column_cluster, j0 + j) += column[j];
        }
      }
    }
  });

  std::vector<double> s(n);
  Eigen::VectorXd sums(k);
  for (Eigen::Index p = 0; p < n; ++p) {
    sums = acc[0].col(p);
    for (int64_t stripe = 1; stripe < kStripes; ++stripe) sums += acc[stripe].col(p);
    const Eigen::Index own = sorted_cluster[p];
    const double own_size = static_cast<double>(start[own + 1] - start[own]);
    if (own_size <= 1.0) {
      s[order[p]] = 0.0;
      continue;
    }
    const double a = sums(own) / (own_size - 1.0);
    double b = std::numeric_limits<double>::infinity();
    for (Eigen::Index c = 0; c < k; ++c) {
      if (c != own) b = std::min(b, sums(c) / static_cast<double>(start[c + 1] - start[c]));
    }
    const double denom = std::max(a, b);
    // All points coincide -> 0, as sklearn's nan_to_num.
    s[order[p]] = denom > 0.0 ? (b - a) / denom : 0.0;
  }
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
