#include "analytics/clustering/kmeans.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "analytics/clustering/random.h"

namespace clientele::analytics {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Rows per block in the assignment step: bounds the temporary block x k distance matrix.
constexpr Eigen::Index kBlockRows = 512;
// Below this many rows one thread does all the work; thread start-up would dominate.
constexpr Eigen::Index kMinRowsPerThread = 4096;

// Nearest-centre assignment. `labels` and `min_dist` (squared distance to the chosen centre,
// clamped at 0) must have X.rows() entries. Each row's result depends only on that row, so the
// output is the same for every thread count.
void Assign(const RowMatrix& X, const Eigen::VectorXd& x_sq, const RowMatrix& centers, int threads,
            std::vector<int>& labels, Eigen::VectorXd& min_dist) {
  const Eigen::Index n = X.rows();
  const Eigen::RowVectorXd c_sq = centers.rowwise().squaredNorm().transpose();
  auto work = [&](Eigen::Index begin, Eigen::Index end) {
    Eigen::MatrixXd dist;
    for (Eigen::Index b = begin; b < end; b += kBlockRows) {
      const Eigen::Index rows = std::min(kBlockRows, end - b);
      dist.noalias() = X.middleRows(b, rows) * centers.transpose();
      for (Eigen::Index i = 0; i < rows; ++i) {
        Eigen::Index best = 0;
        double best_d = std::numeric_limits<double>::infinity();
        for (Eigen::Index c = 0; c < centers.rows(); ++c) {
          const double d = x_sq(b + i) - 2.0 * dist(i, c) + c_sq(c);
          if (d < best_d) {
            best_d = d;
            best = c;
          }
        }
        labels[b + i] = static_cast<int>(best);
        min_dist(b + i) = std::max(best_d, 0.0);
      }
    }
  };
  const Eigen::Index workers =
      std::max<Eigen::Index>(1, std::min<Eigen::Index>(threads, n / kMinRowsPerThread));
  if (workers == 1) {
    work(0, n);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  const Eigen::Index chunk = (n + workers - 1) / workers;
  for (Eigen::Index w = 1; w < workers; ++w) {
    const Eigen::Index begin = std::min(n, w * chunk);
    const Eigen::Index end = std::min(n, begin + chunk);
    pool.emplace_back(work, begin, end);
  }
  work(0, std::min(n, chunk));
  for (std::thread& t : pool) t.join();
}

// Greedy k-means++ (sklearn's _kmeans_plusplus): returns k x d centres taken from the rows of X.
RowMatrix KMeansPlusPlus(const RowMatrix& X, int k, ClusteringRng& rng) {
  const Eigen::Index n = X.rows();
  RowMatrix centers(k, X.cols());
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));

  const Eigen::Index first = static_cast<Eigen::Index>(rng.Below(static_cast<uint64_t>(n)));
  centers.row(0) = X.row(first);
  Eigen::VectorXd closest = (X.rowwise() - X.row(first)).rowwise().squaredNorm();
  double potential = closest.sum();

  std::vector<double> cumulative(n);
  Eigen::VectorXd candidate_dist(n);
  Eigen::VectorXd best_dist(n);
  for (int c = 1; c < k; ++c) {
    std::partial_sum(closest.data(), closest.data() + n, cumulative.begin());
    Eigen::Index best_candidate = -1;
    double best_potential = std::numeric_limits<double>::infinity();
    for (int t = 0; t < trials; ++t) {
      const double target = rng.Uniform() * potential;
      // np.searchsorted(cumsum, target) with side="left", clipped to n - 1.
      Eigen::Index id =
          std::lower_bound(cumulative.begin(), cumulative.end(), target) - cumulative.begin();
      id = std::min(id, n - 1);
      candidate_dist = (X.rowwise() - X.row(id)).rowwise().squaredNorm().cwiseMin(closest);
      const double candidate_potential = candidate_dist.sum();
      if (candidate_potential < best_potential) {  // strict: first candidate wins ties
        best_potential = candidate_potential;
        best_candidate = id;
        best_dist.swap(candidate_dist);
      }
    }
    centers.row(c) = X.row(best_candidate);
    closest.swap(best_dist);
    potential = best_potential;
  }
  return centers;
}

struct RunResult {
  RowMatrix centers;
  std::vector<int> labels;
  double inertia = 0.0;
  int iterations = 0;
};

