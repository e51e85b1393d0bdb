#include "recommender/rules/fp_growth.h"

#include <atomic>
#include <map>
#include <random>
#include <vector>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/recommender/rules/brute_force_itemsets.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using testing::AsMap;
using testing::BruteForceItemsets;
using ::testing::HasSubstr;

// a=0 b=1 c=2 d=3 e=4; the textbook example, counts checked by hand below.
Transactions Textbook() {
  Transactions db;
  db.Add({0, 1});        // a b
  db.Add({1, 2, 3});     // b c d
  db.Add({0, 2, 3, 4});  // a c d e
  db.Add({0, 3, 4});     // a d e
  db.Add({0, 1, 2});     // a b c
  db.Add({0, 1, 2, 3});  // a b c d
  db.Add({0});           // a
  db.Add({0, 1, 2});     // a b c
  db.Add({0, 1, 3});     // a b d
  db.Add({1, 2, 4});     // b c e
  return db;
}

Transactions Random(uint32_t seed, int32_t n, int32_t items, double density) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  Transactions db;
  std::vector<int32_t> basket;
  for (int32_t t = 0; t < n; ++t) {
    basket.clear();
    for (int32_t i = 0; i < items; ++i) {
      // Skewed item popularity so that long itemsets exist.
      if (u(rng) < density * (1.0 + 2.0 * (items - i) / items)) basket.push_back(i);
    }
    db.Add(basket);
  }
  return db;
}

TEST(TransactionsTest, SortsAndDeduplicatesBaskets) {
  Transactions db;
  db.Add({3, 1, 3});
  db.Add({});
  ASSERT_EQ(db.size(), 2);
  EXPECT_THAT(db[0], ::testing::ElementsAre(1, 3));
  EXPECT_TRUE(db[1].empty());
  EXPECT_EQ(db.num_items(), 4);
  EXPECT_EQ(db.num_occurrences(), 2);
}

TEST(FpGrowthTest, TextbookExampleHandChecked) {
  absl::StatusOr<FrequentItemsets> sets = MineFrequentItemsets(Textbook(), {.min_support = 0.3});
  ASSERT_THAT(sets, IsOk());
  EXPECT_EQ(sets->min_count(), 3);
  const std::map<std::vector<int32_t>, int32_t> expected = {
      {{0}, 8},    {{1}, 7},    {{2}, 6},    {{3}, 5},    {{4}, 3},    {{0, 1}, 5},
      {{0, 2}, 4}, {{0, 3}, 4}, {{1, 2}, 5}, {{1, 3}, 3}, {{2, 3}, 3}, {{0, 1, 2}, 3},
  };
  EXPECT_EQ(AsMap(*sets), expected);
  EXPECT_EQ(sets->Find(std::vector<int32_t>{0, 1}), 5);
  EXPECT_EQ(sets->Find(std::vector<int32_t>{}), 10);
  EXPECT_EQ(sets->Find(std::vector<int32_t>{0, 4}), std::nullopt);  // count 2 < 3
  EXPECT_THAT(sets->CountBySize(), ::testing::ElementsAre(0, 5, 6, 1));
}

TEST(FpGrowthTest, MatchesBruteForceOnRandomData) {
  for (uint32_t seed : {1u, 2u, 3u, 4u}) {
    const Transactions db = Random(seed, 300, 12, 0.18);
    for (double support : {0.0, 0.01, 0.05, 0.2}) {
      for (int32_t threads : {1, 2}) {
        SCOPED_TRACE(::testing::Message()
                     << "seed " << seed << " support " << support << " threads " << threads);
        absl::StatusOr<FrequentItemsets> sets =
            MineFrequentItemsets(db, {.min_support = support, .num_threads = threads});
        ASSERT_THAT(sets, IsOk());
        EXPECT_EQ(AsMap(*sets), BruteForceItemsets(db, MinSupportCount(support, db.size())));
        EXPECT_EQ(static_cast<size_t>(sets->size()), AsMap(*sets).size());  // no duplicates
      }
    }
  }
}

TEST(FpGrowthTest, MaxLengthMatchesBruteForce) {
  const Transactions db = Random(7, 200, 10, 0.25);
  for (int32_t max_length : {1, 2, 3}) {
    absl::StatusOr<FrequentItemsets> sets =
        MineFrequentItemsets(db, {.min_support = 0.02, .max_length = max_length});
    ASSERT_THAT(sets, IsOk());
    EXPECT_EQ(AsMap(*sets), BruteForceItemsets(db, MinSupportCount(0.02, 200), max_length));
  }
}

