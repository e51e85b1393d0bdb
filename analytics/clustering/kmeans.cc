#include "analytics/clustering/kmeans.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "analytics/clustering/internal/parallel.h"
#include "analytics/clustering/random.h"

namespace clientele::analytics {
namespace {

using internal::ParallelChunks;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Rows per chunk: the unit of parallel work and of the ordered reductions. Fixed, so results do
// not depend on the thread count.
constexpr Eigen::Index kChunkRows = 16384;
// Rows per matrix product inside a chunk: bounds the block x k temporary.
constexpr Eigen::Index kBlockRows = 256;

// The points in the two precisions the algorithm uses. Centred by the caller.
struct Points {
  explicit Points(RowMatrix centered)
      : x(std::move(centered)),
        xf(x.cast<float>()),
        xf_sq(xf.rowwise().squaredNorm()),
        n(x.rows()),
        d(x.cols()) {}
  Eigen::Index chunks() const { return (n + kChunkRows - 1) / kChunkRows; }
  Eigen::Index ChunkBegin(Eigen::Index c) const { return c * kChunkRows; }
  Eigen::Index ChunkEnd(Eigen::Index c) const { return std::min(n, (c + 1) * kChunkRows); }

  RowMatrix x;
  RowMatrixF xf;
  Eigen::VectorXf xf_sq;  // Squared norms of the rows of xf.
  Eigen::Index n;
  Eigen::Index d;
};

// Per-chunk results of an assignment, reduced in chunk order.
struct ChunkTotals {
  RowMatrix sums;               // k x d, sum of the chunk's points per label.
  std::vector<int64_t> counts;  // k.
  double inertia = 0.0;
};

// Assigns every point to its nearest centre (float products, exact double distance to the chosen
// one) and, when `totals` is set, sums the points per label. labels/min_dist have n entries.
void AssignStep(const Points& p, const RowMatrix& centers, int threads, std::vector<int>& labels,
                Eigen::VectorXd& min_dist, std::vector<ChunkTotals>* totals) {
  const Eigen::Index k = centers.rows();
  const Eigen::Index d = p.d;
  const Eigen::MatrixXf cf_t = centers.cast<float>().transpose();  // d x k, column per centre
  const Eigen::VectorXf cf_sq = cf_t.colwise().squaredNorm().transpose();
  if (totals != nullptr) totals->resize(static_cast<size_t>(p.chunks()));
  ParallelChunks(p.chunks(), threads, [&](int64_t chunk) {
    RowMatrixF dots;
    ChunkTotals* t = totals != nullptr ? &(*totals)[static_cast<size_t>(chunk)] : nullptr;
    if (t != nullptr) {
      t->sums.setZero(k, d);
      t->counts.assign(static_cast<size_t>(k), 0);
      t->inertia = 0.0;
    }
    const Eigen::Index end = p.ChunkEnd(chunk);
    for (Eigen::Index b = p.ChunkBegin(chunk); b < end; b += kBlockRows) {
      const Eigen::Index rows = std::min(kBlockRows, end - b);
      dots.noalias() = p.xf.middleRows(b, rows) * cf_t;
      for (Eigen::Index i = 0; i < rows; ++i) {
        const Eigen::Index r = b + i;
        Eigen::Index best = 0;
        const float* row = dots.data() + i * k;
        float best_d = cf_sq(0) - 2.0f * row[0];
        for (Eigen::Index c = 1; c < k; ++c) {
          const float dc = cf_sq(c) - 2.0f * row[c];
          if (dc < best_d) {
            best_d = dc;
            best = c;
          }
        }
        labels[r] = static_cast<int>(best);
        const double* x = p.x.data() + r * d;
        const double* center = centers.data() + best * d;
        double dist = 0.0;
        for (Eigen::Index dim = 0; dim < d; ++dim) {
          const double diff = x[dim] - center[dim];
          dist += diff * diff;
        }
        min_dist(r) = dist;
        if (t != nullptr) {
          double* sum = t->sums.data() + best * d;
          for (Eigen::Index dim = 0; dim < d; ++dim) sum[dim] += x[dim];
          ++t->counts[best];
          t->inertia += dist;
        }
      }
    }
  });
}

// Exact double assignment (AssignToNearest): ||x||^2 - 2 x.c + ||c||^2, ties to the lowest index.
void AssignExact(const RowMatrix& X, const RowMatrix& centers, int threads,
                 std::vector<int>& labels, Eigen::VectorXd& min_dist) {
  const Eigen::Index n = X.rows();
  const Eigen::RowVectorXd c_sq = centers.rowwise().squaredNorm().transpose();
  const Eigen::Index chunks = (n + kChunkRows - 1) / kChunkRows;
  ParallelChunks(chunks, threads, [&](int64_t chunk) {
    Eigen::MatrixXd dist;
    const Eigen::Index end = std::min(n, (chunk + 1) * kChunkRows);
    for (Eigen::Index b = chunk * kChunkRows; b < end; b += kBlockRows) {
      const Eigen::Index rows = std::min(kBlockRows, end - b);
      dist.noalias() = X.middleRows(b, rows) * centers.transpose();
      for (Eigen::Index i = 0; i < rows; ++i) {
        const double x_sq = X.row(b + i).squaredNorm();
        Eigen::Index best = 0;
        double best_d = std::numeric_limits<double>::infinity();
        for (Eigen::Index c = 0; c < centers.rows(); ++c) {
          const double d = x_sq - 2.0 * dist(i, c) + c_sq(c);
          if (d < best_d) {
            best_d = d;
            best = c;
          }
        }
        labels[b + i] = static_cast<int>(best);
        min_dist(b + i) = (X.row(b + i) - centers.row(best)).squaredNorm();
      }
    }
  });
}

// Squared distances (float products, clamped at 0) from every point to each candidate row of
// `cands` (t x d) into out (n x t); the candidates' own rows get exactly 0. Returns, per
// candidate, sum_x min(closest(x), d(x, candidate)) reduced in chunk order.
std::vector<double> CandidateDistances(const Points& p, const RowMatrix& cands,
                                       const std::vector<Eigen::Index>& ids,
                                       const Eigen::VectorXd& closest, int threads,
                                       Eigen::MatrixXf& out) {
  const Eigen::Index t = cands.rows();
  const Eigen::MatrixXf cf_t = cands.cast<float>().transpose();
  const Eigen::VectorXf cf_sq = cf_t.colwise().squaredNorm().transpose();
  out.resize(p.n, t);
  std::vector<double> partial(static_cast<size_t>(p.chunks() * t), 0.0);
  ParallelChunks(p.chunks(), threads, [&](int64_t chunk) {
    const Eigen::Index begin = p.ChunkBegin(chunk);
    const Eigen::Index rows = p.ChunkEnd(chunk) - begin;
    auto block = out.middleRows(begin, rows);
    block.noalias() = p.xf.middleRows(begin, rows) * cf_t;
    const auto x_sq = p.xf_sq.segment(begin, rows).array();
    for (Eigen::Index c = 0; c < t; ++c) {
      auto col = block.col(c).array();
      col = (x_sq - 2.0f * col + cf_sq(c)).cwiseMax(0.0f);
      if (ids[c] >= begin && ids[c] < begin + rows) col(ids[c] - begin) = 0.0f;
      // Eigen's reduction is vectorized, in a fixed order for a given length.
      partial[static_cast<size_t>(chunk * t + c)] =
          col.matrix().cast<double>().cwiseMin(closest.segment(begin, rows)).sum();
    }
  });
  std::vector<double> potential(static_cast<size_t>(t), 0.0);
  for (Eigen::Index chunk = 0; chunk < p.chunks(); ++chunk) {
    for (Eigen::Index c = 0; c < t; ++c) potential[c] += partial[chunk * t + c];
  }
  return potential;
}

// Greedy k-means++ (sklearn's _kmeans_plusplus): returns k x d centres taken from the rows.
// Buffers reused across the runs of one KMeans call (fresh pages are slow to fault in).
struct Workspace {
  // Seeding.
  Eigen::MatrixXf dist;  // n x trials, one contiguous column per candidate
  Eigen::VectorXd closest;
  std::vector<double> cumulative;
  // Lloyd.
  std::vector<int> previous;
  Eigen::VectorXd min_dist;
  std::vector<ChunkTotals> totals;
  std::vector<int> spare_labels;
};

RowMatrix KMeansPlusPlus(const Points& p, int k, int threads, ClusteringRng& rng, Workspace& ws) {
  const Eigen::Index n = p.n;
  RowMatrix centers(k, p.d);
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));

