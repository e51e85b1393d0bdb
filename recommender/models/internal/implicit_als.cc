#include "recommender/models/internal/implicit_als.h"

#include <Eigen/Cholesky>

namespace clientele::recommender::internal {

void ConjugateGradientSolve(const Eigen::MatrixXd& yty, const RowMatrixD& y,
                            absl::Span<const int64_t> cols, absl::Span<const double> conf,
                            double reg, int steps, Eigen::Ref<Eigen::VectorXd> x) {
  // r = b - A x with A x = (Y^T Y + reg I) x + sum_k (c_k - 1)(y_k . x) y_k, b = sum_k c_k y_k.
  Eigen::VectorXd r = -(yty * x) - reg * x;
  for (size_t k = 0; k < cols.size(); ++k) {
    const auto yk = y.row(cols[k]).transpose();
    r += (conf[k] - (conf[k] - 1) * yk.dot(x)) * yk;
  }
  Eigen::VectorXd p = r;
  double rs_old = r.squaredNorm();
  Eigen::VectorXd ap(x.size());
  for (int step = 0; step < steps; ++step) {
    if (rs_old < 1e-20) break;
    ap.noalias() = yty * p;
    ap += reg * p;
    for (size_t k = 0; k < cols.size(); ++k) {
      const auto yk = y.row(cols[k]).transpose();
      ap += ((conf[k] - 1) * yk.dot(p)) * yk;
    }
    const double alpha = rs_old / p.dot(ap);
    x += alpha * p;
    r -= alpha * ap;
    const double rs_new = r.squaredNorm();
    p = r + (rs_new / rs_old) * p;
    rs_old = rs_new;
  }
}

Eigen::VectorXd DirectSolve(const Eigen::MatrixXd& yty, const RowMatrixD& y,
                            absl::Span<const int64_t> cols, absl::Span<const double> conf,
                            double reg) {
  Eigen::MatrixXd a = yty;
  a.diagonal().array() += reg;
  Eigen::VectorXd b = Eigen::VectorXd::Zero(yty.rows());
  for (size_t k = 0; k < cols.size(); ++k) {
    const auto yk = y.row(cols[k]).transpose();
    a.selfadjointView<Eigen::Lower>().rankUpdate(yk, conf[k] - 1);
    b += conf[k] * yk;
  }
  return a.selfadjointView<Eigen::Lower>().llt().solve(b);
}

}  // namespace clientele::recommender::internal