TEST(FpGrowthTest, ResultDoesNotDependOnThreadCount) {
  const Transactions db = Random(11, 500, 15, 0.15);
  absl::StatusOr<FrequentItemsets> one = MineFrequentItemsets(db, {.min_support = 0.01});
  absl::StatusOr<FrequentItemsets> two =
      MineFrequentItemsets(db, {.min_support = 0.01, .num_threads = 2});
  ASSERT_THAT(one, IsOk());
  ASSERT_THAT(two, IsOk());
  EXPECT_EQ(one->Serialize(), two->Serialize());  // same itemsets in the same order
}

TEST(MinSupportCountTest, FollowsCountOverTransactionsAtLeastSupport) {
  EXPECT_EQ(MinSupportCount(0.001, 9835), 10);
  EXPECT_EQ(MinSupportCount(0.01, 9835), 99);
  // 0.07 * 100 evaluates to 7.000000000000001 in double; 7 / 100 >= 0.07 holds.
  EXPECT_EQ(MinSupportCount(0.07, 100), 7);
  EXPECT_EQ(MinSupportCount(0.29, 100), 29);  // 0.29 * 100 = 28.999999999999996
  EXPECT_EQ(MinSupportCount(0.5, 4), 2);
  EXPECT_EQ(MinSupportCount(0.5, 5), 3);
  EXPECT_EQ(MinSupportCount(1.0, 37), 37);
  EXPECT_EQ(MinSupportCount(0.0, 37), 1);
  EXPECT_EQ(MinSupportCount(0.3, 0), 1);
}

TEST(FpGrowthTest, ItemsetAtTheSupportBoundaryIsFrequent) {
  // Item 0 is in exactly 7 of 100 baskets, item 1 in 6: at min_support 0.07 only item 0.
  Transactions db;
  for (int32_t t = 0; t < 100; ++t) {
    std::vector<int32_t> basket = {2};
    if (t < 7) basket.push_back(0);
    if (t < 6) basket.push_back(1);
    db.Add(basket);
  }
  absl::StatusOr<FrequentItemsets> sets = MineFrequentItemsets(db, {.min_support = 0.07});
  ASSERT_THAT(sets, IsOk());
  EXPECT_EQ(sets->Find(std::vector<int32_t>{0}), 7);
  EXPECT_EQ(sets->Find(std::vector<int32_t>{1}), std::nullopt);
  EXPECT_EQ(sets->Find(std::vector<int32_t>{0, 2}), 7);
  EXPECT_EQ(sets->size(), 3);  // {0}, {2}, {0, 2}
}

TEST(FpGrowthTest, EmptyInputsGiveNoItemsets) {
  absl::StatusOr<FrequentItemsets> none = MineFrequentItemsets(Transactions(), {});
  ASSERT_THAT(none, IsOk());
  EXPECT_EQ(none->size(), 0);
  Transactions empties;
  empties.Add({});
  empties.Add({});
  absl::StatusOr<FrequentItemsets> still_none = MineFrequentItemsets(empties, {});
  ASSERT_THAT(still_none, IsOk());
  EXPECT_EQ(still_none->size(), 0);
  EXPECT_EQ(still_none->num_transactions(), 2);
}

