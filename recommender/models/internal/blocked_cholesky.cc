#include "recommender/models/internal/blocked_cholesky.h"

#include <Eigen/Cholesky>
#include <algorithm>

namespace clientele::recommender::internal {
namespace {

constexpr Eigen::Index kBlock = 256;

}  // namespace

absl::Status BlockedCholesky(Eigen::MatrixXd* a, const BlockProgress& progress) {
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
      // L21 = A21 L11^-T, then the trailing A22 -= L21 L21^T (lower triangle).
      auto l11 = a->block(k, k, b, b).triangularView<Eigen::Lower>();
      l11.transpose().solveInPlace<Eigen::OnTheRight>(a->block(k + b, k, rest, b));
      a->block(k + b, k + b, rest, rest)
          .selfadjointView<Eigen::Lower>()
          .rankUpdate(a->block(k + b, k, rest, b), -1.0);
    }
    // Flops left shrink with the cube of the trailing size.
    const double left = static_cast<double>(rest) / n;
    if (progress && !progress(1.0 - left * left * left)) {
      return absl::CancelledError("fit cancelled");
    }
  }
  return absl::OkStatus();
}

absl::Status InverseFromCholesky(Eigen::MatrixXd* a, const BlockProgress& progress) {
  const Eigen::Index n = a->rows();
  const Eigen::MatrixXd l = a->triangularView<Eigen::Lower>();
  for (Eigen::Index c = 0; c < n; c += kBlock) {
    const Eigen::Index w = std::min(kBlock, n - c);
    auto cols = a->middleCols(c, w);
    cols.setZero();
    cols.block(c, 0, w, w).setIdentity();
    l.triangularView<Eigen::Lower>().solveInPlace(cols);
    l.transpose().triangularView<Eigen::Upper>().solveInPlace(cols);
    if (progress && !progress(static_cast<double>(c + w) / n)) {
      return absl::CancelledError("fit cancelled");
    }
  }
  return absl::OkStatus();
}

}  // namespace clientele::recommender::internal
