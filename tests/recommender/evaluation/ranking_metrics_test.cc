#include "recommender/evaluation/ranking_metrics.h"

#include <cmath>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::DoubleNear;

// User 1: relevant {1, 2, 3}, list [1, 4, 2] (hits at ranks 1 and 3), k = 3.
//   P = 2/3, R = 2/3, AP = (1/1 + 2/3) / 3, DCG = 1 + 1/log2(4),
//   IDCG = 1 + 1/log2(3) + 1/log2(4), RR = 1.
// User 2: relevant {5}, list [6, 5] (shorter than k; hit at rank 2).
//   P = 1/3, R = 1, AP = (1/2) / 1, DCG = 1/log2(3), IDCG = 1, RR = 1/2.
TEST(RankingMetricsTest, HandComputedExample) {
  std::vector<UserRanking> users(2);
  users[0].relevant = {1, 2, 3};
  users[0].recommended = {1, 4, 2};
  users[1].relevant = {5};
  users[1].recommended = {6, 5};
  absl::StatusOr<RankingMetrics> m = ComputeRankingMetrics(users, 3, 10);
  ASSERT_THAT(m.status(), IsOk());
  const double ndcg1 = (1 + 0.5) / (1 + 1 / std::log2(3.0) + 0.5);
  const double ndcg2 = 1 / std::log2(3.0);
  EXPECT_EQ(m->users, 2);
  EXPECT_THAT(m->precision, DoubleNear((2.0 / 3 + 1.0 / 3) / 2, 1e-12));
  EXPECT_THAT(m->recall, DoubleNear((2.0 / 3 + 1) / 2, 1e-12));
  EXPECT_THAT(m->map, DoubleNear(((1 + 2.0 / 3) / 3 + 0.5) / 2, 1e-12));
  EXPECT_THAT(m->ndcg, DoubleNear((ndcg1 + ndcg2) / 2, 1e-12));
  EXPECT_THAT(m->mrr, DoubleNear(0.75, 1e-12));
  EXPECT_THAT(m->hit_rate, DoubleNear(1.0, 1e-12));
  EXPECT_THAT(m->f1, DoubleNear(2 * 0.5 * (5.0 / 6) / (0.5 + 5.0 / 6), 1e-12));
  EXPECT_THAT(m->coverage, DoubleNear(5.0 / 10, 1e-12));  // Items 1 4 2 6 5.
}

TEST(RankingMetricsTest, OnlyTheTopKCountAndIdealDcgUsesMinOfRelevantAndK) {
  std::vector<UserRanking> users(1);
  users[0].relevant = {9, 8, 7, 6, 5};
  users[0].recommended = {1, 9, 8, 7};  // k = 2: only [1, 9] count.
  absl::StatusOr<RankingMetrics> m = ComputeRankingMetrics(users, 2, 10);
  ASSERT_THAT(m.status(), IsOk());
  EXPECT_THAT(m->precision, DoubleNear(0.5, 1e-12));
  EXPECT_THAT(m->recall, DoubleNear(0.2, 1e-12));
  EXPECT_THAT(m->map, DoubleNear((1.0 / 2) / 5, 1e-12));  // Divided by |T|, not min(|T|, k).
  EXPECT_THAT(m->ndcg, DoubleNear((1 / std::log2(3.0)) / (1 + 1 / std::log2(3.0)), 1e-12));
  EXPECT_THAT(m->mrr, DoubleNear(0.5, 1e-12));
  EXPECT_THAT(m->coverage, DoubleNear(0.2, 1e-12));
}

TEST(RankingMetricsTest, NoHitsGiveZeros) {
  std::vector<UserRanking> users(1);
  users[0].relevant = {1};
  absl::StatusOr<RankingMetrics> m = ComputeRankingMetrics(users, 10, 10);
  ASSERT_THAT(m.status(), IsOk());
  EXPECT_EQ(m->precision, 0);
  EXPECT_EQ(m->ndcg, 0);
  EXPECT_EQ(m->f1, 0);
  EXPECT_EQ(m->hit_rate, 0);
}

TEST(RankingMetricsTest, BadInputIsInvalidArgument) {
  std::vector<UserRanking> users(1);
  EXPECT_THAT(ComputeRankingMetrics(users, 10, 10).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("relevant")));
  users[0].relevant = {1};
  EXPECT_THAT(ComputeRankingMetrics(users, 0, 10).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("k")));
}

}  // namespace
}  // namespace clientele::recommender
