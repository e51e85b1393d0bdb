// Cluster profiles: what each cluster looks like in the original (untransformed) features --
// size, share, the mean of every numeric column and the most common values of every categorical
// column.
//
//   absl::StatusOr<std::vector<ClusterProfile>> profiles =
//       ProfileClusters(original_frame, kmeans->labels, /*clusters=*/k, /*top_categories=*/3);
//
// Means skip missing (NaN) values; a cluster whose values are all missing gets NaN. Category
// counts skip missing ("") values and are ordered by count descending, then by value.
// Thread-safe: a pure function.
#ifndef CLIENTELE_ANALYTICS_CLUSTERING_CLUSTER_PROFILE_H_
#define CLIENTELE_ANALYTICS_CLUSTERING_CLUSTER_PROFILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analytics/features/preprocessor.h"

namespace clientele::analytics {

struct CategoryShare {
  std::string value;
  int64_t count = 0;
  double share = 0.0;  // count / the cluster's non-missing values of the column.
};

struct FeatureSummary {
  std::string name;
  ColumnKind kind = ColumnKind::kNumeric;
  double mean = 0.0;               // Numeric columns.
  std::vector<CategoryShare> top;  // Categorical columns.
};

struct ClusterProfile {
  int cluster = 0;
  int64_t size = 0;
  double share = 0.0;                    // size / number of rows.
  std::vector<FeatureSummary> features;  // In frame order.
};

// One profile per cluster 0..clusters-1 (empty clusters have size 0). InvalidArgument if the
// frame is empty or ragged, labels.size() differs from its row count, a label is outside
// [0, clusters), or top_categories < 1.
absl::StatusOr<std::vector<ClusterProfile>> ProfileClusters(const FeatureFrame& frame,
                                                            const std::vector<int>& labels,
                                                            int clusters, int top_categories = 3);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_CLUSTERING_CLUSTER_PROFILE_H_
