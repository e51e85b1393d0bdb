// item_cf (cosine), sar (co-occurrence with Jaccard / lift, time decay) and rp3beta (random walk
// with a popularity penalty) on hand-checked data.
#include <cmath>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "recommender/models/item_cf_model.h"
#include "recommender/models/rp3beta_model.h"
#include "recommender/models/sar_model.h"
#include "tests/recommender/models/test_data.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using testdata::Ids;
using testdata::Make;
using ::testing::ElementsAre;
using ::testing::FloatNear;

// u1 {a, b}, u2 {a, b, c}, u3 {c, d}. Binary co-occurrence: c_ab = 2, c_ac = c_bc = 1,
// c_cd = 1; occurrences a 2, b 2, c 2, d 1.
Dataset Baskets() {
  return Make({{"u1", "a", 5, 0},
               {"u1", "b", 1, -30},
               {"u2", "a", 1, 0},
               {"u2", "b", 1, 0},
               {"u2", "c", 1, 0},
               {"u3", "c", 1, 0},
               {"u3", "d", 1, 0}});
}

TEST(ItemCfModelTest, CosineSimilarityByHand) {
  auto model = TrainModel({"item_cf"}, Baskets());
  ASSERT_THAT(model.status(), IsOk());
  const auto& cf = static_cast<const ItemCfModel&>(**model);
  auto id = [&](const char* s) { return *cf.FindItem(s); };
  // ||a|| = ||b|| = ||c|| = sqrt 2, ||d|| = 1.
  EXPECT_THAT(cf.Similarity(id("a"), id("b")), FloatNear(1.0, 1e-6));
  EXPECT_THAT(cf.Similarity(id("a"), id("c")), FloatNear(0.5, 1e-6));
  EXPECT_THAT(cf.Similarity(id("c"), id("d")), FloatNear(1 / std::sqrt(2.0), 1e-6));
  EXPECT_EQ(cf.Similarity(id("a"), id("d")), 0);
}

TEST(ItemCfModelTest, RecommendsNeighboursOfTheHistoryWithReason) {
  auto model = TrainModel({"item_cf"}, Baskets());
  ASSERT_THAT(model.status(), IsOk());
  auto recs = (*model)->Recommend(testdata::ForUser(**model, "u1"));
  ASSERT_THAT(recs.status(), IsOk());
  // u1 has a, b: c scores 0.5 + 0.5 = 1; d is no neighbour: popularity fallback after it.
  EXPECT_THAT(Ids(**model, *recs), ElementsAre("c", "d"));
  EXPECT_THAT((*recs)[0].score, FloatNear(1.0, 1e-6));
  EXPECT_EQ((*recs)[0].reason_text, "similar to a");  // Tie: the lower index.
  EXPECT_EQ((*recs)[1].reason_text, "popular");
}

TEST(ItemCfModelTest, NeighboursAreCapped) {
  auto model = TrainModel({"item_cf", {{"neighbors", 1}}}, Baskets());
  ASSERT_THAT(model.status(), IsOk());
  const auto& cf = static_cast<const ItemCfModel&>(**model);
  // c's neighbours a (.5), b (.5), d (.707): only d is kept.
  EXPECT_EQ(cf.Similarity(*cf.FindItem("c"), *cf.FindItem("a")), 0);
  EXPECT_GT(cf.Similarity(*cf.FindItem("c"), *cf.FindItem("d")), 0);
}

TEST(SarModelTest, JaccardAndLiftByHand) {
  auto jaccard = TrainModel({"sar"}, Baskets());
  auto lift = TrainModel({"sar", {{"similarity", 2}}}, Baskets());
  ASSERT_THAT(jaccard.status(), IsOk());
  ASSERT_THAT(lift.status(), IsOk());
  const auto& j = static_cast<const SarModel&>(**jaccard);
  const auto& l = static_cast<const SarModel&>(**lift);
  auto id = [&](const char* s) { return *j.FindItem(s); };
  EXPECT_THAT(j.Similarity(id("a"), id("b")), FloatNear(2.0 / (2 + 2 - 2), 1e-6));
  EXPECT_THAT(j.Similarity(id("a"), id("c")), FloatNear(1.0 / (2 + 2 - 1), 1e-6));
  EXPECT_THAT(j.Similarity(id("c"), id("d")), FloatNear(1.0 / (2 + 1 - 1), 1e-6));
  EXPECT_THAT(l.Similarity(id("a"), id("c")), FloatNear(1.0 / (2 * 2), 1e-6));
  EXPECT_THAT(l.Similarity(id("c"), id("d")), FloatNear(1.0 / (2 * 1), 1e-6));
}

