#include "recommender/models/ease_model.h"

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/recommender/models/test_data.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using testdata::Ids;
using testdata::Make;
using ::testing::ElementsAre;
using ::testing::FloatNear;

// Two items, u1 {a, b}, u2 {a}: G = X^T X + lambda I = [[2 + l, 1], [1, 1 + l]]. With
// P = G^-1, B(a, b) = -P(a, b) / P(b, b) = 1 / (2 + l) and B(b, a) = 1 / (1 + l).
TEST(EaseModelTest, ClosedFormByHand) {
  Dataset data = Make({{"u1", "a", 4, 0}, {"u1", "b", 2, 0}, {"u2", "a", 5, 0}});
  auto model = TrainModel({"ease", {{"lambda", 1}}}, data);
  ASSERT_THAT(model.status(), IsOk());
  const auto& ease = static_cast<const EaseModel&>(**model);
  const int32_t a = *ease.FindItem("a"), b = *ease.FindItem("b");
  EXPECT_THAT(ease.Weight(a, b), FloatNear(1.0 / 3, 1e-6));
  EXPECT_THAT(ease.Weight(b, a), FloatNear(1.0 / 2, 1e-6));
  EXPECT_EQ(ease.Weight(a, a), 0);
  EXPECT_EQ(ease.Weight(b, b), 0);
  // u2 has a: b scores B(a, b).
  auto recs = ease.Recommend(testdata::ForUser(ease, "u2"));
  ASSERT_THAT(recs.status(), IsOk());
  EXPECT_THAT(Ids(ease, *recs), ElementsAre("b"));
  EXPECT_THAT((*recs)[0].score, FloatNear(1.0 / 3, 1e-6));
  EXPECT_EQ((*recs)[0].reason_text, "bought with a");
}

// The same data with dropout 0.5: Lambda = I + diag(G) = diag(3, 2), G + Lambda =
// [[5, 1], [1, 3]], P = [[3, -1], [-1, 5]] / 14: B(a, b) = (1/14) / (5/14) = 1/5 and
// B(b, a) = (1/14) / (3/14) = 1/3. Without the diagonal constraint and dropout 0 (DLAE,
// Lambda = I): B(a, b) = B(b, a) = -P(a, b) * 1 = 1/5 with P = [[2, -1], [-1, 3]] / 5.
TEST(EaseModelTest, DropoutAndUnconstrainedVariantsByHand) {
  Dataset data = Make({{"u1", "a", 4, 0}, {"u1", "b", 2, 0}, {"u2", "a", 5, 0}});
  auto edlae = TrainModel({"ease", {{"lambda", 1}, {"dropout", 0.5}}}, data);
  auto dlae = TrainModel({"ease", {{"lambda", 1}, {"constraint", 0}}}, data);
  ASSERT_THAT(edlae.status(), IsOk());
  ASSERT_THAT(dlae.status(), IsOk());
  const auto& e = static_cast<const EaseModel&>(**edlae);
  const auto& d = static_cast<const EaseModel&>(**dlae);
  const int32_t a = *e.FindItem("a"), b = *e.FindItem("b");
  EXPECT_THAT(e.Weight(a, b), FloatNear(1.0 / 5, 1e-6));
  EXPECT_THAT(e.Weight(b, a), FloatNear(1.0 / 3, 1e-6));
  EXPECT_EQ(e.Weight(a, a), 0);
  EXPECT_THAT(d.Weight(a, b), FloatNear(1.0 / 5, 1e-6));
  EXPECT_THAT(d.Weight(b, a), FloatNear(1.0 / 5, 1e-6));
  EXPECT_THAT(d.Weight(a, a), FloatNear(1 - 2.0 / 5, 1e-6));  // 1 - P(a, a) Lambda(a, a).
  EXPECT_FALSE(CreateModel({"ease", {{"dropout", 1}}}).ok());
}

// Three items; a user with a and b: c's score sums rows a and b of B.
TEST(EaseModelTest, ScoresSumTheHistoryRows) {
  Dataset data = Make({{"u1", "a", 1, 0},
                       {"u1", "c", 1, 0},
                       {"u2", "b", 1, 0},
                       {"u2", "c", 1, 0},
                       {"u3", "a", 1, 0},
                       {"u3", "b", 1, 0}});
  auto model = TrainModel({"ease", {{"lambda", 0.5}}}, data);
  ASSERT_THAT(model.status(), IsOk());
  const auto& ease = static_cast<const EaseModel&>(**model);
  const int32_t a = *ease.FindItem("a"), b = *ease.FindItem("b"), c = *ease.FindItem("c");
  RecommendRequest request;
  request.history = {{a, 1}, {b, 1}};
  auto recs = ease.Recommend(request);
  ASSERT_THAT(recs.status(), IsOk());
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_EQ((*recs)[0].item, c);
  EXPECT_THAT((*recs)[0].score, FloatNear(ease.Weight(a, c) + ease.Weight(b, c), 1e-6));
  // Symmetric data: B(a, c) = B(b, c) > 0.
  EXPECT_THAT(ease.Weight(a, c), FloatNear(ease.Weight(b, c), 1e-6));
  EXPECT_GT(ease.Weight(a, c), 0);
}

// Above max_items the most frequent items are fitted (a: 3 users, b: 2) and the rest (c: 1)
// comes after them by popularity, with the fit note saying so.
TEST(EaseModelTest, TooManyItemsFitTheMostFrequent) {
  Dataset data = Make({{"u1", "a", 1, 0},
                       {"u1", "b", 1, 0},
                       {"u2", "c", 1, 0},
                       {"u2", "a", 1, 0},
                       {"u3", "b", 1, 0},
                       {"u3", "a", 1, 0},
                       {"u4", "a", 1, 0}});
  auto model = TrainModel({"ease", {{"max_items", 2}, {"lambda", 1}}}, data);
  ASSERT_THAT(model.status(), IsOk());
  const auto& ease = static_cast<const EaseModel&>(**model);
  EXPECT_THAT(ease.fit_note(), ::testing::HasSubstr("max_items"));
  const int32_t a = *ease.FindItem("a"), b = *ease.FindItem("b"), c = *ease.FindItem("c");
  EXPECT_GT(ease.Weight(a, b), 0);
  EXPECT_EQ(ease.Weight(a, c), 0);
  EXPECT_EQ(ease.Weight(c, b), 0);
  auto recs = ease.Recommend(testdata::ForUser(ease, "u4"));
  ASSERT_THAT(recs.status(), IsOk());
  EXPECT_THAT(Ids(ease, *recs), ElementsAre("b", "c"));
  EXPECT_EQ((*recs)[0].reason_text, "bought with a");
  EXPECT_EQ((*recs)[1].reason_text, "popular");
  auto again = DeserializeModel(ease.Serialize());
  ASSERT_THAT(again.status(), IsOk());
  auto recs2 = (*again)->Recommend(testdata::ForUser(**again, "u4"));
  ASSERT_THAT(recs2.status(), IsOk());
  EXPECT_THAT(Ids(**again, *recs2), ElementsAre("b", "c"));
}

TEST(EaseModelTest, BadLambdaIsAnError) {
  EXPECT_FALSE(CreateModel({"ease", {{"lambda", 0}}}).ok());
}

}  // namespace
}  // namespace clientele::recommender
