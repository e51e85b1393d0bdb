// MatchStatistics: the estimate schedule, when the statistics are written, model snapshots and
// loading.
#include "identity/resolution/match_statistics.h"

#include "clientele/identity/resolution/identity_state.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/resolution/internal/resolver_keys.h"
#include "tests/identity/resolution/parts_test_util.h"

namespace clientele::identity {
namespace {

using testing::TestMatcher;
using testing::TestStore;

ResolverOptions Reestimating(uint64_t first) {
  ResolverOptions options;
  options.reestimate = true;
  options.first_estimate_records = first;
  options.random_pairs_per_record = 5;
  return options;
}

TEST(MatchStatisticsTest, EstimatesAtTheFirstCountThenAtEachDoubling) {
  TestMatcher matcher;
  MatchStatistics statistics(&matcher, Reestimating(10));
  statistics.ObserveCandidate(1);
  statistics.ObserveCandidate(1);
  statistics.ObserveRandom(4);
  std::vector<uint64_t> estimated_at;
  for (uint64_t n = 1; n <= 100; ++n) {
    const uint64_t before = statistics.estimates();
    ASSERT_TRUE(statistics.MaybeReestimate(n).ok());
    if (statistics.estimates() > before) estimated_at.push_back(n);
  }
  EXPECT_THAT(estimated_at, ::testing::ElementsAre(10u, 20u, 40u, 80u));
  EXPECT_EQ(matcher.model_, 4);
  EXPECT_EQ(matcher.last_candidate_counts_.at(1), 2u);
  EXPECT_EQ(matcher.last_random_counts_.at(4), 1u);
}

TEST(MatchStatisticsTest, NeverEstimatesWithoutReestimateAndKeepsTheModelWhenAnEstimateFails) {
  TestMatcher matcher;
  MatchStatistics off(&matcher, ResolverOptions{});
  ASSERT_TRUE(off.MaybeReestimate(1000000).ok());
  EXPECT_EQ(off.estimates(), 0u);
  EXPECT_FALSE(off.samples_random_pairs());

  matcher.fail_estimates_ = true;
  MatchStatistics failing(&matcher, Reestimating(10));
  ASSERT_TRUE(failing.MaybeReestimate(10).ok());  // Not an error of the log application.
  EXPECT_EQ(failing.estimates(), 0u);
  EXPECT_EQ(matcher.model_, 0);
}

TEST(MatchStatisticsTest, CountsAreWrittenEvery32BatchesAndAnEstimateAtOnce) {
  TestStore store;
  TestMatcher matcher;
  MatchStatistics statistics(&matcher, Reestimating(10));
  int written_at = 0;
  statistics.ObserveCandidate(3);
  for (int b = 1; b <= 40 && written_at == 0; ++b) {
    auto batch = store->NewWriteBatch();
    statistics.PutIfDue(*batch);
    if (batch->Count() > 0) written_at = b;
    statistics.Committed();
  }
  EXPECT_EQ(written_at, 32);
  auto batch = store->NewWriteBatch();
  statistics.PutIfDue(*batch);
  EXPECT_EQ(batch->Count(), 0);  // Nothing new since.
  ASSERT_TRUE(statistics.MaybeReestimate(10).ok());
  batch = store->NewWriteBatch();
  statistics.PutIfDue(*batch);
  EXPECT_EQ(batch->Count(), 1);  // The estimate, at once.
  ASSERT_TRUE(store->Write(*batch).ok());
  statistics.Committed();

  resolution::StoredModel model;
  ASSERT_TRUE(model.ParseFromString(store.Value(kModelCf, "em")));
  EXPECT_EQ(model.model(), "m1");
  EXPECT_EQ(model.pattern_counts().at(3), 1u);
  EXPECT_EQ(model.records_at_last_estimate(), 10u);
  EXPECT_EQ(model.estimates(), 1u);
}

TEST(MatchStatisticsTest, ModelVersionSnapshotsEachModelOnceAndLoadRestoresEverything) {
  TestStore store;
  TestMatcher matcher;
  MatchStatistics statistics(&matcher, Reestimating(10));
  auto batch = store->NewWriteBatch();
  EXPECT_EQ(statistics.ModelVersion(*batch), 1u);
  EXPECT_EQ(statistics.ModelVersion(*batch), 1u);
  EXPECT_EQ(batch->Count(), 1);
  ASSERT_TRUE(statistics.MaybeReestimate(10).ok());  // A new model: a new snapshot.
  EXPECT_EQ(statistics.ModelVersion(*batch), 2u);
  statistics.ObserveCandidate(5);
  statistics.PutIfDue(*batch);
  ASSERT_TRUE(store->Write(*batch).ok());
  EXPECT_EQ(store.Value(kModelCf, resolution_internal::ModelVersionKey(1)), "m0");
  EXPECT_EQ(store.Value(kModelCf, resolution_internal::ModelVersionKey(2)), "m1");

  TestMatcher reopened;
  MatchStatistics loaded(&reopened, Reestimating(10));
  ASSERT_TRUE(loaded.Load(*store).ok());
  EXPECT_EQ(reopened.model_, 1);  // The matcher gets the stored model.
  EXPECT_EQ(loaded.estimates(), 1u);
  EXPECT_EQ(loaded.pattern_counts().at(5), 1u);
  batch = store->NewWriteBatch();
  EXPECT_EQ(loaded.ModelVersion(*batch), 2u);  // The loaded model is snapshot 2 already.
  EXPECT_EQ(batch->Count(), 0);
  ASSERT_TRUE(loaded.MaybeReestimate(19).ok());  // Not yet doubled.
  EXPECT_EQ(loaded.estimates(), 1u);
  ASSERT_TRUE(loaded.MaybeReestimate(20).ok());
  EXPECT_EQ(loaded.ModelVersion(*batch), 3u);
}

TEST(MatchStatisticsTest, RandomPartnersDependOnTheKeyOnlyAndNeverPairARecordWithItself) {
  TestMatcher matcher;
  MatchStatistics statistics(&matcher, Reestimating(10));
  std::vector<uint32_t> a, b, c;
  statistics.RandomPartners("shop/1", 3, 1000, a);
  statistics.RandomPartners("shop/1", 3, 1000, b);
  statistics.RandomPartners("shop/2", 3, 1000, c);
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  statistics.RandomPartners("shop/1", 0, 1, a);  // The only record is the new one itself.
  EXPECT_TRUE(a.empty());
}

}  // namespace
}  // namespace clientele::identity
