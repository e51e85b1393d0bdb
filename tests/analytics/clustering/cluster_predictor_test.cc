#include "analytics/clustering/cluster_predictor.h"

#include <cmath>
#include <string>

#include "analytics/clustering/kmeans.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

TEST(PredictClusterTest, NewRowGoesWhereItsTwinWent) {
  // Two groups: small spenders in FR, big spenders in UK.
  const FeatureFrame frame = {
      NumericColumn("monetary", {10, 12, 11, 900, 1000, 950}, /*log1p=*/true),
      CategoricalColumn("country", {"FR", "FR", "FR", "UK", "UK", "UK"})};
  absl::StatusOr<Preprocessor> pre = Preprocessor::Fit(frame);
  ASSERT_THAT(pre, IsOk());
  absl::StatusOr<Eigen::MatrixXd> X = pre->Transform(frame);
  ASSERT_THAT(X, IsOk());
  KMeansOptions options;
  options.k = 2;
  absl::StatusOr<KMeansResult> km = KMeans(*X, options);
  ASSERT_THAT(km, IsOk());
  absl::StatusOr<ClusterPrediction> big =
      PredictCluster(*pre, km->centroids, {980.0, std::string("UK")});
  ASSERT_THAT(big, IsOk());
  EXPECT_EQ(big->cluster, km->labels[4]);
  absl::StatusOr<ClusterPrediction> small =
      PredictCluster(*pre, km->centroids, {9.0, std::string("FR")});
  ASSERT_THAT(small, IsOk());
  EXPECT_EQ(small->cluster, km->labels[0]);
  EXPECT_NEAR(small->distance, small->distances.minCoeff(), 0);
  EXPECT_EQ(small->features.size(), 3);
  // A known row predicts exactly its own transformed coordinates.
  absl::StatusOr<ClusterPrediction> twin =
      PredictCluster(*pre, km->centroids, {1000.0, std::string("UK")});
  ASSERT_THAT(twin, IsOk());
  EXPECT_EQ(twin->features, X->row(4));
}

TEST(PredictClusterTest, Errors) {
  absl::StatusOr<Preprocessor> pre = Preprocessor::Fit({NumericColumn("a", {1, 2, 3})});
  ASSERT_THAT(pre, IsOk());
  EXPECT_THAT(PredictCluster(*pre, Eigen::MatrixXd::Zero(2, 2), {1.0}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("columns")));
  EXPECT_THAT(PredictCluster(*pre, Eigen::MatrixXd(0, 1), {1.0}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no centroids")));
  EXPECT_THAT(PredictCluster(*pre, Eigen::MatrixXd::Zero(2, 1), {std::string("x")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"a\"")));
}

TEST(ClusterCentroidsTest, MeansPerLabelAndNanForEmpty) {
  Eigen::MatrixXd X(4, 2);
  X << 0, 0, 2, 2, 10, 10, 12, 14;
  absl::StatusOr<Eigen::MatrixXd> c = ClusterCentroids(X, {0, 0, 1, 1}, 3);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->row(0), Eigen::RowVector2d(1, 1));
  EXPECT_EQ(c->row(1), Eigen::RowVector2d(11, 12));
  EXPECT_TRUE(std::isnan((*c)(2, 0)));
  EXPECT_THAT(ClusterCentroids(X, {0, 0, 5, 1}, 3),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("row 2")));
}

}  // namespace
}  // namespace clientele::analytics
