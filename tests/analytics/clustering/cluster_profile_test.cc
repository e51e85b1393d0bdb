#include "analytics/clustering/cluster_profile.h"

#include <cmath>
#include <limits>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ClusterProfileTest, SizesMeansAndTopCategories) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const FeatureFrame frame = {
      NumericColumn("spend", {10, 20, nan, 100, 300}),
      CategoricalColumn("country", {"UK", "FR", "UK", "DE", ""}),
  };
  absl::StatusOr<std::vector<ClusterProfile>> p = ProfileClusters(frame, {0, 0, 0, 1, 1}, 3, 1);
  ASSERT_THAT(p, IsOk());
  ASSERT_EQ(p->size(), 3u);
  EXPECT_EQ((*p)[0].size, 3);
  EXPECT_DOUBLE_EQ((*p)[0].share, 0.6);
  EXPECT_DOUBLE_EQ((*p)[0].features[0].mean, 15.0);  // NaN skipped.
  ASSERT_EQ((*p)[0].features[1].top.size(), 1u);
  EXPECT_EQ((*p)[0].features[1].top[0].value, "UK");
  EXPECT_EQ((*p)[0].features[1].top[0].count, 2);
  EXPECT_NEAR((*p)[0].features[1].top[0].share, 2.0 / 3.0, 1e-15);
  EXPECT_DOUBLE_EQ((*p)[1].features[0].mean, 200.0);
  EXPECT_EQ((*p)[1].features[1].top[0].value, "DE");
  EXPECT_DOUBLE_EQ((*p)[1].features[1].top[0].share, 1.0);  // "" is missing, not counted.
  EXPECT_EQ((*p)[2].size, 0);                               // Empty cluster.
  EXPECT_TRUE(std::isnan((*p)[2].features[0].mean));
  EXPECT_TRUE((*p)[2].features[1].top.empty());
}

TEST(ClusterProfileTest, BadInput) {
  const FeatureFrame frame = {NumericColumn("a", {1, 2})};
  EXPECT_THAT(ProfileClusters(frame, {0}, 2),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"a\" has 2 rows")));
  EXPECT_THAT(ProfileClusters(frame, {0, 2}, 2),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("row 1 is 2")));
  EXPECT_THAT(ProfileClusters({}, {}, 2),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no columns")));
  EXPECT_THAT(ProfileClusters(frame, {0, 1}, 2, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("top_categories")));
}

}  // namespace
}  // namespace clientele::analytics
