// Predicting the cluster of a new customer: transform its raw features with the Preprocessor the
// clustering was fitted with, then take the nearest centroid (in the transformed space, where
// KMeans / MiniBatchKMeans return them). For agglomerative clusters, use the clusters' means
// (ClusterCentroids) as centroids. The RFM segment half of a prediction is RfmReference.
//
//   absl::StatusOr<ClusterPrediction> p = PredictCluster(pre, model.centroids, {12.0, 3.0, 530.5});
//
// Thread-safe: pure functions.
#ifndef CLIENTELE_ANALYTICS_CLUSTERING_CLUSTER_PREDICTOR_H_
#define CLIENTELE_ANALYTICS_CLUSTERING_CLUSTER_PREDICTOR_H_

#include <Eigen/Dense>
#include <vector>

#include "absl/status/statusor.h"
#include "analytics/features/preprocessor.h"

namespace clientele::analytics {

struct ClusterPrediction {
  int cluster = 0;              // Nearest centroid, ties to the lowest index.
  double distance = 0.0;        // Euclidean, in the transformed space.
  Eigen::RowVectorXd features;  // The transformed row.
  Eigen::VectorXd distances;    // To every centroid.
};

// InvalidArgument for a row the preprocessor rejects (naming the column), or centroids whose
// column count differs from the preprocessor's output, or no centroids.
absl::StatusOr<ClusterPrediction> PredictCluster(const Preprocessor& preprocessor,
                                                 const Eigen::MatrixXd& centroids,
                                                 const std::vector<FeatureValue>& row);

// Mean of the rows of X per label (clusters x d); a cluster without rows gets NaN. InvalidArgument
// if labels.size() != X.rows() or a label is outside [0, clusters).
absl::StatusOr<Eigen::MatrixXd> ClusterCentroids(const Eigen::MatrixXd& X,
                                                 const std::vector<int>& labels, int clusters);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_CLUSTERING_CLUSTER_PREDICTOR_H_