  const auto first = static_cast<Eigen::Index>(rng.Below(static_cast<uint64_t>(n)));
  centers.row(0) = p.x.row(first);
  Eigen::MatrixXf& dist = ws.dist;
  Eigen::VectorXd& closest = ws.closest;
  closest.setConstant(n, std::numeric_limits<double>::infinity());
  double potential = CandidateDistances(p, centers.topRows(1), {first}, closest, threads, dist)[0];
  closest = dist.col(0).cast<double>();

  std::vector<double>& cumulative = ws.cumulative;
  cumulative.resize(n);
  std::vector<Eigen::Index> ids(trials);
  RowMatrix cands(trials, p.d);
  for (int c = 1; c < k; ++c) {
    std::partial_sum(closest.data(), closest.data() + n, cumulative.begin());
    for (int t = 0; t < trials; ++t) {
      const double target = rng.Uniform() * potential;
      // np.searchsorted(cumsum, target) with side="left", clipped to n - 1.
      Eigen::Index id =
          std::lower_bound(cumulative.begin(), cumulative.end(), target) - cumulative.begin();
      ids[t] = std::min(id, n - 1);
      cands.row(t) = p.x.row(ids[t]);
    }
    const std::vector<double> potentials =
        CandidateDistances(p, cands, ids, closest, threads, dist);
    int best = 0;
    for (int t = 1; t < trials; ++t) {
      if (potentials[t] < potentials[best]) best = t;  // strict: first candidate wins ties
    }
    centers.row(c) = cands.row(best);
    closest = closest.cwiseMin(dist.col(best).cast<double>());
    potential = potentials[best];
  }
  return centers;
}

