#include "analytics/features/preprocessor.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

TEST(PreprocessorTest, StandardisesNumericColumns) {
  const FeatureFrame frame = {NumericColumn("a", {1, 2, 3, 4}), NumericColumn("b", {5, 5, 5, 5})};
  absl::StatusOr<Preprocessor> pre = Preprocessor::Fit(frame);
  ASSERT_THAT(pre, IsOk());
  absl::StatusOr<Eigen::MatrixXd> X = pre->Transform(frame);
  ASSERT_THAT(X, IsOk());
  // mean 2.5, population sd sqrt(1.25).
  const double sd = std::sqrt(1.25);
  EXPECT_NEAR((*X)(0, 0), -1.5 / sd, 1e-12);
  EXPECT_NEAR((*X)(3, 0), 1.5 / sd, 1e-12);
  // A constant column maps to zeros (scale 1), not NaN.
  EXPECT_EQ((*X)(2, 1), 0.0);
  EXPECT_THAT(pre->output_names(), ElementsAre("a", "b"));
}

TEST(PreprocessorTest, Log1pThenMedianImputation) {
  // log1p values: 0, log 2, log 4, missing, log 8 -> median of present = (log 2 + log 4) / 2.
  const FeatureFrame frame = {NumericColumn("m", {0, 1, 3, kNan, 7}, /*log1p=*/true)};
  absl::StatusOr<Preprocessor> pre = Preprocessor::Fit(frame);
  ASSERT_THAT(pre, IsOk());
  absl::StatusOr<Eigen::MatrixXd> X = pre->Transform(frame);
  ASSERT_THAT(X, IsOk());
  const double median = (std::log(2.0) + std::log(4.0)) / 2;
  std::vector<double> v = {0, std::log(2.0), std::log(4.0), median, std::log(8.0)};
  double mean = 0;
  for (double x : v) mean += x / 5;
  double var = 0;
  for (double x : v) var += (x - mean) * (x - mean) / 5;
  for (int i = 0; i < 5; ++i) EXPECT_NEAR((*X)(i, 0), (v[i] - mean) / std::sqrt(var), 1e-12) << i;
  // A new row with the value missing gets the imputed median too.
  absl::StatusOr<Eigen::RowVectorXd> row = pre->TransformRow({FeatureValue{}});
  ASSERT_THAT(row, IsOk());
  EXPECT_NEAR((*row)(0), (*X)(3, 0), 1e-15);
}

TEST(PreprocessorTest, OneHotKeepsTheMostFrequentCategories) {
  const FeatureFrame frame = {
      CategoricalColumn("country", {"UK", "FR", "UK", "DE", "", "FR", "UK", "NL"})};
  PreprocessorOptions options;
  options.max_categories = 3;
  absl::StatusOr<Preprocessor> pre = Preprocessor::Fit(frame, options);
  ASSERT_THAT(pre, IsOk());
  // UK 3, FR 2, then DE and NL tie at 1: DE wins by name.
  EXPECT_THAT(pre->output_names(), ElementsAre("country=UK", "country=FR", "country=DE"));
  absl::StatusOr<Eigen::MatrixXd> X = pre->Transform(frame);
  ASSERT_THAT(X, IsOk());
  EXPECT_EQ(X->row(0), Eigen::RowVector3d(1, 0, 0));
  EXPECT_EQ(X->row(3), Eigen::RowVector3d(0, 0, 1));
  EXPECT_EQ(X->row(4), Eigen::RowVector3d(0, 0, 0));  // missing
  EXPECT_EQ(X->row(7), Eigen::RowVector3d(0, 0, 0));  // dropped category
  absl::StatusOr<Eigen::RowVectorXd> row = pre->TransformRow({std::string("FR")});
  ASSERT_THAT(row, IsOk());
  EXPECT_EQ(*row, Eigen::RowVector3d(0, 1, 0));
  row = pre->TransformRow({std::string("Mars")});
  ASSERT_THAT(row, IsOk());
  EXPECT_EQ(*row, Eigen::RowVector3d(0, 0, 0));
}

TEST(PreprocessorTest, TransformRowEqualsTransformOfTheSameRow) {
  const FeatureFrame frame = {NumericColumn("r", {1, 10, 100, 3}, true),
                              CategoricalColumn("c", {"x", "y", "x", "z"}),
                              NumericColumn("f", {2, kNan, 4, 9})};
  absl::StatusOr<Preprocessor> pre = Preprocessor::Fit(frame);
  ASSERT_THAT(pre, IsOk());
  absl::StatusOr<Eigen::MatrixXd> X = pre->Transform(frame);
  ASSERT_THAT(X, IsOk());
  absl::StatusOr<Eigen::RowVectorXd> row = pre->TransformRow({100.0, std::string("x"), 4.0});
  ASSERT_THAT(row, IsOk());
  EXPECT_EQ(*row, X->row(2));
  row = pre->TransformRow({10.0, std::string("y"), FeatureValue{}});  // f missing, as in row 1
  ASSERT_THAT(row, IsOk());
  EXPECT_EQ(*row, X->row(1));
  EXPECT_THAT(pre->output_names(), ElementsAre("r", "c=x", "c=y", "c=z", "f"));
}

TEST(PreprocessorTest, EncodeDecodeTransformsIdentically) {
  const FeatureFrame frame = {NumericColumn("r", {1, 10, 100, 3}, true),
                              CategoricalColumn("c", {"x", "y", "x", "z"})};
  absl::StatusOr<Preprocessor> pre = Preprocessor::Fit(frame);
  ASSERT_THAT(pre, IsOk());
  absl::StatusOr<Preprocessor> back = Preprocessor::Decode(pre->Encode());
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->output_names(), pre->output_names());
  EXPECT_EQ(*back->Transform(frame), *pre->Transform(frame));
  const std::string bytes = pre->Encode();
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_THAT(Preprocessor::Decode(bytes.substr(0, cut)),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("preprocessor")))
        << cut;
  }
}

TEST(PreprocessorTest, BadInputNamesColumnAndRow) {
  EXPECT_THAT(Preprocessor::Fit({}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no columns")));
  EXPECT_THAT(Preprocessor::Fit({NumericColumn("m", {1, -2}, true)}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"m\" row 1")));
  EXPECT_THAT(Preprocessor::Fit({NumericColumn("m", {kNan, kNan})}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("every value is missing")));
  EXPECT_THAT(Preprocessor::Fit({NumericColumn("m", {1, 2}), NumericColumn("m", {1, 2})}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("repeated")));
  EXPECT_THAT(Preprocessor::Fit({NumericColumn("a", {1, 2}), NumericColumn("b", {1})}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"b\": 1 rows")));
  EXPECT_THAT(Preprocessor::Fit({NumericColumn("a", {1, std::numeric_limits<double>::infinity()})}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not finite")));
  absl::StatusOr<Preprocessor> pre =
      Preprocessor::Fit({NumericColumn("a", {1, 2}), CategoricalColumn("c", {"x", "y"})});
  ASSERT_THAT(pre, IsOk());
  EXPECT_THAT(pre->TransformRow({std::string("x"), std::string("x")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"a\": expected a number")));
  EXPECT_THAT(pre->TransformRow({1.0, 2.0}), StatusIs(absl::StatusCode::kInvalidArgument,
                                                      HasSubstr("\"c\": expected a category")));
  EXPECT_THAT(pre->TransformRow({1.0}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("1 values")));
  EXPECT_THAT(pre->Transform({CategoricalColumn("a", {"x"}), CategoricalColumn("c", {"x"})}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expects \"a\"")));
}

}  // namespace
}  // namespace clientele::analytics