TEST(SarModelTest, TimeDecayedAffinity) {
  // Half-life 30 days; the latest time in the data is day 0. u1: a rated 5 on day 0 -> 5,
  // b rated 1 on day -30 -> 0.5. score(c) = 5 * J(a,c) + 0.5 * J(b,c) = 5.5 / 3.
  auto model = TrainModel({"sar"}, Baskets());
  ASSERT_THAT(model.status(), IsOk());
  auto recs = (*model)->Recommend(testdata::ForUser(**model, "u1", 1));
  ASSERT_THAT(recs.status(), IsOk());
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_EQ((**model).items().id((*recs)[0].item), "c");
  EXPECT_THAT((*recs)[0].score, FloatNear(5.5 / 3, 1e-5));
  EXPECT_EQ((*recs)[0].reason_text, "bought with a");
  // Without decay: (5 + 1) / 3.
  auto flat = TrainModel({"sar", {{"half_life_days", 0}}}, Baskets());
  ASSERT_THAT(flat.status(), IsOk());
  auto flat_recs = (*flat)->Recommend(testdata::ForUser(**flat, "u1", 1));
  ASSERT_THAT(flat_recs.status(), IsOk());
  EXPECT_THAT((*flat_recs)[0].score, FloatNear(6.0 / 3, 1e-5));
}

TEST(SarModelTest, RequestHistoryReplacesTrainingEntries) {
  auto model = TrainModel({"sar"}, Baskets());
  ASSERT_THAT(model.status(), IsOk());
  RecommendRequest request = testdata::ForUser(**model, "u1", 1);
  // a's affinity 5 becomes 2 (the later of two entries), b keeps 0.5: (2 + 0.5) / 3.
  request.history = {{*(*model)->FindItem("a"), 7}, {*(*model)->FindItem("a"), 2}};
  auto recs = (*model)->Recommend(request);
  ASSERT_THAT(recs.status(), IsOk());
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_THAT((*recs)[0].score, FloatNear(2.5 / 3, 1e-5));
}

TEST(SarModelTest, ThresholdDropsRareCooccurrences) {
  auto model = TrainModel({"sar", {{"threshold", 2}}}, Baskets());
  ASSERT_THAT(model.status(), IsOk());
  const auto& sar = static_cast<const SarModel&>(**model);
  EXPECT_GT(sar.Similarity(*sar.FindItem("a"), *sar.FindItem("b")), 0);
  EXPECT_EQ(sar.Similarity(*sar.FindItem("a"), *sar.FindItem("c")), 0);
}

TEST(SarModelTest, BadParametersAreErrors) {
  EXPECT_FALSE(CreateModel({"sar", {{"similarity", 7}}}).ok());
  EXPECT_FALSE(CreateModel({"sar", {{"half_life_days", -1}}}).ok());
  EXPECT_FALSE(CreateModel({"item_cf", {{"neighbors", -1}}}).ok());
}

