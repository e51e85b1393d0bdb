#include "analytics/report/analytics_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analytics/report/svg_chart.h"

namespace clientele::analytics {
namespace {

std::string FeatureSetName(v1::FeatureSet set) {
  switch (set) {
    case v1::FEATURE_SET_DEMOGRAPHICS_SPEND:
      return "demographics + spend";
    case v1::FEATURE_SET_ATTRIBUTES:
      return "attributes";
    default:
      return "RFM";
  }
}

}  // namespace

std::vector<ReportFile> BuildAnalyticsReport(const v1::Model* cluster_model,
                                             const v1::ListSegmentsResponse* segments) {
  std::vector<ReportFile> files;
  if (cluster_model != nullptr && cluster_model->has_cluster()) {
    const v1::ClusterModel& cm = cluster_model->cluster();
    const std::string about =
        absl::StrCat("model v", cluster_model->version(), ", ", cm.profiles(), " profiles, ",
                     FeatureSetName(cm.feature_set()), " features");
    LineChart elbow;
    elbow.title = "Elbow: k-means inertia by k";
    elbow.subtitle = about;
    elbow.x_label = "number of clusters k";
    elbow.y_label = "inertia (sum of squared distances)";
    elbow.integer_x = true;
    LineSeries inertia{"inertia", {}};
    inertia.marked_x = cm.k();
    inertia.marked_note = absl::StrCat("chosen k = ", cm.k());
    if (cm.elbow_k() != 0)
      absl::StrAppend(&inertia.marked_note, " (knee at k = ", cm.elbow_k(), ")");
    LineChart silhouette;
    silhouette.title = "Silhouette by k";
    silhouette.subtitle = about;
    silhouette.x_label = "number of clusters k";
    silhouette.y_label = "mean silhouette coefficient";
    silhouette.integer_x = true;
    LineSeries sil{"silhouette", {}};
    sil.marked_x = cm.suggested_k();
    sil.marked_note = absl::StrCat("suggested k = ", cm.suggested_k());
    for (const v1::KScore& s : cm.k_scores()) {
      inertia.points.emplace_back(s.k(), s.inertia());
      sil.points.emplace_back(s.k(), s.silhouette());
    }
    elbow.series.push_back(std::move(inertia));
    silhouette.series.push_back(std::move(sil));
    files.push_back({"elbow.svg", RenderLineChart(elbow)});
    files.push_back({"silhouette.svg", RenderLineChart(silhouette)});

    ScatterChart pca;
    pca.title = "PCA of the clustering features, coloured by cluster";
    pca.subtitle = about;
    const double ev1 = cm.explained_variance_ratio_size() > 0 ? cm.explained_variance_ratio(0) : 0;
    const double ev2 = cm.explained_variance_ratio_size() > 1 ? cm.explained_variance_ratio(1) : 0;
    pca.x_label = absl::StrFormat("PC1 (%.1f%% of variance)", ev1 * 100);
    pca.y_label = absl::StrFormat("PC2 (%.1f%% of variance)", ev2 * 100);
    for (const v1::Cluster& c : cm.clusters()) {
      std::string name = absl::StrCat("cluster ", c.cluster(), " (", c.size(), ")");
      if (!c.dominant_segment().empty()) absl::StrAppend(&name, " ", c.dominant_segment());
      pca.group_names.push_back(std::move(name));
    }
    for (const v1::PcaPoint& point : cm.pca_sample()) {
      pca.points.push_back({point.x(), point.y(), point.cluster()});
    }
    files.push_back({"pca.svg", RenderScatterChart(pca)});
    if (cm.ward_labels_sample_size() == cm.pca_sample_size() && cm.ward_labels_sample_size() > 0) {
      ScatterChart ward = pca;
      ward.title = "PCA coloured by Ward agglomerative cluster";
      ward.subtitle = absl::StrFormat("%s; Ward silhouette %.3f", about, cm.ward_silhouette());
      ward.group_names.clear();
      for (int c = 0; c < cm.ward_cluster_sizes_size(); ++c) {
        ward.group_names.push_back(absl::StrCat("Ward ", c, " (", cm.ward_cluster_sizes(c), ")"));
      }
      for (int i = 0; i < cm.ward_labels_sample_size(); ++i) {
        ward.points[i].group = cm.ward_labels_sample(i);
      }
      files.push_back({"pca_ward.svg", RenderScatterChart(ward)});
    }
  }
  if (segments != nullptr) {
    BarChart bars;
    bars.title = "RFM segments: customers and revenue";
    bars.subtitle =
        absl::StrCat("model v", segments->model_version(), ", ", segments->profiles(), " profiles");
    bars.x_label = "share of all profiles / of all revenue";
    bars.y_label = "segment";
    bars.value_suffix = "%";
    bars.height = std::max(400, 140 + 44 * segments->segments_size());
    BarSeries customers{"customers (% of profiles)", {}};
    BarSeries revenue{"revenue (% of total)", {}};
    for (const v1::SegmentSummary& s : segments->segments()) {
      bars.categories.push_back(absl::StrCat(s.segment(), " (", s.customers(), ")"));
      customers.values.push_back(
          segments->profiles() > 0 ? 100.0 * s.customers() / segments->profiles() : 0);
      revenue.values.push_back(100.0 * s.revenue_share());
    }
    bars.series = {std::move(customers), std::move(revenue)};
    files.push_back({"segments.svg", RenderBarChart(bars)});
  }
  return files;
}

}  // namespace clientele::analytics
