#include "analytics/clustering/standard_scaler.h"

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

Eigen::MatrixXd Sample() {
  Eigen::MatrixXd X(4, 3);
  X << 1, 10, 5,  //
      2, 20, 5,   //
      3, 30, 5,   //
      4, 40, 5;
  return X;
}

TEST(StandardScalerTest, MatchesHandComputedPopulationStatistics) {
  StandardScaler scaler;
  ASSERT_THAT(scaler.Fit(Sample()), IsOk());
  // Column 0: mean 2.5, deviations -1.5 -0.5 0.5 1.5, var = (2.25+0.25+0.25+2.25)/4 = 1.25.
  // Column 1 is column 0 times 10: mean 25, var 125. Column 2 is constant: var 0, scale 1.
  EXPECT_DOUBLE_EQ(scaler.mean()(0), 2.5);
  EXPECT_DOUBLE_EQ(scaler.mean()(1), 25.0);
  EXPECT_DOUBLE_EQ(scaler.mean()(2), 5.0);
  EXPECT_DOUBLE_EQ(scaler.variance()(0), 1.25);
  EXPECT_DOUBLE_EQ(scaler.variance()(1), 125.0);
  EXPECT_DOUBLE_EQ(scaler.variance()(2), 0.0);
  EXPECT_DOUBLE_EQ(scaler.scale()(0), std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(scaler.scale()(1), std::sqrt(125.0));
  EXPECT_DOUBLE_EQ(scaler.scale()(2), 1.0);

  absl::StatusOr<Eigen::MatrixXd> Z = scaler.Transform(Sample());
  ASSERT_THAT(Z, IsOk());
  const double z0 = -1.5 / std::sqrt(1.25);  // -1.3416407864998738
  const double z1 = -0.5 / std::sqrt(1.25);  // -0.4472135954999579
  const double expected[4] = {z0, z1, -z1, -z0};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR((*Z)(i, 0), expected[i], 1e-15);
    EXPECT_NEAR((*Z)(i, 1), expected[i], 1e-15);
    EXPECT_EQ((*Z)(i, 2), 0.0);
  }
  EXPECT_NEAR((*Z)(0, 0), -1.3416407864998738, 1e-15);
}

TEST(StandardScalerTest, TransformedColumnsHaveZeroMeanAndUnitPopulationStd) {
  Eigen::MatrixXd X(6, 2);
  X << 3.5, -100, 1.25, 7, 9, 1e3, 0, 0, -4, 12.5, 2, 8;
  StandardScaler scaler;
  absl::StatusOr<Eigen::MatrixXd> Z = scaler.FitTransform(X);
  ASSERT_THAT(Z, IsOk());
  for (int j = 0; j < 2; ++j) {
    EXPECT_NEAR(Z->col(j).mean(), 0.0, 1e-12);
    EXPECT_NEAR(Z->col(j).squaredNorm() / 6.0, 1.0, 1e-12);
  }
  absl::StatusOr<Eigen::MatrixXd> back = scaler.InverseTransform(*Z);
  ASSERT_THAT(back, IsOk());
  EXPECT_TRUE(back->isApprox(X, 1e-12));
}

TEST(StandardScalerTest, NearConstantColumnFromRoundingGetsScaleOne) {
  // 0.1 is not representable, so the computed mean may differ from each value by an ulp.
  Eigen::MatrixXd X = Eigen::MatrixXd::Constant(10, 1, 0.1);
  X.conservativeResize(10, 2);
  X.col(1).setConstant(1e10 + 0.3);
  StandardScaler scaler;
  ASSERT_THAT(scaler.Fit(X), IsOk());
  EXPECT_EQ(scaler.scale()(0), 1.0);
  EXPECT_EQ(scaler.scale()(1), 1.0);
  absl::StatusOr<Eigen::MatrixXd> Z = scaler.Transform(X);
  ASSERT_THAT(Z, IsOk());
  EXPECT_LT(Z->cwiseAbs().maxCoeff(), 1e-5);
}

TEST(StandardScalerTest, SingleRowGivesZeros) {
  Eigen::MatrixXd X(1, 2);
  X << 4, -7;
  StandardScaler scaler;
  absl::StatusOr<Eigen::MatrixXd> Z = scaler.FitTransform(X);
  ASSERT_THAT(Z, IsOk());
  EXPECT_EQ((*Z)(0, 0), 0.0);
  EXPECT_EQ((*Z)(0, 1), 0.0);
}

TEST(StandardScalerTest, Errors) {
  StandardScaler scaler;
  EXPECT_FALSE(scaler.fitted());
  EXPECT_THAT(scaler.Transform(Sample()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("Fit")));
  EXPECT_THAT(scaler.Fit(Eigen::MatrixXd(0, 3)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
  Eigen::MatrixXd bad = Sample();
  bad(2, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(scaler.Fit(bad), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("NaN")));
  EXPECT_FALSE(scaler.fitted());

  ASSERT_THAT(scaler.Fit(Sample()), IsOk());
  EXPECT_THAT(scaler.Transform(Eigen::MatrixXd::Zero(2, 2)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("3 columns, got 2")));
  EXPECT_THAT(scaler.InverseTransform(Eigen::MatrixXd::Zero(2, 4)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("3 columns, got 4")));
}

}  // namespace
}  // namespace clientele::analytics
