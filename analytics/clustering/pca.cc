#include "analytics/clustering/pca.h"

#include <Eigen/Eigenvalues>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace clientele::analytics {

absl::StatusOr<PcaResult> Pca(const Eigen::MatrixXd& X, int components) {
  const Eigen::Index n = X.rows();
  const Eigen::Index d = X.cols();
  if (n < 2 || d == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Pca: need at least 2 rows and 1 column, got ", n, "x", d));
  }
  if (components < 1 || components > d) {
    return absl::InvalidArgumentError(
        absl::StrCat("Pca: components must be in [1, ", d, "], got ", components));
  }
  if (!X.allFinite()) return absl::InvalidArgumentError("Pca: input holds NaN or infinity");

  PcaResult out;
  out.mean = X.colwise().mean();
  const Eigen::MatrixXd centered = X.rowwise() - out.mean;
  const Eigen::MatrixXd covariance = (centered.adjoint() * centered) / static_cast<double>(n - 1);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
  if (solver.info() != Eigen::Success) {
    return absl::InternalError("Pca: the eigen decomposition did not converge");
  }
  // Eigenvalues come in increasing order.
  const double total = covariance.trace();
  out.components.resize(components, d);
  out.explained_variance.resize(components);
  out.explained_variance_ratio.resize(components);
  for (int c = 0; c < components; ++c) {
    const Eigen::Index src = d - 1 - c;
    out.components.row(c) = solver.eigenvectors().col(src).transpose();
    const double variance = std::max(0.0, solver.eigenvalues()(src));
    out.explained_variance(c) = variance;
    out.explained_variance_ratio(c) = total > 0.0 ? variance / total : 0.0;
  }
  out.projected = centered * out.components.transpose();
  for (int c = 0; c < components; ++c) {
    Eigen::Index at = 0;
    out.projected.col(c).cwiseAbs().maxCoeff(&at);
    if (out.projected(at, c) < 0.0) {
      out.projected.col(c) *= -1.0;
      out.components.row(c) *= -1.0;
    }
  }
  return out;
}

absl::StatusOr<Eigen::MatrixXd> PcaTransform(const PcaResult& pca, const Eigen::MatrixXd& X) {
  if (X.cols() != pca.mean.cols()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "PcaTransform: X has ", X.cols(), " columns, the PCA was fitted on ", pca.mean.cols()));
  }
  return Eigen::MatrixXd((X.rowwise() - pca.mean) * pca.components.transpose());
}

}  // namespace clientele::analytics