struct RunResult {
  RowMatrix centers;
  std::vector<int> labels;
  double inertia = 0.0;
  int iterations = 0;
};

RunResult LloydRun(const Points& p, RowMatrix centers, const KMeansOptions& options, double tol,
                   Workspace& ws) {
  const Eigen::Index n = p.n;
  const int k = options.k;
  std::vector<int> labels = std::move(ws.spare_labels);
  labels.assign(n, -1);
  std::vector<int>& previous = ws.previous;
  previous.assign(n, -1);
  Eigen::VectorXd& min_dist = ws.min_dist;
  min_dist.resize(n);
  std::vector<ChunkTotals>& totals = ws.totals;
  RowMatrix sums(k, p.d);
  std::vector<int64_t> counts(k);
  std::vector<Eigen::Index> by_distance;

  int iterations = 0;
  bool assigned_to_current = false;  // labels/min_dist belong to `centers`.
  for (int it = 0; it < options.max_iter; ++it) {
    AssignStep(p, centers, options.threads, labels, min_dist, &totals);
    assigned_to_current = true;
    ++iterations;
    if (labels == previous) break;  // Strict convergence: centres would not move.

    sums.setZero();
    std::fill(counts.begin(), counts.end(), 0);
    for (const ChunkTotals& t : totals) {
      sums += t.sums;
      for (int c = 0; c < k; ++c) counts[c] += t.counts[c];
    }
    // Empty clusters take the points farthest from their current centres.
    if (std::find(counts.begin(), counts.end(), 0) != counts.end()) {
      by_distance.resize(n);
      std::iota(by_distance.begin(), by_distance.end(), 0);
      std::stable_sort(by_distance.begin(), by_distance.end(),
                       [&](Eigen::Index a, Eigen::Index b) { return min_dist(a) > min_dist(b); });
      size_t next = 0;
      for (int c = 0; c < k; ++c) {
        if (counts[c] != 0) continue;
        const Eigen::Index far = by_distance[next++];
        sums.row(labels[far]) -= p.x.row(far);
        --counts[labels[far]];
        labels[far] = c;
        sums.row(c) = p.x.row(far);
        counts[c] = 1;
      }
    }
    RowMatrix updated(k, p.d);
    for (int c = 0; c < k; ++c) {
      // A donor cluster emptied by relocation keeps its old centre.
      updated.row(c) = counts[c] > 0 ? RowMatrix(sums.row(c) / static_cast<double>(counts[c]))
                                     : RowMatrix(centers.row(c));
    }
    const double shift = (updated - centers).squaredNorm();
    centers.swap(updated);
    previous.swap(labels);
    assigned_to_current = false;
    if (shift <= tol) break;
  }
  // Labels and inertia against the final centres.
  if (!assigned_to_current) AssignStep(p, centers, options.threads, labels, min_dist, nullptr);
  RunResult run;
  run.centers = std::move(centers);
  run.labels = std::move(labels);
  run.inertia = min_dist.sum();
  run.iterations = iterations;
  return run;
}

