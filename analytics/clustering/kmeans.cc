#include "analytics/clustering/kmeans.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "analytics/clustering/internal/distance_kernels.h"
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
// Rows per matrix product inside a chunk (AssignExact): bounds the block x k temporary.
constexpr Eigen::Index kBlockRows = 256;
// A run whose float inertia is within this relative distance of the best one gets its exact
// inertia computed before the best run is chosen (float sums err by ~1e-7 relative).
constexpr double kInertiaTieBand = 1e-5;

// The data in the two forms the algorithm uses, both centred (column means subtracted): the
// caller's column-major doubles, read for centre updates and exact inertia, and a float
// dimension-major copy for the distance kernels. Holds a reference to the caller's X.
struct Points {
  Points(const Eigen::MatrixXd& data, const Eigen::RowVectorXd& column_means)
      : X(data), mean(column_means), n(data.rows()), d(data.cols()), xt(d, n) {
    for (Eigen::Index j = 0; j < d; ++j) {
      xt.row(j) = (X.col(j).array() - mean(j)).cast<float>().matrix().transpose();
    }
  }
  Eigen::Index chunks() const { return (n + kChunkRows - 1) / kChunkRows; }
  Eigen::Index ChunkBegin(Eigen::Index c) const { return c * kChunkRows; }
  Eigen::Index ChunkEnd(Eigen::Index c) const { return std::min(n, (c + 1) * kChunkRows); }
  // Centred coordinate j of point i, in double.
  double At(Eigen::Index i, Eigen::Index j) const { return X(i, j) - mean(j); }
  Eigen::RowVectorXd Row(Eigen::Index i) const { return X.row(i) - mean; }

  const Eigen::MatrixXd& X;
  const Eigen::RowVectorXd mean;
  const Eigen::Index n;
  const Eigen::Index d;
  RowMatrixF xt;  // d x n
};

// Per-chunk results of an assignment, reduced in chunk order.
struct ChunkTotals {
  RowMatrix sums;               // k x d, sum of the chunk's centred points per label (double).
  std::vector<int64_t> counts;  // k.
  double float_inertia = 0.0;   // Sum of the chunk's float distances.
};

// Assigns every point to its nearest centre (float distances, see distance_kernels.h) and sums
// the points per label in double. labels/min_dist have n entries; min_dist gets the float
// squared distance to the chosen centre. totals gets one entry per chunk.
void AssignStep(const Points& p, const RowMatrix& centers, int threads, std::vector<int>& labels,
                std::vector<float>& min_dist, std::vector<ChunkTotals>& totals) {
  const Eigen::Index k = centers.rows();
  const Eigen::Index d = p.d;
  const RowMatrixF cf = centers.cast<float>();
  totals.resize(static_cast<size_t>(p.chunks()));
  ParallelChunks(p.chunks(), threads, [&](int64_t chunk) {
    const Eigen::Index begin = p.ChunkBegin(chunk);
    const Eigen::Index end = p.ChunkEnd(chunk);
    ChunkTotals& t = totals[static_cast<size_t>(chunk)];
    t.float_inertia = internal::NearestCenters(p.xt.data(), p.n, static_cast<int>(d), begin, end,
                                               cf.data(), static_cast<int>(k),
                                               labels.data() + begin, min_dist.data() + begin);
    t.sums.setZero(k, d);
    t.counts.assign(static_cast<size_t>(k), 0);
    // Row by row: d independent additions per point (a loop per dimension would chain the
    // additions of consecutive points with the same label).
    const double* X = p.X.data();
    const double* mean = p.mean.data();
    double* sums = t.sums.data();
    for (Eigen::Index r = begin; r < end; ++r) {
      const int label = labels[r];
      ++t.counts[label];
      double* sum = sums + label * d;
      for (Eigen::Index j = 0; j < d; ++j) sum[j] += X[j * p.n + r] - mean[j];
    }
  });
}

