#include "recommender/models/popularity_model.h"

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

// a: u1 u2 u4, b: u1, c: u3 u4. Segments: u1 u2 gold, u3 u4 new.
Dataset Shop() {
  return Make({{"u1", "a", 1, 0},
               {"u1", "b", 1, 0},
               {"u2", "a", 1, 0},
               {"u3", "c", 1, 0},
               {"u4", "a", 1, 0},
               {"u4", "c", 1, 0}});
}

ModelConfig Config() {
  ModelConfig config{"popularity"};
  config.user_segments = {{"u1", "gold"}, {"u2", "gold"}, {"u3", "new"}, {"u4", "new"}};
  return config;
}

TEST(PopularityModelTest, RanksByNumberOfUsersOverall) {
  auto model = TrainModel({"popularity"}, Shop());
  ASSERT_THAT(model.status(), IsOk());
  RecommendRequest cold;  // No user, no history: a cold start.
  cold.k = 3;
  auto recs = (*model)->Recommend(cold);
  ASSERT_THAT(recs.status(), IsOk());
  EXPECT_THAT(Ids(**model, *recs), ElementsAre("a", "c", "b"));
  EXPECT_EQ((*recs)[0].score, 3);
  EXPECT_EQ((*recs)[0].reason_text, "popular");
}

TEST(PopularityModelTest, RanksWithinTheSegmentFirst) {
  auto model = TrainModel(Config(), Shop());
  ASSERT_THAT(model.status(), IsOk());
  RecommendRequest cold;
  cold.k = 3;
  cold.segment = "new";
  auto recs = (*model)->Recommend(cold);
  ASSERT_THAT(recs.status(), IsOk());
  // In "new": c (2 users) then a (1); b has nobody in the segment: overall popularity.
  EXPECT_THAT(Ids(**model, *recs), ElementsAre("c", "a", "b"));
  EXPECT_EQ((*recs)[0].reason_text, "popular in segment new");
  EXPECT_EQ((*recs)[1].reason.kind, ReasonKind::kPopularInSegment);
  EXPECT_EQ((*recs)[2].reason_text, "popular");
}

TEST(PopularityModelTest, KnownUserGetsTheSegmentOfTheFitAndSeenItemsExcluded) {
  auto model = TrainModel(Config(), Shop());
  ASSERT_THAT(model.status(), IsOk());
  auto recs = (*model)->Recommend(testdata::ForUser(**model, "u2"));
  ASSERT_THAT(recs.status(), IsOk());
  // u2 (gold) has a; gold bought a and b, so b comes first, then c.
  EXPECT_THAT(Ids(**model, *recs), ElementsAre("b", "c"));
  EXPECT_EQ((*recs)[0].reason_text, "popular in segment gold");
}

TEST(PopularityModelTest, UnknownSegmentFallsBackToOverall) {
  auto model = TrainModel(Config(), Shop());
  ASSERT_THAT(model.status(), IsOk());
  RecommendRequest cold;
  cold.segment = "platinum";
  auto recs = (*model)->Recommend(cold);
  ASSERT_THAT(recs.status(), IsOk());
  EXPECT_THAT(Ids(**model, *recs), ElementsAre("a", "c", "b"));
}

TEST(PopularityModelTest, UnknownParameterIsAnError) {
  ModelConfig config{"popularity", {{"wieghted", 1}}};
  EXPECT_THAT(CreateModel(config).status(),
              clientele::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                           ::testing::HasSubstr("wieghted")));
}

}  // namespace
}  // namespace clientele::recommender
