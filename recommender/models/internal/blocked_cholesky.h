// Cholesky factorization and inverse of a dense symmetric positive-definite matrix in blocks
// of columns, so that a long factorization reports progress and can be cancelled between
// blocks (Eigen's LLT is one uninterruptible call). Same O(n^3 / 3) flops as LLT. The work
// inside a block runs on `threads` threads (parallel_tasks.h); progress is reported and
// cancellation checked on the calling thread only. The result does not depend on `threads`.
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
absl::Status BlockedCholesky(Eigen::MatrixXd* a, const BlockProgress& progress = nullptr,
                             int threads = 1);

// Overwrites `a`, holding L from BlockedCholesky in its lower triangle, with the full
// symmetric (L L^T)^-1, solved in blocks of columns: block [c, c + w) of the inverse's lower
// triangle needs only the trailing factor L[c:, c:] (rows above c of L^-1 e_j are zero, and
// the back substitution of its rows from c down needs nothing above), so the two triangular
// solves cost n^3 / 3 multiply-adds in all; the upper triangle is mirrored. Keeps a copy of L
// (8 n^2 bytes). Cancelled as above.
absl::Status InverseFromCholesky(Eigen::MatrixXd* a, const BlockProgress& progress = nullptr,
                                 int threads = 1);

}  // namespace clientele::recommender::internal

#endif  // CLIENTELE_RECOMMENDER_MODELS_INTERNAL_BLOCKED_CHOLESKY_H_
