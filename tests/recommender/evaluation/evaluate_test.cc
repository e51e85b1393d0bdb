#include "recommender/evaluation/evaluate.h"

#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "recommender/data/dataset_builder.h"
#include "recommender/evaluation/split.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using ::testing::DoubleNear;

Dataset Make(const std::vector<std::pair<std::string, std::string>>& cells) {
  DatasetBuilder builder;
  for (const auto& [user, item] : cells) {
    EXPECT_TRUE(builder.AddInteraction(user, item, 1, absl::UnixEpoch()).ok());
  }
  return *builder.Build();
}

// Popularity in train: a (3 users), b (2), c (1), d (1). Test: u1 -> {c}, u2 -> {d, zz}
// (zz unknown to the model), u9 unknown to the model.
TEST(EvaluateTest, ScoresThePopularityModelByHand) {
  Dataset train = Make(
      {{"u1", "a"}, {"u2", "a"}, {"u3", "a"}, {"u1", "b"}, {"u3", "b"}, {"u3", "c"}, {"u3", "d"}});
  Dataset test = Make({{"u1", "c"}, {"u2", "d"}, {"u2", "zz"}, {"u9", "a"}});
  auto model = TrainModel({"popularity"}, train);
  ASSERT_THAT(model.status(), IsOk());
  EvaluateOptions options;
  options.k = 2;
  absl::StatusOr<Evaluation> e = Evaluate(**model, test, options);
  ASSERT_THAT(e.status(), IsOk());
  EXPECT_EQ(e->test_users, 3);
  EXPECT_EQ(e->cold_users, 1);
  EXPECT_EQ(e->metrics.users, 2);
  // u1 (has a, b) gets [c, d]: hit at 1. u2 (has a) gets [b, c]: no hit, |T| = 2.
  EXPECT_THAT(e->metrics.precision, DoubleNear((0.5 + 0) / 2, 1e-12));
  EXPECT_THAT(e->metrics.recall, DoubleNear((1 + 0) / 2.0, 1e-12));
  EXPECT_THAT(e->metrics.ndcg, DoubleNear(0.5, 1e-12));
  EXPECT_THAT(e->metrics.map, DoubleNear(0.5, 1e-12));
  EXPECT_THAT(e->metrics.coverage, DoubleNear(3.0 / 4, 1e-12));  // b c d of a b c d.

  options.include_cold_users = true;
  e = Evaluate(**model, test, options);
  ASSERT_THAT(e.status(), IsOk());
  EXPECT_EQ(e->metrics.users, 3);  // u9 gets [a, b]: a is a hit.
  EXPECT_THAT(e->metrics.hit_rate, DoubleNear(2.0 / 3, 1e-12));
}

// A time split keeps every user's id in both halves: u3, whose only pairs are recent, is known
// to the model but has no training history. It is cold: skipped by default, scored with the
// popularity fallback when included.
TEST(EvaluateTest, UsersWithoutTrainingHistoryAreColdAfterATimeSplit) {
  DatasetBuilder builder;
  const absl::Time old_time = absl::FromUnixSeconds(1'000'000);
  const absl::Time recent = old_time + absl::Hours(24 * 100);
  for (const auto& [user, item, time] :
       std::vector<std::tuple<std::string, std::string, absl::Time>>{{"u1", "a", old_time},
                                                                     {"u1", "b", old_time},
                                                                     {"u2", "a", old_time},
                                                                     {"u2", "c", old_time},
                                                                     {"u1", "c", recent},
                                                                     {"u3", "a", recent}}) {
    ASSERT_THAT(builder.AddInteraction(user, item, 1, time), IsOk());
  }
  absl::StatusOr<Dataset> data = builder.Build();
  ASSERT_THAT(data.status(), IsOk());
  absl::StatusOr<TrainTest> split = TimeSplit(*data, absl::Hours(24 * 10));
  ASSERT_THAT(split.status(), IsOk());
  auto model = TrainModel({"popularity"}, split->train);
  ASSERT_THAT(model.status(), IsOk());
  ASSERT_TRUE((*model)->FindUser("u3").has_value());  // Known, without history.

  EvaluateOptions options;
  options.k = 1;
  absl::StatusOr<Evaluation> skipped = Evaluate(**model, split->test, options);
  ASSERT_THAT(skipped.status(), IsOk());
  EXPECT_EQ(skipped->test_users, 2);
  EXPECT_EQ(skipped->cold_users, 1);
  EXPECT_EQ(skipped->metrics.users, 1);  // u1 only: gets [c] (a, b seen), a hit.
  EXPECT_THAT(skipped->metrics.hit_rate, DoubleNear(1, 1e-12));

  options.include_cold_users = true;
  absl::StatusOr<Evaluation> included = Evaluate(**model, split->test, options);
  ASSERT_THAT(included.status(), IsOk());
  EXPECT_EQ(included->cold_users, 1);
  EXPECT_EQ(included->metrics.users, 2);  // u3 gets popularity's [a]: a hit too.
  EXPECT_THAT(included->metrics.hit_rate, DoubleNear(1, 1e-12));
}

TEST(EvaluateTest, DropsTestItemsSeenInTrainingWhenAsked) {
  Dataset train = Make({{"u1", "a"}, {"u2", "a"}, {"u2", "b"}});
  Dataset test = Make({{"u1", "a"}, {"u2", "a"}, {"u2", "b"}, {"u1", "b"}});
  auto model = TrainModel({"popularity"}, train);
  ASSERT_THAT(model.status(), IsOk());
  EvaluateOptions options;
  options.drop_seen_test_items = true;
  absl::StatusOr<Evaluation> e = Evaluate(**model, test, options);
  ASSERT_THAT(e.status(), IsOk());
  EXPECT_EQ(e->skipped_no_relevant, 1);  // u2 bought nothing new.
  EXPECT_EQ(e->metrics.users, 1);
  EXPECT_THAT(e->metrics.precision, DoubleNear(0.1, 1e-12));  // u1: [b] hits, k = 10.
}

TEST(EvaluateTest, CanBeCancelledAndChecksK) {
  Dataset train = Make({{"u1", "a"}});
  auto model = TrainModel({"popularity"}, train);
  ASSERT_THAT(model.status(), IsOk());
  EvaluateOptions options;
  options.progress = [](double) { return false; };
  EXPECT_EQ(Evaluate(**model, train, options).status().code(), absl::StatusCode::kCancelled);
  options.progress = nullptr;
  options.k = 0;
  EXPECT_EQ(Evaluate(**model, train, options).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace clientele::recommender
