#include "analytics/clustering/standard_scaler.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"

namespace clientele::analytics {

absl::Status StandardScaler::Fit(const Eigen::MatrixXd& X) {
  if (X.rows() == 0 || X.cols() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("StandardScaler::Fit: empty input (", X.rows(), "x", X.cols(), ")"));
  }
  if (!X.allFinite()) {
    return absl::InvalidArgumentError("StandardScaler::Fit: input holds NaN or infinity");
  }
  const double n = static_cast<double>(X.rows());
  Eigen::RowVectorXd mean = X.colwise().sum() / n;
  // Two-pass variance: subtract the mean first, which is accurate for large offsets.
  Eigen::RowVectorXd variance = (X.rowwise() - mean).array().square().colwise().sum() / n;
  Eigen::RowVectorXd scale(X.cols());
  const double eps = std::numeric_limits<double>::epsilon();
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    // As sklearn's _is_constant_feature: a variance below the rounding error of the mean
    // computation is treated as zero.
    // upper_bound = n * eps * var + (n * mean * eps)^2.
    const double drift = n * mean(j) * eps;
    const bool constant = variance(j) <= n * eps * variance(j) + drift * drift;
    scale(j) = constant ? 1.0 : std::sqrt(variance(j));
  }
  mean_ = std::move(mean);
  variance_ = std::move(variance);
  scale_ = std::move(scale);
  fitted_ = true;
  return absl::OkStatus();
}

absl::Status StandardScaler::CheckColumns(const Eigen::MatrixXd& X) const {
  if (!fitted_) return absl::FailedPreconditionError("StandardScaler: Fit has not succeeded");
  if (X.cols() != mean_.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("StandardScaler: fitted on ", mean_.size(), " columns, got ", X.cols()));
  }
  return absl::OkStatus();
}

absl::StatusOr<Eigen::MatrixXd> StandardScaler::Transform(const Eigen::MatrixXd& X) const {
  if (absl::Status s = CheckColumns(X); !s.ok()) return s;
  Eigen::MatrixXd Z = (X.rowwise() - mean_).array().rowwise() / scale_.array();
  return Z;
}

absl::StatusOr<Eigen::MatrixXd> StandardScaler::InverseTransform(const Eigen::MatrixXd& Z) const {
  if (absl::Status s = CheckColumns(Z); !s.ok()) return s;
  Eigen::MatrixXd X = (Z.array().rowwise() * scale_.array()).matrix().rowwise() + mean_;
  return X;
}

absl::StatusOr<Eigen::MatrixXd> StandardScaler::FitTransform(const Eigen::MatrixXd& X) {
  if (absl::Status s = Fit(X); !s.ok()) return s;
  return Transform(X);
}

}  // namespace clientele::analytics
