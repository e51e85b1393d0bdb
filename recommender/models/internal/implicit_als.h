// The per-row solve of implicit-feedback ALS (Hu, Koren, Volinsky, ICDM 2008) by conjugate
// gradient (Takacs, Pilaszy, Tikk, RecSys 2011), shared by the fit and by serving.
#ifndef CLIENTELE_RECOMMENDER_MODELS_INTERNAL_IMPLICIT_ALS_H_
#define CLIENTELE_RECOMMENDER_MODELS_INTERNAL_IMPLICIT_ALS_H_

#include <Eigen/Core>
#include <cstdint>

#include "absl/types/span.h"

namespace clientele::recommender::internal {

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// One row's normal equations with the other side fixed (rows of `y`, factors wide):
//   (Y^T Y + reg I + sum_k (c_k - 1) y_k y_k^T) x = sum_k c_k y_k
// over the row's interactions k (columns `cols`, confidences `conf`, each >= 1); `yty` = Y^T Y.
// Runs at most `steps` conjugate-gradient steps from the x given (a warm start), stopping early
// when the residual vanishes. Exact (to rounding) after `factors` steps. O(steps x (factors^2 +
// |cols| x factors)) time.
void ConjugateGradientSolve(const Eigen::MatrixXd& yty, const RowMatrixD& y,
                            absl::Span<const int64_t> cols, absl::Span<const double> conf,
                            double reg, int steps, Eigen::Ref<Eigen::VectorXd> x);

// The same equations solved directly (Cholesky of the factors x factors matrix): the reference
// of the tests and the fold-in of a history at serving. O(|cols| x factors^2 + factors^3).
Eigen::VectorXd DirectSolve(const Eigen::MatrixXd& yty, const RowMatrixD& y,
                            absl::Span<const int64_t> cols, absl::Span<const double> conf,
                            double reg);

}  // namespace clientele::recommender::internal

#endif  // CLIENTELE_RECOMMENDER_MODELS_INTERNAL_IMPLICIT_ALS_H_
