// Cholesky factorization and inverse of a dense symmetric positive-definite matrix in blocks
// of columns, so that a long factorization reports progress and can be cancelled between
// blocks (Eigen's LLT is one uninterruptible call). Same O(n^3 / 3) flops as LLT.
#ifndef CLIENTELE_RECOMMENDER_MODELS_INTERNAL_BLOCKED_CHOLESKY_H_
#define CLIENTELE_RECOMMENDER_MODELS_INTERNAL_BLOCKED_CHOLESKY_H_

#include <Eigen/Core>
#include <functional>

#include "absl/status/status.h"

namespace clientele::recommender::internal {

// Called with the fraction done in [0, 1]; false cancels. Null: no reports.
using BlockProgress = std::function<bool(double fraction)>;

// Replaces the lower triangle of `a` (n x n, symmetric, only the lower triangle read) by L with
// L L^T = a (the strict upper triangle is left as it was). InvalidArgument when `a` is not
// positive definite, Cancelled when `progress` returns false.
absl::Status BlockedCholesky(Eigen::MatrixXd* a, const BlockProgress& progress = nullptr);

// Overwrites `a`, holding L from BlockedCholesky in its lower triangle, with the full
// symmetric (L L^T)^-1, solved in blocks of columns. O(n^3) flops. Cancelled as above.
absl::Status InverseFromCholesky(Eigen::MatrixXd* a, const BlockProgress& progress = nullptr);

}  // namespace clientele::recommender::internal

#endif  // CLIENTELE_RECOMMENDER_MODELS_INTERNAL_BLOCKED_CHOLESKY_H_
