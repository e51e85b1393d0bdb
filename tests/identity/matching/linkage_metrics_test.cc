#include "identity/matching/linkage_metrics.h"

#include "gtest/gtest.h"

namespace clientele::identity {
namespace {

TEST(LinkageMetricsTest, HandComputedExample) {
  // Clusters {a, b, c}, {d}, {e}: predicted pairs ab, ac, bc.
  const absl::flat_hash_map<std::string, std::string> cluster_of = {
      {"a", "1"}, {"b", "1"}, {"c", "1"}, {"d", "2"}, {"e", "3"}};
  // True pairs ab (twice, once reversed), de, and a pair with a record the map does not know.
  const std::vector<std::pair<std::string, std::string>> truth = {
      {"a", "b"}, {"b", "a"}, {"d", "e"}, {"a", "x"}, {"c", "c"}};
  const LinkageMetrics m = PairwiseLinkageMetrics(truth, cluster_of);
  EXPECT_EQ(m.true_pairs, 3);
  EXPECT_EQ(m.predicted_pairs, 3);
  EXPECT_EQ(m.correct_pairs, 1);
  EXPECT_DOUBLE_EQ(m.precision, 1.0 / 3);
  EXPECT_DOUBLE_EQ(m.recall, 1.0 / 3);
  EXPECT_DOUBLE_EQ(m.f1, 1.0 / 3);
}

TEST(LinkageMetricsTest, PerfectAndEmptyClusterings) {
  const absl::flat_hash_map<std::string, std::string> together = {{"a", "P1"}, {"b", "P1"}};
  const LinkageMetrics perfect = PairwiseLinkageMetrics({{"a", "b"}}, together);
  EXPECT_DOUBLE_EQ(perfect.f1, 1.0);
  const absl::flat_hash_map<std::string, std::string> apart = {{"a", "P1"}, {"b", "P2"}};
  const LinkageMetrics none = PairwiseLinkageMetrics({{"a", "b"}}, apart);
  EXPECT_EQ(none.predicted_pairs, 0);
  EXPECT_DOUBLE_EQ(none.precision, 1.0);
  EXPECT_DOUBLE_EQ(none.recall, 0.0);
  EXPECT_DOUBLE_EQ(none.f1, 0.0);
  const LinkageMetrics no_truth = PairwiseLinkageMetrics({}, together);
  EXPECT_DOUBLE_EQ(no_truth.precision, 0.0);
  EXPECT_DOUBLE_EQ(no_truth.recall, 1.0);
}

}  // namespace
}  // namespace clientele::identity