absl::Status ValidateData(const Eigen::MatrixXd& X, int k, std::string_view what) {
  const absl::string_view name(what.data(), what.size());
  if (X.rows() == 0 || X.cols() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": empty input (", X.rows(), "x", X.cols(), ")"));
  }
  if (!X.allFinite())
    return absl::InvalidArgumentError(absl::StrCat(name, ": input holds NaN or infinity"));
  if (k < 1 || k > X.rows()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": k must be in [1, ", X.rows(), "], got ", k));
  }
  return absl::OkStatus();
}

absl::Status Validate(const Eigen::MatrixXd& X, const KMeansOptions& options) {
  if (absl::Status s = ValidateData(X, options.k, "KMeans"); !s.ok()) return s;
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
  const Points points(RowMatrix(X.rowwise() - mean));
  const double mean_variance =
      points.x.array().square().colwise().mean().mean();  // mean(var(X, axis=0)), ddof = 0
  const double tol = options.tol * mean_variance;

  ClusteringRng master(options.seed);
  Workspace ws;
  RunResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  const bool given_init = options.initial_centroids.size() != 0;
  const int runs = given_init ? 1 : options.n_init;
  for (int run = 0; run < runs; ++run) {
    ClusteringRng rng(master.NextU64());
    RowMatrix init = given_init ? RowMatrix(options.initial_centroids.rowwise() - mean)
                                : KMeansPlusPlus(points, options.k, options.threads, rng, ws);
    RunResult result = LloydRun(points, std::move(init), options, tol, ws);
    if (run == 0 || result.inertia < best.inertia) std::swap(best, result);
    ws.spare_labels = std::move(result.labels);  // The loser's labels: reused next run.
  }

  KMeansResult out;
  out.centroids = best.centers.rowwise() + mean;
  out.labels = std::move(best.labels);
  out.inertia = best.inertia;
  out.iterations = best.iterations;
  return out;
}

absl::StatusOr<NearestCentroids> AssignToNearestCentroids(const Eigen::MatrixXd& X,
                                                          const Eigen::MatrixXd& centroids,
                                                          int threads) {
  if (centroids.rows() == 0) return absl::InvalidArgumentError("AssignToNearest: no centroids");
  if (X.cols() != centroids.cols()) {
    return absl::InvalidArgumentError(absl::StrCat("AssignToNearest: X has ", X.cols(),
                                                   " columns, centroids have ", centroids.cols()));
  }
  if (threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("AssignToNearest: threads must be >= 1, got ", threads));
  }
  const RowMatrix points = X;
  const RowMatrix centers = centroids;
  NearestCentroids out;
  out.labels.resize(points.rows());
  out.squared_distances.resize(points.rows());
  AssignExact(points, centers, threads, out.labels, out.squared_distances);
  out.inertia = out.squared_distances.sum();
  return out;
}

absl::StatusOr<std::vector<int>> AssignToNearest(const Eigen::MatrixXd& X,
                                                 const Eigen::MatrixXd& centroids) {
  absl::StatusOr<NearestCentroids> nearest = AssignToNearestCentroids(X, centroids, 1);
  if (!nearest.ok()) return nearest.status();
  return std::move(nearest->labels);
}

absl::StatusOr<Eigen::MatrixXd> KMeansPlusPlusSeeds(const Eigen::MatrixXd& X, int k, uint64_t seed,
                                                    int threads) {
  if (absl::Status s = ValidateData(X, k, "KMeansPlusPlusSeeds"); !s.ok()) return s;
  if (threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("KMeansPlusPlusSeeds: threads must be >= 1, got ", threads));
  }
  const Eigen::RowVectorXd mean = X.colwise().mean();
  const Points points(RowMatrix(X.rowwise() - mean));
  ClusteringRng rng(seed);
  Workspace ws;
  const RowMatrix centers = KMeansPlusPlus(points, k, threads, rng, ws);
  return Eigen::MatrixXd(centers.rowwise() + mean);
}

}  // namespace clientele::analytics
