#include "analytics/clustering/minibatch_kmeans.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "analytics/clustering/random.h"

namespace clientele::analytics {
namespace {

absl::Status Validate(const Eigen::MatrixXd& X, const MiniBatchKMeansOptions& o) {
  if (X.rows() == 0 || X.cols() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("MiniBatchKMeans: empty input (", X.rows(), "x", X.cols(), ")"));
  }
  if (!X.allFinite()) {
    return absl::InvalidArgumentError("MiniBatchKMeans: input holds NaN or infinity");
  }
  const auto bad = [](std::string_view name, auto value) {
    return absl::InvalidArgumentError(
        absl::StrCat("MiniBatchKMeans: ", absl::string_view(name.data(), name.size()),
                     " out of range: ", value));
  };
  if (o.k < 1 || o.k > X.rows()) return bad("k", o.k);
  if (o.batch_size < 1) return bad("batch_size", o.batch_size);
  if (o.max_iter < 1) return bad("max_iter", o.max_iter);
  if (o.max_no_improvement < 1) return bad("max_no_improvement", o.max_no_improvement);
  if (!(o.tol >= 0.0) || !std::isfinite(o.tol)) return bad("tol", o.tol);
  if (o.n_init < 1) return bad("n_init", o.n_init);
  if (o.init_size < 0) return bad("init_size", o.init_size);
  if (o.threads < 1) return bad("threads", o.threads);
  return absl::OkStatus();
}

Eigen::MatrixXd Sample(const Eigen::MatrixXd& X, Eigen::Index rows, ClusteringRng& rng) {
  Eigen::MatrixXd out(rows, X.cols());
  for (Eigen::Index i = 0; i < rows; ++i) {
    out.row(i) = X.row(static_cast<Eigen::Index>(rng.Below(static_cast<uint64_t>(X.rows()))));
  }
  return out;
}

}  // namespace

absl::StatusOr<KMeansResult> MiniBatchKMeans(const Eigen::MatrixXd& X,
                                             const MiniBatchKMeansOptions& options) {
  if (absl::Status s = Validate(X, options); !s.ok()) return s;
  const Eigen::Index n = X.rows();
  const Eigen::Index d = X.cols();
  const int k = options.k;
  ClusteringRng rng(options.seed);

  // Seeding: the best of n_init k-means++ runs on samples.
  Eigen::Index init_size = options.init_size > 0
                               ? options.init_size
                               : std::max<Eigen::Index>(3 * Eigen::Index{options.batch_size}, k);
  init_size = std::min(init_size, n);
  init_size = std::max<Eigen::Index>(init_size, k);
  Eigen::MatrixXd centers;
  double best_inertia = std::numeric_limits<double>::infinity();
  for (int run = 0; run < options.n_init; ++run) {
    const Eigen::MatrixXd sample = Sample(X, init_size, rng);
    absl::StatusOr<Eigen::MatrixXd> seeds = KMeansPlusPlusSeeds(sample, k, rng.NextU64(), 1);
    if (!seeds.ok()) return seeds.status();
    absl::StatusOr<NearestCentroids> fit = AssignToNearestCentroids(sample, *seeds, 1);
    if (!fit.ok()) return fit.status();
    if (fit->inertia < best_inertia) {
      best_inertia = fit->inertia;
      centers = *std::move(seeds);
    }
  }

  double mean_variance = 0.0;
  for (Eigen::Index j = 0; j < d; ++j) {
    mean_variance += (X.col(j).array() - X.col(j).mean()).square().mean();
  }
  const double tol = options.tol * mean_variance / static_cast<double>(d);

  const int64_t steps =
      std::max<int64_t>(1, static_cast<int64_t>(options.max_iter) * n / options.batch_size);
  const double alpha = std::min(1.0, 2.0 * options.batch_size / (static_cast<double>(n) + 1.0));
  std::vector<double> counts(k, 0.0);
  Eigen::MatrixXd sums(k, d);
  std::vector<double> batch_counts(k);
  double ewa = 0.0, best_ewa = std::numeric_limits<double>::infinity();
  int no_improvement = 0;
  int64_t step = 0;
  while (step < steps) {
    ++step;
    const Eigen::MatrixXd batch = Sample(X, options.batch_size, rng);
    absl::StatusOr<NearestCentroids> near = AssignToNearestCentroids(batch, centers, 1);
    if (!near.ok()) return near.status();
    sums.setZero();
    std::fill(batch_counts.begin(), batch_counts.end(), 0.0);
    for (Eigen::Index i = 0; i < batch.rows(); ++i) {
      sums.row(near->labels[i]) += batch.row(i);
      batch_counts[near->labels[i]] += 1.0;
    }
    double shift = 0.0;
    for (int c = 0; c < k; ++c) {
      if (batch_counts[c] == 0.0) continue;
      counts[c] += batch_counts[c];
      const Eigen::RowVectorXd moved =
          centers.row(c) + (sums.row(c) - batch_counts[c] * centers.row(c)) / counts[c];
      shift += (moved - centers.row(c)).squaredNorm();
      centers.row(c) = moved;
    }
    const double batch_inertia = near->inertia / static_cast<double>(batch.rows());
    ewa = step == 1 ? batch_inertia : ewa * (1.0 - alpha) + batch_inertia * alpha;
    if (tol > 0.0 && shift <= tol) break;
    if (ewa < best_ewa) {
      best_ewa = ewa;
      no_improvement = 0;
    } else if (++no_improvement >= options.max_no_improvement) {
      break;
    }
  }

  absl::StatusOr<NearestCentroids> final = AssignToNearestCentroids(X, centers, options.threads);
  if (!final.ok()) return final.status();
  KMeansResult out;
  out.centroids = std::move(centers);
  out.labels = std::move(final->labels);
  out.inertia = final->inertia;
  out.iterations = static_cast<int>(std::min<int64_t>(step, std::numeric_limits<int>::max()));
  return out;
}

}  // namespace clientele::analytics
