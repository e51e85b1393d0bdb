// svd (GF-CF's ideal low-pass filter: PureSVD on the degree-normalized matrix) on
// hand-checked data.
#include "recommender/models/svd_model.h"

#include <cmath>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/recommender/models/test_data.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using testdata::Ids;
using testdata::Make;
using ::testing::ElementsAre;
using ::testing::FloatNear;
using ::testing::HasSubstr;

// u1 {a, b}, u2 {a}.
Dataset TwoItems() { return Make({{"u1", "a", 4, 0}, {"u1", "b", 2, 0}, {"u2", "a", 5, 0}}); }

// normalize 0: G = X^T X = [[2, 1], [1, 1]], top eigenvalue (3 + sqrt 5) / 2 with eigenvector
// v ~ (1, (sqrt 5 - 1) / 2); W(a, b) = v_a v_b = 1 / sqrt 5.
TEST(SvdModelTest, PlainPureSvdByHand) {
  auto model = TrainModel({"svd", {{"factors", 1}, {"normalize", 0}}}, TwoItems());
  ASSERT_THAT(model.status(), IsOk());
  const auto& svd = static_cast<const SvdModel&>(**model);
  const int32_t a = *svd.FindItem("a"), b = *svd.FindItem("b");
  EXPECT_THAT(svd.Weight(a, b), FloatNear(1 / std::sqrt(5.0), 1e-6));
  EXPECT_THAT(svd.Weight(b, a), FloatNear(1 / std::sqrt(5.0), 1e-6));
}

// normalize 0.5: X^T D_U^-1 X = [[1.5, 0.5], [0.5, 0.5]] (u1 counts 1/2, u2 1), scaled by
// D_I^-1/2 = diag(1/sqrt 2, 1): G = [[0.75, 0.5/sqrt 2], [0.5/sqrt 2, 0.5]], eigenvalues 1 and
// 0.25, top eigenvector v = (1, 1/sqrt 2) / sqrt 1.5. W(j, i) = d_j^-1/2 v_j v_i d_i^1/2:
// W(a, b) = (1/sqrt 2)(sqrt 2 / 3) = 1/3 and W(b, a) = (sqrt 2 / 3) sqrt 2 = 2/3.
TEST(SvdModelTest, NormalizedFilterByHand) {
  auto model = TrainModel({"svd", {{"factors", 1}}}, TwoItems());
  ASSERT_THAT(model.status(), IsOk());
  const auto& svd = static_cast<const SvdModel&>(**model);
  const int32_t a = *svd.FindItem("a"), b = *svd.FindItem("b");
  EXPECT_THAT(svd.Weight(a, b), FloatNear(1.0 / 3, 1e-6));
  EXPECT_THAT(svd.Weight(b, a), FloatNear(2.0 / 3, 1e-6));
  // u2 has a: b scores W(a, b).
  auto recs = svd.Recommend(testdata::ForUser(svd, "u2"));
  ASSERT_THAT(recs.status(), IsOk());
  EXPECT_THAT(Ids(svd, *recs), ElementsAre("b"));
  EXPECT_THAT((*recs)[0].score, FloatNear(1.0 / 3, 1e-6));
  EXPECT_EQ((*recs)[0].reason_text, "bought with a");
}

// With every eigenvector kept the filter is D_I^-a I D_I^a = I: nothing but the history itself
// scores, so the other item comes from the popularity fallback, unscored.
TEST(SvdModelTest, FullRankFilterOnlyReproducesTheHistory) {
  auto model = TrainModel({"svd", {{"factors", 100}}}, TwoItems());
  ASSERT_THAT(model.status(), IsOk());
  const auto& svd = static_cast<const SvdModel&>(**model);
  EXPECT_EQ(svd.factors(), 2);  // Capped at the number of items.
  const int32_t a = *svd.FindItem("a"), b = *svd.FindItem("b");
  EXPECT_THAT(svd.Weight(a, a), FloatNear(1, 1e-5));
  EXPECT_THAT(svd.Weight(a, b), FloatNear(0, 1e-5));
  EXPECT_THAT(svd.Weight(b, a), FloatNear(0, 1e-5));
}

TEST(SvdModelTest, LimitsAndBadParameters) {
  EXPECT_THAT(TrainModel({"svd", {{"max_items", 1}}}, TwoItems()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_items")));
  EXPECT_FALSE(CreateModel({"svd", {{"factors", 0}}}).ok());
  EXPECT_FALSE(CreateModel({"svd", {{"normalize", 2}}}).ok());
  EXPECT_FALSE(CreateModel({"svd", {{"rank", 3}}}).ok());
}

}  // namespace
}  // namespace clientele::recommender