RunResult LloydRun(const RowMatrix& X, const Eigen::VectorXd& x_sq, RowMatrix centers,
                   const KMeansOptions& options, double tol) {
  const Eigen::Index n = X.rows();
  const int k = options.k;
  std::vector<int> labels(n, -1);
  std::vector<int> previous(n, -1);
  Eigen::VectorXd min_dist(n);
  RowMatrix sums(k, X.cols());
  std::vector<int64_t> counts(k);
  std::vector<Eigen::Index> by_distance(n);

  int iterations = 0;
  for (int it = 0; it < options.max_iter; ++it) {
    Assign(X, x_sq, centers, options.threads, labels, min_dist);
    ++iterations;
    if (labels == previous) break;  // Strict convergence: centres would not move.

    sums.setZero();
    std::fill(counts.begin(), counts.end(), 0);
    for (Eigen::Index i = 0; i < n; ++i) {
      sums.row(labels[i]) += X.row(i);
      ++counts[labels[i]];
    }
    // Empty clusters take the points farthest from their current centres.
    if (std::find(counts.begin(), counts.end(), 0) != counts.end()) {
      std::iota(by_distance.begin(), by_distance.end(), 0);
      std::stable_sort(by_distance.begin(), by_distance.end(),
                       [&](Eigen::Index a, Eigen::Index b) { return min_dist(a) > min_dist(b); });
      size_t next = 0;
      for (int c = 0; c < k; ++c) {
        if (counts[c] != 0) continue;
        const Eigen::Index far = by_distance[next++];
        sums.row(labels[far]) -= X.row(far);
        --counts[labels[far]];
        labels[far] = c;
        sums.row(c) = X.row(far);
        counts[c] = 1;
      }
    }
    RowMatrix updated(k, X.cols());
    for (int c = 0; c < k; ++c) {
      // A donor cluster emptied by relocation keeps its old centre.
      updated.row(c) = counts[c] > 0 ? RowMatrix(sums.row(c) / static_cast<double>(counts[c]))
                                     : RowMatrix(centers.row(c));
    }
    const double shift = (updated - centers).squaredNorm();
    centers.swap(updated);
    previous.swap(labels);
    if (shift <= tol) break;
  }
  // Labels and inertia against the final centres.
  Assign(X, x_sq, centers, options.threads, labels, min_dist);
  RunResult run;
  run.centers = std::move(centers);
  run.labels = std::move(labels);
  run.inertia = min_dist.sum();
  run.iterations = iterations;
  return run;
}

absl::Status Validate(const Eigen::MatrixXd& X, const KMeansOptions& options) {
  if (X.rows() == 0 || X.cols() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("KMeans: empty input (", X.rows(), "x", X.cols(), ")"));
  }
  if (!X.allFinite()) return absl::InvalidArgumentError("KMeans: input holds NaN or infinity");
  if (options.k < 1 || options.k > X.rows()) {
    return absl::InvalidArgumentError(
        absl::StrCat("KMeans: k must be in [1, ", X.rows(), "], got ", options.k));
  }
  if (options.n_init < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("KMeans: n_init must be >= 1, got ", options.n_init));
  }
  if (options.max_iter < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("KMeans: max_iter must be >= 1, got ", options.max_iter));
  }
  if (!(options.tol >= 0.0) || !std::isfinite(options.tol)) {
    return absl::InvalidArgumentError(absl::StrCat("KMeans: tol must be >= 0, got ", options.tol));
  }
  if (options.threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("KMeans: threads must be >= 1, got ", options.threads));
  }
  const Eigen::MatrixXd& init = options.initial_centroids;
  if (init.size() != 0 &&
      (init.rows() != options.k || init.cols() != X.cols() || !init.allFinite())) {
    return absl::InvalidArgumentError(absl::StrCat("KMeans: initial_centroids must be finite and ",
                                                   options.k, "x", X.cols(), ", got ", init.rows(),
                                                   "x", init.cols()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<KMeansResult> KMeans(const Eigen::MatrixXd& X, const KMeansOptions& options) {
  if (absl::Status s = Validate(X, options); !s.ok()) return s;

  const Eigen::RowVectorXd mean = X.colwise().mean();
  const RowMatrix centered = X.rowwise() - mean;
  const Eigen::VectorXd x_sq = centered.rowwise().squaredNorm();
  const double mean_variance =
      centered.array().square().colwise().mean().mean();  // mean(var(X, axis=0)), ddof = 0
  const double tol = options.tol * mean_variance;

  ClusteringRng master(options.seed);
  RunResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  const bool given_init = options.initial_centroids.size() != 0;
  const int runs = given_init ? 1 : options.n_init;
  for (int run = 0; run < runs; ++run) {
    ClusteringRng rng(master.NextU64());
    RowMatrix init = given_init ? RowMatrix(options.initial_centroids.rowwise() - mean)
                                : KMeansPlusPlus(centered, options.k, rng);
    RunResult result = LloydRun(centered, x_sq, std::move(init), options, tol);
    if (run == 0 || result.inertia < best.inertia) best = std::move(result);
  }

  KMeansResult out;
  out.centroids = best.centers.rowwise() + mean;
  out.labels = std::move(best.labels);
  out.inertia = best.inertia;
  out.iterations = best.iterations;
  return out;
}

absl::StatusOr<std::vector<int>> AssignToNearest(const Eigen::MatrixXd& X,
                                                 const Eigen::MatrixXd& centroids) {
  if (centroids.rows() == 0) return absl::InvalidArgumentError("AssignToNearest: no centroids");
  if (X.cols() != centroids.cols()) {
    return absl::InvalidArgumentError(absl::StrCat("AssignToNearest: X has ", X.cols(),
                                                   " columns, centroids have ", centroids.cols()));
  }
  const RowMatrix points = X;
  const RowMatrix centers = centroids;
  std::vector<int> labels(points.rows());
  Eigen::VectorXd min_dist(points.rows());
  Assign(points, points.rowwise().squaredNorm(), centers, 1, labels, min_dist);
  return labels;
}

}  // namespace clientele::analytics
