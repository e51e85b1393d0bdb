#include "analytics/report/analytics_report.h"

#include <string>
#include <vector>

#include "analytics/report/svg_chart.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::analytics {
namespace {

using ::testing::HasSubstr;

// Checks that `svg` is well-formed XML as far as this generator goes: one root <svg>, every
// element closed in order, attributes quoted, no raw '&' or '<' in text. Returns "" or a
// description of the first problem.
std::string CheckWellFormed(const std::string& svg) {
  std::vector<std::string> open;
  size_t i = 0;
  if (svg.rfind("<?xml", 0) == 0) i = svg.find("?>") + 2;
  int roots = 0;
  while (i < svg.size()) {
    if (svg[i] == '<') {
      const size_t end = svg.find('>', i);
      if (end == std::string::npos) return "unterminated tag";
      std::string tag = svg.substr(i + 1, end - i - 1);
      if (tag.find('<') != std::string::npos) return "'<' inside a tag: " + tag;
      size_t quotes = 0;
      for (char c : tag) quotes += c == '"';
      if (quotes % 2 != 0) return "unbalanced quotes in <" + tag + ">";
      if (tag[0] == '/') {
        const std::string name = tag.substr(1);
        if (open.empty() || open.back() != name) return "unexpected </" + name + ">";
        open.pop_back();
      } else if (tag.back() != '/') {
        const std::string name = tag.substr(0, tag.find_first_of(" \n"));
        if (open.empty()) ++roots;
        open.push_back(name);
      } else if (open.empty()) {
        ++roots;
      }
      i = end + 1;
    } else {
      if (svg[i] == '&') {
        const size_t semi = svg.find(';', i);
        const std::string entity = svg.substr(i, semi - i + 1);
        if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" &&
            entity != "&apos;") {
          return "bad entity " + entity;
        }
      } else if (svg[i] != '\n' && svg[i] != ' ' && open.empty()) {
        return "text outside the root element";
      }
      ++i;
    }
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  if (roots != 1) return "expected one root element";
  return "";
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

v1::Model ClusterModel() {
  v1::Model model;
  model.set_version(3);
  model.set_kind(v1::JOB_KIND_RECLUSTER);
  v1::ClusterModel& cm = *model.mutable_cluster();
  cm.set_profiles(4338);
  cm.set_k(4);
  cm.set_suggested_k(3);
  for (int k = 2; k <= 6; ++k) {
    v1::KScore& s = *cm.add_k_scores();
    s.set_k(k);
    s.set_inertia(10000.0 / k);
    s.set_silhouette(k == 3 ? 0.45 : 0.3);
  }
  cm.add_explained_variance_ratio(0.61);
  cm.add_explained_variance_ratio(0.27);
  for (int c = 0; c < 4; ++c) {
    v1::Cluster& cluster = *cm.add_clusters();
    cluster.set_cluster(c);
    cluster.set_size(100 * (c + 1));
    cluster.set_dominant_segment(c == 0 ? "Can't Lose Them" : "Champions");
  }
  for (int i = 0; i < 40; ++i) {
    v1::PcaPoint& p = *cm.add_pca_sample();
    p.set_x(i * 0.1 - 2);
    p.set_y((i % 7) * 0.3 - 1);
    p.set_cluster(i % 4);
  }
  return model;
}

v1::ListSegmentsResponse Segments() {
  v1::ListSegmentsResponse segments;
  segments.set_model_version(2);
  segments.set_profiles(300);
  for (auto [name, customers, share] : std::vector<std::tuple<std::string, int, double>>{
           {"Champions", 100, 0.6}, {"At Risk", 150, 0.3}, {"Lost", 50, 0.1}}) {
    v1::SegmentSummary& s = *segments.add_segments();
    s.set_segment(name);
    s.set_customers(customers);
    s.set_revenue_share(share);
  }
  return segments;
}

const ReportFile* Find(const std::vector<ReportFile>& files, const std::string& name) {
  for (const ReportFile& f : files) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

TEST(AnalyticsReportTest, WritesFourWellFormedChartsWithTheirElements) {
  const v1::Model model = ClusterModel();
  const v1::ListSegmentsResponse segments = Segments();
  const std::vector<ReportFile> files = BuildAnalyticsReport(&model, &segments);
  ASSERT_EQ(files.size(), 4u);
  for (const ReportFile& f : files) {
    EXPECT_EQ(CheckWellFormed(f.contents), "") << f.name;
    EXPECT_THAT(f.contents, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    EXPECT_THAT(f.contents, HasSubstr("class=\"x-label\""));
    EXPECT_THAT(f.contents, HasSubstr("class=\"legend\""));
  }
  const ReportFile* elbow = Find(files, "elbow.svg");
  ASSERT_NE(elbow, nullptr);
  EXPECT_THAT(elbow->contents, HasSubstr("<polyline"));
  EXPECT_THAT(elbow->contents, HasSubstr("number of clusters k"));
  EXPECT_THAT(elbow->contents, HasSubstr("inertia"));
  EXPECT_THAT(elbow->contents, HasSubstr("chosen k = 4"));
  EXPECT_EQ(Count(elbow->contents, "<circle cx"), 5u);  // One marker per k.
  const ReportFile* silhouette = Find(files, "silhouette.svg");
  ASSERT_NE(silhouette, nullptr);
  EXPECT_THAT(silhouette->contents, HasSubstr("suggested k = 3"));
  const ReportFile* pca = Find(files, "pca.svg");
  ASSERT_NE(pca, nullptr);
  EXPECT_THAT(pca->contents, HasSubstr("PC1 (61.0% of variance)"));
  EXPECT_THAT(pca->contents, HasSubstr("PC2 (27.0% of variance)"));
  EXPECT_THAT(pca->contents, HasSubstr("cluster 0 (100) Can&apos;t Lose Them"));
  // 40 sample points plus 4 legend dots.
  EXPECT_EQ(Count(pca->contents, "<circle"), 44u);
  const ReportFile* bars = Find(files, "segments.svg");
  ASSERT_NE(bars, nullptr);
  EXPECT_EQ(Count(bars->contents, "<rect x"), 1u + 6u + 2u);  // Background, bars, legend.
  EXPECT_THAT(bars->contents, HasSubstr("Champions (100)"));
  EXPECT_THAT(bars->contents, HasSubstr("revenue (% of total)"));
}

TEST(AnalyticsReportTest, AddsTheWardScatterWhenTheModelHasWardLabels) {
  v1::Model model = ClusterModel();
  for (int i = 0; i < model.cluster().pca_sample_size(); ++i) {
    model.mutable_cluster()->add_ward_labels_sample(i % 2);
  }
  model.mutable_cluster()->add_ward_cluster_sizes(20);
  model.mutable_cluster()->add_ward_cluster_sizes(20);
  const std::vector<ReportFile> files = BuildAnalyticsReport(&model, nullptr);
  ASSERT_EQ(files.size(), 4u);
  const ReportFile* ward = Find(files, "pca_ward.svg");
  ASSERT_NE(ward, nullptr);
  EXPECT_EQ(CheckWellFormed(ward->contents), "");
  EXPECT_THAT(ward->contents, HasSubstr("Ward 1 (20)"));
  EXPECT_EQ(Count(ward->contents, "<circle"), 42u);  // 40 points, 2 legend dots.
}

TEST(AnalyticsReportTest, LeavesOutChartsWithoutTheirModel) {
  const v1::ListSegmentsResponse segments = Segments();
  const std::vector<ReportFile> only_segments = BuildAnalyticsReport(nullptr, &segments);
  ASSERT_EQ(only_segments.size(), 1u);
  EXPECT_EQ(only_segments[0].name, "segments.svg");
  EXPECT_TRUE(BuildAnalyticsReport(nullptr, nullptr).empty());
}

TEST(SvgChartTest, EscapesTextAndPicksNiceTicks) {
  EXPECT_EQ(XmlEscape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  EXPECT_THAT(NiceTicks(0, 97), ::testing::ElementsAre(0, 20, 40, 60, 80, 100));
  EXPECT_THAT(NiceTicks(-7.4, 7.1), ::testing::ElementsAre(-10, -5, 0, 5, 10));
  LineChart empty;
  empty.title = "nothing <yet>";
  EXPECT_EQ(CheckWellFormed(RenderLineChart(empty)), "");
  ScatterChart one;
  one.points.push_back({1, 1, 0});
  one.group_names = {"only"};
  EXPECT_EQ(CheckWellFormed(RenderScatterChart(one)), "");
}

}  // namespace
}  // namespace clientele::analytics