// Exact inertia of a labelling: squared distances to the assigned centres in double, from the
// caller's data, summed per chunk and reduced in chunk order.
double ExactInertia(const Points& p, const RowMatrix& centers, const std::vector<int>& labels,
                    int threads) {
  std::vector<double> partial(static_cast<size_t>(p.chunks()), 0.0);
  ParallelChunks(p.chunks(), threads, [&](int64_t chunk) {
    const Eigen::Index begin = p.ChunkBegin(chunk);
    const Eigen::Index end = p.ChunkEnd(chunk);
    std::vector<double> dist(static_cast<size_t>(end - begin), 0.0);
    for (Eigen::Index j = 0; j < p.d; ++j) {
      const double* column = p.X.data() + j * p.n;
      const double shift = p.mean(j);
      for (Eigen::Index r = begin; r < end; ++r) {
        const double diff = column[r] - shift - centers(labels[r], j);
        dist[r - begin] += diff * diff;
      }
    }
    double total = 0.0;
    for (double v : dist) total += v;
    partial[static_cast<size_t>(chunk)] = total;
  });
  double inertia = 0.0;
  for (double v : partial) inertia += v;
  return inertia;
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

// The k-means++ state of one run.
struct SeedingRun {
  ClusteringRng rng;
  RowMatrix centers;                // k x d, filled row by row
  RowMatrix candidates;             // trials x d
  std::vector<float> closest;       // n: squared float distance to the nearest chosen centre
  std::vector<double> chunk_sum;    // chunks: sum of closest per chunk
  std::vector<double> chunk_start;  // chunks + 1: prefix sums of chunk_sum
  double potential = 0.0;           // sum of closest, reduced in chunk order
  std::vector<double> candidate_potential;  // chunks x trials
};

// closest = min(closest, distance to centre row `row`) for every run, one pass over the data for
// all runs; then the per-run prefix sums and potential.
void AddCenter(const Points& p, std::vector<SeedingRun>& runs, int row, int threads) {
  std::vector<RowMatrixF> centers;
  for (const SeedingRun& run : runs) centers.emplace_back(run.centers.row(row).cast<float>());
  ParallelChunks(p.chunks(), threads, [&](int64_t chunk) {
    const Eigen::Index begin = p.ChunkBegin(chunk);
    for (size_t r = 0; r < runs.size(); ++r) {
      runs[r].chunk_sum[chunk] =
          internal::UpdateClosest(p.xt.data(), p.n, static_cast<int>(p.d), begin, p.ChunkEnd(chunk),
                                  centers[r].data(), runs[r].closest.data() + begin, row == 0);
    }
  });
  for (SeedingRun& run : runs) {
    run.chunk_start.assign(run.chunk_sum.size() + 1, 0.0);
    for (size_t c = 0; c < run.chunk_sum.size(); ++c) {
      run.chunk_start[c + 1] = run.chunk_start[c] + run.chunk_sum[c];
    }
    run.potential = run.chunk_start.back();
  }
}

// np.searchsorted(cumsum(closest), target, side="left") clipped to n - 1, where the cumulative
// sum restarts at every chunk from chunk_start[chunk] (the sum of the earlier chunks' totals):
// only the chunk holding the target is scanned.
Eigen::Index SearchCumulative(const Points& p, const SeedingRun& run, double target) {
  const auto found = std::lower_bound(run.chunk_start.begin() + 1, run.chunk_start.end(), target);
  for (Eigen::Index chunk = found - (run.chunk_start.begin() + 1); chunk < p.chunks(); ++chunk) {
    double running = run.chunk_start[static_cast<size_t>(chunk)];
    for (Eigen::Index i = p.ChunkBegin(chunk); i < p.ChunkEnd(chunk); ++i) {
      running += static_cast<double>(run.closest[i]);
      if (running >= target) return i;
    }
  }
  return p.n - 1;
}

// Greedy k-means++ (sklearn's _kmeans_plusplus) for several independent runs at once: each round
// makes one pass over the data for all runs. Returns k x d centres per run, taken from the rows;
// run r draws only from rngs[r], so its result does not depend on the other runs.
std::vector<RowMatrix> KMeansPlusPlus(const Points& p, int k, int threads,
                                      std::vector<ClusteringRng> rngs) {
  const Eigen::Index n = p.n;
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  std::vector<SeedingRun> runs;
  runs.reserve(rngs.size());
  for (ClusteringRng& rng : rngs) {
    SeedingRun run{std::move(rng)};
    run.centers.resize(k, p.d);
    run.candidates.resize(trials, p.d);
    run.closest.resize(static_cast<size_t>(n));
    run.chunk_sum.resize(static_cast<size_t>(p.chunks()));
    run.candidate_potential.resize(static_cast<size_t>(p.chunks() * trials));
    run.centers.row(0) = p.Row(static_cast<Eigen::Index>(run.rng.Below(static_cast<uint64_t>(n))));
    runs.push_back(std::move(run));
  }
  AddCenter(p, runs, 0, threads);

  for (int c = 1; c < k; ++c) {
    std::vector<RowMatrixF> candidates;
    for (SeedingRun& run : runs) {
      for (int t = 0; t < trials; ++t) {
        run.candidates.row(t) = p.Row(SearchCumulative(p, run, run.rng.Uniform() * run.potential));
      }
      candidates.emplace_back(run.candidates.cast<float>());
    }
    ParallelChunks(p.chunks(), threads, [&](int64_t chunk) {
      const Eigen::Index begin = p.ChunkBegin(chunk);
      for (size_t r = 0; r < runs.size(); ++r) {
        internal::CandidatePotentials(p.xt.data(), p.n, static_cast<int>(p.d), begin,
                                      p.ChunkEnd(chunk), candidates[r].data(), trials,
                                      runs[r].closest.data() + begin,
                                      runs[r].candidate_potential.data() + chunk * trials);
      }
    });
    for (SeedingRun& run : runs) {
      std::vector<double> potentials(static_cast<size_t>(trials), 0.0);
      for (Eigen::Index chunk = 0; chunk < p.chunks(); ++chunk) {
        for (int t = 0; t < trials; ++t)
          potentials[t] += run.candidate_potential[chunk * trials + t];
      }
      int best = 0;
      for (int t = 1; t < trials; ++t) {
        if (potentials[t] < potentials[best]) best = t;  // strict: first candidate wins ties
      }
      run.centers.row(c) = run.candidates.row(best);
    }
    AddCenter(p, runs, c, threads);
  }
  std::vector<RowMatrix> seeds;
  for (SeedingRun& run : runs) seeds.push_back(std::move(run.centers));
  return seeds;
}

// Buffers reused across the Lloyd runs of one KMeans call (fresh pages are slow to fault in).
struct Workspace {
  std::vector<int> previous;
  std::vector<float> min_dist;
  std::vector<ChunkTotals> totals;
  std::vector<int> spare_labels;
};

struct RunResult {
  RowMatrix centers;
  std::vector<int> labels;
  double float_inertia = 0.0;  // Sum of float distances: to rank runs.
  double inertia = -1.0;       // Exact; computed only for runs that may win.
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
  std::vector<float>& min_dist = ws.min_dist;
  min_dist.resize(n);
  std::vector<ChunkTotals>& totals = ws.totals;
  RowMatrix sums(k, p.d);
  std::vector<int64_t> counts(k);
  std::vector<Eigen::Index> by_distance;

  auto float_inertia = [&] {
    double total = 0.0;
    for (const ChunkTotals& t : totals) total += t.float_inertia;
    return total;
  };
  int iterations = 0;
  bool assigned_to_current = false;  // labels/min_dist/totals belong to `centers`.
  for (int it = 0; it < options.max_iter; ++it) {
    AssignStep(p, centers, options.threads, labels, min_dist, totals);
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
                       [&](Eigen::Index a, Eigen::Index b) { return min_dist[a] > min_dist[b]; });
      size_t next = 0;
      for (int c = 0; c < k; ++c) {
        if (counts[c] != 0) continue;
        const Eigen::Index far = by_distance[next++];
        const Eigen::RowVectorXd point = p.Row(far);
        sums.row(labels[far]) -= point;
        --counts[labels[far]];
        labels[far] = c;
        sums.row(c) = point;
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
  // Labels against the final centres.
  if (!assigned_to_current) AssignStep(p, centers, options.threads, labels, min_dist, totals);
  RunResult run;
  run.centers = std::move(centers);
  run.labels = std::move(labels);
  run.float_inertia = float_inertia();
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

  const Points points(X, X.colwise().mean());
  double mean_variance = 0.0;  // mean(var(X, axis=0)), ddof = 0
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    mean_variance += (X.col(j).array() - points.mean(j)).square().mean();
  }
  mean_variance /= static_cast<double>(X.cols());
  const double tol = options.tol * mean_variance;

  ClusteringRng master(options.seed);
  const bool given_init = options.initial_centroids.size() != 0;
  std::vector<RowMatrix> seeds;
  if (given_init) {
    seeds.emplace_back(options.initial_centroids.rowwise() - points.mean);
  } else {
    std::vector<ClusteringRng> rngs;
    for (int run = 0; run < options.n_init; ++run) rngs.emplace_back(master.NextU64());
    seeds = KMeansPlusPlus(points, options.k, options.threads, std::move(rngs));
  }

  // Runs are ranked by float inertia; those within kInertiaTieBand of the best get their exact
  // inertia, and the lowest exact inertia wins (the earliest run on ties).
  Workspace ws;
  std::vector<RunResult> results;
  double best_float = std::numeric_limits<double>::infinity();
  for (RowMatrix& seed : seeds) {
    RunResult result = LloydRun(points, std::move(seed), options, tol, ws);
    best_float = std::min(best_float, result.float_inertia);
    results.push_back(std::move(result));
    if (results.back().float_inertia > best_float * (1.0 + kInertiaTieBand)) {
      ws.spare_labels = std::move(results.back().labels);  // Cannot win: reuse its buffer.
      results.pop_back();
    }
  }
  RunResult* best = nullptr;
  for (RunResult& result : results) {
    if (result.float_inertia > best_float * (1.0 + kInertiaTieBand)) continue;
    result.inertia = ExactInertia(points, result.centers, result.labels, options.threads);
    if (best == nullptr || result.inertia < best->inertia) best = &result;
  }

  KMeansResult out;
  out.centroids = best->centers.rowwise() + points.mean;
  out.labels = std::move(best->labels);
  out.inertia = best->inertia;
  out.iterations = best->iterations;
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
  const Points points(X, X.colwise().mean());
  std::vector<ClusteringRng> rngs;
  rngs.emplace_back(seed);
  const std::vector<RowMatrix> centers = KMeansPlusPlus(points, k, threads, std::move(rngs));
  return Eigen::MatrixXd(centers[0].rowwise() + points.mean);
}

}  // namespace clientele::analytics
