#include "analytics/clustering/cluster_predictor.h"

#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace clientele::analytics {

absl::StatusOr<ClusterPrediction> PredictCluster(const Preprocessor& preprocessor,
                                                 const Eigen::MatrixXd& centroids,
                                                 const std::vector<FeatureValue>& row) {
  if (centroids.rows() == 0) return absl::InvalidArgumentError("PredictCluster: no centroids");
  if (centroids.cols() != static_cast<Eigen::Index>(preprocessor.output_names().size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("PredictCluster: centroids have ", centroids.cols(),
                     " columns, the preprocessor makes ", preprocessor.output_names().size()));
  }
  absl::StatusOr<Eigen::RowVectorXd> x = preprocessor.TransformRow(row);
  if (!x.ok()) return x.status();
  ClusterPrediction out;
  out.features = *std::move(x);
  out.distances = (centroids.rowwise() - out.features).rowwise().norm();
  out.cluster = 0;
  for (Eigen::Index c = 1; c < centroids.rows(); ++c) {
    if (out.distances(c) < out.distances(out.cluster)) out.cluster = static_cast<int>(c);
  }
  out.distance = out.distances(out.cluster);
  return out;
}

absl::StatusOr<Eigen::MatrixXd> ClusterCentroids(const Eigen::MatrixXd& X,
                                                 const std::vector<int>& labels, int clusters) {
  if (static_cast<Eigen::Index>(labels.size()) != X.rows() || clusters < 1) {
    return absl::InvalidArgumentError(absl::StrCat("ClusterCentroids: ", X.rows(), " rows, ",
                                                   labels.size(), " labels, ", clusters,
                                                   " clusters"));
  }
  Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(clusters, X.cols());
  Eigen::VectorXd counts = Eigen::VectorXd::Zero(clusters);
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    if (labels[i] < 0 || labels[i] >= clusters) {
      return absl::InvalidArgumentError(absl::StrCat("ClusterCentroids: label of row ", i, " is ",
                                                     labels[i], ", not in [0, ", clusters, ")"));
    }
    sums.row(labels[i]) += X.row(i);
    counts(labels[i]) += 1.0;
  }
  for (int c = 0; c < clusters; ++c) {
    if (counts(c) == 0.0) {
      sums.row(c).setConstant(std::numeric_limits<double>::quiet_NaN());
    } else {
      sums.row(c) /= counts(c);
    }
  }
  return sums;
}

}  // namespace clientele::analytics