// Degrees: users u1 2, u2 3, u3 2; items a 2, b 2, c 2, d 1. With alpha 1, beta 0.5:
// W(i, j) = (1 / d_i) * (sum over common users of 1 / d_u) / sqrt(d_j).
TEST(Rp3betaModelTest, WalkWeightsByHand) {
  auto model = TrainModel({"rp3beta", {{"alpha", 1}, {"beta", 0.5}}}, Baskets());
  ASSERT_THAT(model.status(), IsOk());
  const auto& rp3 = static_cast<const Rp3betaModel&>(**model);
  auto id = [&](const char* s) { return *rp3.FindItem(s); };
  const double r2 = std::sqrt(2.0);
  EXPECT_THAT(rp3.Weight(id("a"), id("b")), FloatNear(0.5 * (1.0 / 2 + 1.0 / 3) / r2, 1e-6));
  EXPECT_THAT(rp3.Weight(id("a"), id("c")), FloatNear(0.5 * (1.0 / 3) / r2, 1e-6));
  EXPECT_THAT(rp3.Weight(id("c"), id("d")), FloatNear(0.5 * 0.5 / 1.0, 1e-6));
  EXPECT_THAT(rp3.Weight(id("d"), id("c")), FloatNear(1.0 * 0.5 / r2, 1e-6));  // Not symmetric.
  EXPECT_EQ(rp3.Weight(id("a"), id("d")), 0);
  EXPECT_EQ(rp3.Weight(id("a"), id("a")), 0);
  // u1 has a, b: c scores W(a, c) + W(b, c); d is reached by no walk: popularity after it.
  auto recs = rp3.Recommend(testdata::ForUser(rp3, "u1"));
  ASSERT_THAT(recs.status(), IsOk());
  EXPECT_THAT(Ids(rp3, *recs), ElementsAre("c", "d"));
  EXPECT_THAT((*recs)[0].score, FloatNear(2 * 0.5 * (1.0 / 3) / r2, 1e-6));
  EXPECT_EQ((*recs)[0].reason_text, "bought with a");  // Tie: the lower index.
  EXPECT_EQ((*recs)[1].reason_text, "popular");
}

// beta 0 is the plain walk P3 with alpha 1: W(c, .) from c (users u2, u3) spreads
// 1/2 * (1/3) to a and b and 1/2 * (1/2) to d. beta 1 divides by the arrival degree: d (1
// user) then beats a and b (2 users) by more.
TEST(Rp3betaModelTest, BetaPenalizesPopularArrivals) {
  auto p3 = TrainModel({"rp3beta", {{"beta", 0}}}, Baskets());
  auto rp3 = TrainModel({"rp3beta", {{"beta", 1}}}, Baskets());
  ASSERT_THAT(p3.status(), IsOk());
  ASSERT_THAT(rp3.status(), IsOk());
  const auto& plain = static_cast<const Rp3betaModel&>(**p3);
  const auto& penal = static_cast<const Rp3betaModel&>(**rp3);
  auto id = [&](const char* s) { return *plain.FindItem(s); };
  EXPECT_THAT(plain.Weight(id("c"), id("a")), FloatNear(1.0 / 6, 1e-6));
  EXPECT_THAT(plain.Weight(id("c"), id("d")), FloatNear(1.0 / 4, 1e-6));
  EXPECT_THAT(penal.Weight(id("c"), id("a")), FloatNear(1.0 / 12, 1e-6));
  EXPECT_THAT(penal.Weight(id("c"), id("d")), FloatNear(1.0 / 4, 1e-6));
}

TEST(Rp3betaModelTest, NeighboursAreCappedAndBadParametersRejected) {
  auto model = TrainModel({"rp3beta", {{"beta", 0}, {"neighbors", 1}}}, Baskets());
  ASSERT_THAT(model.status(), IsOk());
  const auto& rp3 = static_cast<const Rp3betaModel&>(**model);
  auto id = [&](const char* s) { return *rp3.FindItem(s); };
  // c's walks: a 1/6, b 1/6, d 1/4: only d is kept.
  EXPECT_EQ(rp3.Weight(id("c"), id("a")), 0);
  EXPECT_THAT(rp3.Weight(id("c"), id("d")), FloatNear(0.25, 1e-6));
  EXPECT_FALSE(CreateModel({"rp3beta", {{"alpha", 0}}}).ok());
  EXPECT_FALSE(CreateModel({"rp3beta", {{"beta", -1}}}).ok());
  EXPECT_FALSE(CreateModel({"rp3beta", {{"gamma", 1}}}).ok());
}

}  // namespace
}  // namespace clientele::recommender
