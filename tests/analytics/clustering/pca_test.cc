#include "analytics/clustering/pca.h"

#include <cmath>

#include "analytics/clustering/random.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

TEST(PcaTest, PointsOnALineHaveOneComponent) {
  // y = 2x: all variance along (1, 2) / sqrt(5).
  Eigen::MatrixXd X(5, 2);
  X << 0, 0, 1, 2, 2, 4, 3, 6, 4, 8;
  absl::StatusOr<PcaResult> pca = Pca(X, 2);
  ASSERT_THAT(pca, IsOk());
  EXPECT_NEAR(pca->explained_variance_ratio(0), 1.0, 1e-12);
  EXPECT_NEAR(pca->explained_variance_ratio(1), 0.0, 1e-12);
  // var(x) + var(y) with ddof 1: 2.5 + 10.
  EXPECT_NEAR(pca->explained_variance(0), 12.5, 1e-12);
  EXPECT_NEAR(std::abs(pca->components(0, 0)), 1 / std::sqrt(5.0), 1e-12);
  EXPECT_NEAR(std::abs(pca->components(0, 1)), 2 / std::sqrt(5.0), 1e-12);
  // Projection: signed distance along the line from the mean (2, 4); largest |value| positive.
  EXPECT_NEAR(std::abs(pca->projected(0, 0)), std::sqrt(20.0), 1e-12);
  EXPECT_NEAR(pca->projected(0, 0) + pca->projected(4, 0), 0.0, 1e-12);
  const Eigen::Index at =
      pca->projected.col(0).cwiseAbs().maxCoeff() == std::abs(pca->projected(0, 0)) ? 0 : 4;
  EXPECT_GT(pca->projected(at, 0), 0.0);
}

TEST(PcaTest, ComponentsAreOrthonormalAndRatiosSumToOne) {
  ClusteringRng rng(4);
  Eigen::MatrixXd X(200, 4);
  for (int i = 0; i < 200; ++i) {
    const double a = rng.Uniform(), b = rng.Uniform();
    X.row(i) << 3 * a, a + 0.5 * b, b, 0.1 * rng.Uniform();
  }
  absl::StatusOr<PcaResult> pca = Pca(X, 4);
  ASSERT_THAT(pca, IsOk());
  EXPECT_TRUE((pca->components * pca->components.transpose())
                  .isApprox(Eigen::MatrixXd::Identity(4, 4), 1e-10));
  EXPECT_NEAR(pca->explained_variance_ratio.sum(), 1.0, 1e-12);
  for (int c = 1; c < 4; ++c) {
    EXPECT_GE(pca->explained_variance(c - 1), pca->explained_variance(c));
  }
  absl::StatusOr<Eigen::MatrixXd> again = PcaTransform(*pca, X);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->isApprox(pca->projected, 1e-12));
  // Variance of each projected column equals its explained variance.
  for (int c = 0; c < 4; ++c) {
    const Eigen::VectorXd col = pca->projected.col(c).array() - pca->projected.col(c).mean();
    EXPECT_NEAR(col.squaredNorm() / 199.0, pca->explained_variance(c), 1e-10);
  }
}

TEST(PcaTest, BadInput) {
  EXPECT_THAT(Pca(Eigen::MatrixXd(1, 3), 2),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("2 rows")));
  EXPECT_THAT(Pca(Eigen::MatrixXd::Zero(4, 2), 3),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("components")));
  Eigen::MatrixXd bad = Eigen::MatrixXd::Zero(3, 2);
  bad(1, 1) = NAN;
  EXPECT_THAT(Pca(bad, 1), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("NaN")));
  absl::StatusOr<PcaResult> pca = Pca(Eigen::MatrixXd::Identity(3, 3), 2);
  ASSERT_THAT(pca, IsOk());
  EXPECT_THAT(PcaTransform(*pca, Eigen::MatrixXd::Zero(2, 2)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("columns")));
}

}  // namespace
}  // namespace clientele::analytics
