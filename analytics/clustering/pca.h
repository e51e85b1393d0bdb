// Principal component analysis for plotting clusters in 2-D (scikit-learn's PCA with the full
// solver, up to sign conventions stated below).
//
//   absl::StatusOr<PcaResult> pca = Pca(scaled_features, /*components=*/2);
//   // pca->projected: n x 2 coordinates; pca->explained_variance_ratio: share of variance of each.
//   absl::StatusOr<Eigen::MatrixXd> xy = PcaTransform(*pca, new_rows);
//
// Computed from the d x d covariance matrix (Eigen's SelfAdjointEigenSolver), which is cheap for
// the few feature columns of customer data and exact to rounding. explained_variance uses n - 1
// (as sklearn); explained_variance_ratio divides by the total variance of all d dimensions.
// Sign: each component is flipped so that the projected coordinate with the largest absolute
// value is positive (sklearn's svd_flip on U), so results are deterministic.
//
// Thread-safe: pure functions.
#ifndef CLIENTELE_ANALYTICS_CLUSTERING_PCA_H_
#define CLIENTELE_ANALYTICS_CLUSTERING_PCA_H_

#include <Eigen/Dense>

#include "absl/status/statusor.h"

namespace clientele::analytics {

struct PcaResult {
  Eigen::RowVectorXd mean;                   // 1 x d, subtracted before projecting.
  Eigen::MatrixXd components;                // c x d, unit rows, by decreasing variance.
  Eigen::VectorXd explained_variance;        // c
  Eigen::VectorXd explained_variance_ratio;  // c, in [0, 1]; all 0 if X has no variance.
  Eigen::MatrixXd projected;                 // n x c: (X - mean) * components^T.
};

// InvalidArgument if X has fewer than 2 rows, no columns, non-finite values, or components is
// not in [1, d].
absl::StatusOr<PcaResult> Pca(const Eigen::MatrixXd& X, int components = 2);

// (X - mean) * components^T for new rows. InvalidArgument if the column count differs.
absl::StatusOr<Eigen::MatrixXd> PcaTransform(const PcaResult& pca, const Eigen::MatrixXd& X);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_CLUSTERING_PCA_H_
