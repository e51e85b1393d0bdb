// StandardScaler: per-column standardisation, z = (x - mean) / scale, as scikit-learn's
// StandardScaler with its defaults (with_mean=True, with_std=True).
//
//   StandardScaler scaler;
//   if (absl::Status s = scaler.Fit(X); !s.ok()) return s;
//   absl::StatusOr<Eigen::MatrixXd> Z = scaler.Transform(X);
//
// Rows are samples, columns are features. scale is the population standard deviation (ddof = 0);
// a column whose variance is zero (or so small it is rounding noise) gets scale 1, like sklearn,
// so it maps to all zeros instead of NaN.
//
// Thread-compatible: const methods may run concurrently; Fit needs exclusive access.
#ifndef CLIENTELE_ANALYTICS_CLUSTERING_STANDARD_SCALER_H_
#define CLIENTELE_ANALYTICS_CLUSTERING_STANDARD_SCALER_H_

#include <Eigen/Dense>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace clientele::analytics {

class StandardScaler {
 public:
  // Learns mean and scale from X. InvalidArgument if X has no rows or columns, or holds a
  // non-finite value; the scaler is left unchanged then.
  absl::Status Fit(const Eigen::MatrixXd& X);

  // (X - mean) / scale, row by row. FailedPrecondition before a successful Fit; InvalidArgument
  // if X's column count differs from the fitted one.
  absl::StatusOr<Eigen::MatrixXd> Transform(const Eigen::MatrixXd& X) const;

  // Z * scale + mean: maps e.g. k-means centroids back to original units. Same errors as Transform.
  absl::StatusOr<Eigen::MatrixXd> InverseTransform(const Eigen::MatrixXd& Z) const;

  // Fit followed by Transform.
  absl::StatusOr<Eigen::MatrixXd> FitTransform(const Eigen::MatrixXd& X);

  bool fitted() const { return fitted_; }
  // Per-column statistics (size = number of columns); empty before Fit.
  const Eigen::RowVectorXd& mean() const { return mean_; }
  const Eigen::RowVectorXd& variance() const { return variance_; }  // ddof = 0
  const Eigen::RowVectorXd& scale() const { return scale_; }

 private:
  absl::Status CheckColumns(const Eigen::MatrixXd& X) const;

  bool fitted_ = false;
  Eigen::RowVectorXd mean_;
  Eigen::RowVectorXd variance_;
  Eigen::RowVectorXd scale_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_CLUSTERING_STANDARD_SCALER_H_
