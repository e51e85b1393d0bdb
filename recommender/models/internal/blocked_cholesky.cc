#include "recommender/models/internal/blocked_cholesky.h"

#include <Eigen/Cholesky>
#include <algorithm>

#include "recommender/models/internal/parallel_tasks.h"

namespace clientele::recommender::internal {
namespace {

constexpr Eigen::Index kBlock = 256;

}  // namespace

absl::Status BlockedCholesky(Eigen::MatrixXd* a, const BlockProgress& progress, int threads) {
  const Eigen::Index n = a->rows();
  for (Eigen::Index k = 0; k < n; k += kBlock) {
    const Eigen::Index b = std::min(kBlock, n - k);
    const Eigen::Index rest = n - k - b;
    // Diagonal block: A11 = L11 L11^T.
    Eigen::Ref<Eigen::MatrixXd> diagonal = a->block(k, k, b, b);
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(diagonal);  // In place.
    if (llt.info() != Eigen::Success) {
      return absl::InvalidArgumentError("matrix is not positive definite");
    }
    if (rest > 0) {
      // L21 = A21 L11^-T (rows independent: in blocks of rows), then the trailing
      // A22 -= L21 L21^T (lower triangle).
      const auto l11 = a->block(k, k, b, b).triangularView<Eigen::Lower>();
      ParallelTasks((rest + kBlock - 1) / kBlock, threads, [&](int64_t t) {
        const Eigen::Index r = t * kBlock;
        l11.transpose().solveInPlace<Eigen::OnTheRight>(
            a->block(k + b + r, k, std::min(kBlock, rest - r), b));
      });
      LowerRankUpdate(a->block(k + b, k + b, rest, rest), a->block(k + b, k, rest, b), -1.0,
                      /*transposed=*/false, threads);
    }
    // Flops left shrink with the cube of the trailing size.
    const double left = static_cast<double>(rest) / n;
    if (progress && !progress(1.0 - left * left * left)) {
      return absl::CancelledError("fit cancelled");
    }
  }
  return absl::OkStatus();
}

absl::Status InverseFromCholesky(Eigen::MatrixXd* a, const BlockProgress& progress, int threads) {
  const Eigen::Index n = a->rows();
  const Eigen::MatrixXd l = a->triangularView<Eigen::Lower>();
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  // Block t: columns [c, c + w) of the inverse, rows c and below. The first blocks cost most.
  auto solve = [&](int64_t t) {
    const Eigen::Index c = t * kBlock;
    const Eigen::Index w = std::min(kBlock, n - c);
    const Eigen::Index m = n - c;
    auto cols = a->block(c, c, m, w);
    cols.setZero();
    cols.topRows(w).setIdentity();
    const auto trailing = l.bottomRightCorner(m, m);
    trailing.triangularView<Eigen::Lower>().solveInPlace(cols);
    trailing.transpose().triangularView<Eigen::Upper>().solveInPlace(cols);
  };
  // Groups of blocks between progress reports (on this thread).
  const int64_t group = std::max(1, threads);
  for (int64_t first = 0; first < blocks; first += group) {
    const int64_t count = std::min(group, blocks - first);
    ParallelTasks(count, threads, [&](int64_t t) { solve(first + t); });
    // Work done grows as 1 - (share of columns left)^3.
    const double left = static_cast<double>(n - std::min(n, (first + count) * kBlock)) / n;
    if (progress && !progress(1.0 - left * left * left)) {
      return absl::CancelledError("fit cancelled");
    }
  }
  // The upper triangle from the lower.
  for (Eigen::Index j = 1; j < n; ++j) {
    a->col(j).head(j) = a->row(j).head(j).transpose();
  }
  return absl::OkStatus();
}

}  // namespace clientele::recommender::internal
