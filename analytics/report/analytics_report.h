// The analytics report as SVG files (`clientele report --out DIR`):
//   elbow.svg       k-means inertia by k, the chosen k marked
//   silhouette.svg  silhouette by k, the suggested k marked
//   pca.svg         the model's PCA sample, coloured by cluster
//   segments.svg    share of customers and of revenue per RFM segment
//   pca_ward.svg    the PCA sample coloured by Ward cluster (when the model has Ward labels)
// Pure: built from API messages, no I/O. Thread-safe.
#ifndef CLIENTELE_ANALYTICS_REPORT_ANALYTICS_REPORT_H_
#define CLIENTELE_ANALYTICS_REPORT_ANALYTICS_REPORT_H_

#include <string>
#include <vector>

#include "clientele/analytics/v1/analytics.pb.h"

namespace clientele::analytics {

struct ReportFile {
  std::string name;  // e.g. "elbow.svg"
  std::string contents;
};

// The cluster charts need `cluster_model` (a RECLUSTER model), the segment chart needs
// `segments`; either may be null, and its charts are then left out.
std::vector<ReportFile> BuildAnalyticsReport(const v1::Model* cluster_model,
                                             const v1::ListSegmentsResponse* segments);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_REPORT_ANALYTICS_REPORT_H_