TEST(FpGrowthTest, BadOptionsNameTheField) {
  const Transactions db = Textbook();
  EXPECT_THAT(MineFrequentItemsets(db, {.min_support = 1.5}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("min_support")));
  EXPECT_THAT(MineFrequentItemsets(db, {.min_support = std::nan("")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("min_support")));
  EXPECT_THAT(MineFrequentItemsets(db, {.max_length = -1}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_length")));
  EXPECT_THAT(MineFrequentItemsets(db, {.max_itemsets = -1}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_itemsets")));
  EXPECT_THAT(MineFrequentItemsets(db, {.num_threads = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("num_threads")));
}

// Three copies of one long basket: the FP-tree is a single path, and every one of its
// 2^n - 1 subsets is frequent (the repetitive small shop that exhausted a server's memory).
Transactions RepeatedLongBasket(int32_t n) {
  std::vector<int32_t> basket;
  for (int32_t i = 0; i < n; ++i) basket.push_back(i);
  Transactions db;
  for (int copy = 0; copy < 3; ++copy) db.Add(basket);
  return db;
}

TEST(FpGrowthTest, MaxItemsetsFailsFastOnALongSinglePath) {
  // 2^40 - 1 itemsets: counted, not built. Without the cap this would run out of memory.
  const Transactions db = RepeatedLongBasket(40);
  for (int32_t threads : {1, 2}) {
    absl::StatusOr<FrequentItemsets> sets =
        MineFrequentItemsets(db, {.min_support = 0.01, .num_threads = threads});
    EXPECT_THAT(
        sets, StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("max_itemsets = 1000000")));
    EXPECT_THAT(sets.status().message(), HasSubstr("min_support"));
    EXPECT_THAT(sets.status().message(), HasSubstr("max_length"));
  }
}

TEST(FpGrowthTest, MaxItemsetsIsAnExactBound) {
  // A single path of 10 items: 1023 itemsets; of at most 2 items: 10 + 45 = 55.
  const Transactions db = RepeatedLongBasket(10);
  EXPECT_EQ(MineFrequentItemsets(db, {.max_itemsets = 1023})->size(), 1023);
  EXPECT_THAT(MineFrequentItemsets(db, {.max_itemsets = 1022}),
              StatusIs(absl::StatusCode::kResourceExhausted, ::testing::_));
  EXPECT_EQ(MineFrequentItemsets(db, {.max_length = 2, .max_itemsets = 55})->size(), 55);
  EXPECT_THAT(MineFrequentItemsets(db, {.max_length = 2, .max_itemsets = 54}),
              StatusIs(absl::StatusCode::kResourceExhausted, ::testing::_));
  // Branched trees (counted itemset by itemset) and single paths below them, any thread count.
  const Transactions random = Random(3, 300, 12, 0.18);
  for (int32_t max_length : {0, 3}) {
    absl::StatusOr<FrequentItemsets> all =
        MineFrequentItemsets(random, {.min_support = 0.01, .max_length = max_length});
    ASSERT_THAT(all, IsOk());
    for (int32_t threads : {1, 2}) {
      SCOPED_TRACE(::testing::Message() << "max_length " << max_length << " threads " << threads);
      EXPECT_EQ(MineFrequentItemsets(random, {.min_support = 0.01,
                                              .max_length = max_length,
                                              .max_itemsets = all->size(),
                                              .num_threads = threads})
                    ->size(),
                all->size());
      EXPECT_THAT(MineFrequentItemsets(random, {.min_support = 0.01,
                                                .max_length = max_length,
                                                .max_itemsets = all->size() - 1,
                                                .num_threads = threads}),
                  StatusIs(absl::StatusCode::kResourceExhausted, ::testing::_));
    }
  }
  // 0: no limit (2^20 - 1 is above the default of 1,000,000).
  EXPECT_EQ(MineFrequentItemsets(RepeatedLongBasket(20), {.max_itemsets = 0})->size(),
            (1 << 20) - 1);
}

TEST(FpGrowthTest, CancelledMiningStops) {
  const Transactions db = Random(5, 300, 12, 0.2);
  std::atomic<int> polls{0};
  FpGrowthOptions options;
  options.min_support = 0;
  options.cancelled = [&polls] { return ++polls > 1; };
  EXPECT_THAT(MineFrequentItemsets(db, options),
              StatusIs(absl::StatusCode::kCancelled, HasSubstr("cancelled")));
}

TEST(FpGrowthTest, SerializeRoundTripsAndRejectsDamage) {
  absl::StatusOr<FrequentItemsets> sets = MineFrequentItemsets(Textbook(), {.min_support = 0.2});
  ASSERT_THAT(sets, IsOk());
  const std::string bytes = sets->Serialize();
  absl::StatusOr<FrequentItemsets> back = FrequentItemsets::Deserialize(bytes);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(AsMap(*back), AsMap(*sets));
  EXPECT_EQ(back->num_transactions(), 10);
  EXPECT_EQ(back->min_count(), sets->min_count());
  EXPECT_EQ(back->Find(std::vector<int32_t>{0, 1, 2}), 3);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_THAT(FrequentItemsets::Deserialize(bytes.substr(0, cut)),
                StatusIs(absl::StatusCode::kDataLoss, ::testing::_))
        << "cut at " << cut;
  }
  EXPECT_THAT(FrequentItemsets::Deserialize(bytes + "x"),
              StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
}

}  // namespace
}  // namespace clientele::recommender
