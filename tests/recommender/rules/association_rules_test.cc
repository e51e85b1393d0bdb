#include "recommender/rules/association_rules.h"

#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "recommender/rules/fp_growth.h"
#include "tests/recommender/rules/brute_force_itemsets.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Rule key: (antecedent, consequent) -> (count, antecedent count).
using RuleMap = std::map<std::pair<std::vector<int32_t>, int32_t>, std::pair<int32_t, int32_t>>;

RuleMap AsRuleMap(const AssociationRules& rules) {
  RuleMap m;
  for (const AssociationRule& r : rules.rules()) {
    m[{r.antecedent, r.consequent}] = {r.count, r.antecedent_count};
  }
  return m;
}

RuleMap BruteForceRules(const Transactions& db, int64_t min_count, double min_confidence) {
  const auto sets = testing::BruteForceItemsets(db, min_count);
  RuleMap m;
  for (const auto& [set, count] : sets) {
    if (set.size() < 2) continue;
    for (size_t j = 0; j < set.size(); ++j) {
      std::vector<int32_t> lhs = set;
      lhs.erase(lhs.begin() + static_cast<std::ptrdiff_t>(j));
      const int32_t lhs_count = sets.at(lhs);
      if (static_cast<double>(count) / lhs_count >= min_confidence) {
        m[{lhs, set[j]}] = {count, lhs_count};
      }
    }
  }
  return m;
}

TEST(AssociationRulesTest, HandCheckedMeasures) {
  // milk=0 bread=1 butter=2. 10 baskets: {0,1,2} x4, {0,1} x4, {0} x1, {2} x1.
  Transactions db;
  for (int i = 0; i < 4; ++i) db.Add({0, 1, 2});
  for (int i = 0; i < 4; ++i) db.Add({0, 1});
  db.Add({0});
  db.Add({2});
  absl::StatusOr<FrequentItemsets> sets = MineFrequentItemsets(db, {.min_support = 0.1});
  ASSERT_THAT(sets, IsOk());
  absl::StatusOr<AssociationRules> rules = GenerateRules(*sets, {.min_confidence = 0.8});
  ASSERT_THAT(rules, IsOk());
  // bread => milk: 8/8 = 1, lift 1 / 0.9. butter => milk is 4/5 = 0.8: exactly at the bound.
  // {bread, butter} => milk 4/4; {milk, butter} => bread 4/4; butter => bread 4/5.
  // milk => bread is 8/9 = 0.889.
  RuleMap expected = {
      {{{1}, 0}, {8, 8}}, {{{0}, 1}, {8, 9}},    {{{2}, 0}, {4, 5}},
      {{{2}, 1}, {4, 5}}, {{{1, 2}, 0}, {4, 4}}, {{{0, 2}, 1}, {4, 4}},
  };
  EXPECT_EQ(AsRuleMap(*rules), expected);
  // Best first: confidence 1 with the higher lift ({0,2} => 1, lift 1 / 0.8 = 1.25) first.
  const AssociationRule& best = (*rules)[0];
  EXPECT_THAT(best.antecedent, ElementsAre(0, 2));
  EXPECT_EQ(best.consequent, 1);
  EXPECT_DOUBLE_EQ(best.support, 0.4);
  EXPECT_DOUBLE_EQ(best.confidence, 1.0);
  EXPECT_THAT(best.lift, DoubleNear(1.25, 1e-12));
  EXPECT_EQ(best.consequent_count, 8);
  for (int32_t i = 1; i < rules->size(); ++i) {
    EXPECT_FALSE(RuleOrder((*rules)[i], (*rules)[i - 1])) << "rules out of order at " << i;
  }
}

TEST(AssociationRulesTest, MatchesBruteForceOnRandomData) {
  std::mt19937 rng(3);
  std::bernoulli_distribution coin(0.35);
  Transactions db;
  for (int t = 0; t < 250; ++t) {
    std::vector<int32_t> basket;
    for (int32_t i = 0; i < 10; ++i) {
      if (coin(rng) || (i > 0 && !basket.empty() && basket.back() == i - 1 && coin(rng))) {
        basket.push_back(i);
      }
    }
    db.Add(basket);
  }
  for (double confidence : {0.0, 0.3, 0.5, 0.7}) {
    absl::StatusOr<FrequentItemsets> sets = MineFrequentItemsets(db, {.min_support = 0.02});
    ASSERT_THAT(sets, IsOk());
    absl::StatusOr<AssociationRules> rules = GenerateRules(*sets, {.min_confidence = confidence});
    ASSERT_THAT(rules, IsOk());
    EXPECT_EQ(AsRuleMap(*rules), BruteForceRules(db, MinSupportCount(0.02, 250), confidence))
        << "confidence " << confidence;
  }
}

TEST(AssociationRulesTest, EmptyAntecedentMaxRulesAndMinLift) {
  Transactions db;
  for (int i = 0; i < 9; ++i) db.Add({0, 1});
  db.Add({1});
  absl::StatusOr<FrequentItemsets> sets = MineFrequentItemsets(db, {.min_support = 0.5});
  ASSERT_THAT(sets, IsOk());
  absl::StatusOr<AssociationRules> with_empty =
      GenerateRules(*sets, {.min_confidence = 0.9, .include_empty_antecedent = true});
  ASSERT_THAT(with_empty, IsOk());
  // {} => 1 (10/10), 0 => 1 (9/9), {} => 0 (9/10); 1 => 0 is 9/10 too.
  EXPECT_EQ(
      AsRuleMap(*with_empty),
      (RuleMap{{{{}, 1}, {10, 10}}, {{{0}, 1}, {9, 9}}, {{{}, 0}, {9, 10}}, {{{1}, 0}, {9, 10}}}));
  absl::StatusOr<AssociationRules> top1 =
      GenerateRules(*sets, {.min_confidence = 0.9, .max_rules = 1});
  ASSERT_THAT(top1, IsOk());
  ASSERT_EQ(top1->size(), 1);
  EXPECT_THAT((*top1)[0].antecedent, ElementsAre(0));  // 0 => 1, confidence 1
  absl::StatusOr<AssociationRules> lifted =
      GenerateRules(*sets, {.min_confidence = 0.0, .min_lift = 1.05});
  ASSERT_THAT(lifted, IsOk());
  // lift(1 => 0) = 0.9 / 0.9 = 1, lift(0 => 1) = 1 / 1 = 1: none reaches 1.05.
  EXPECT_EQ(lifted->size(), 0);
}

TEST(AssociationRulesTest, BadOptionsNameTheField) {
  absl::StatusOr<FrequentItemsets> sets = MineFrequentItemsets(Transactions(), {});
  ASSERT_THAT(sets, IsOk());
  EXPECT_THAT(GenerateRules(*sets, {.min_confidence = -0.1}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("min_confidence")));
  EXPECT_THAT(GenerateRules(*sets, {.min_lift = -1}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("min_lift")));
  EXPECT_THAT(GenerateRules(*sets, {.max_rules = -1}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_rules")));
}

TEST(AssociationRulesTest, SerializeRoundTripsAndRejectsDamage) {
  Transactions db;
  for (int i = 0; i < 4; ++i) db.Add({0, 1, 2});
  db.Add({0, 2});
  absl::StatusOr<FrequentItemsets> sets = MineFrequentItemsets(db, {.min_support = 0.2});
  ASSERT_THAT(sets, IsOk());
  absl::StatusOr<AssociationRules> rules = GenerateRules(*sets, {.min_confidence = 0.5});
  ASSERT_THAT(rules, IsOk());
  ASSERT_GT(rules->size(), 0);
  const std::string bytes = rules->Serialize();
  absl::StatusOr<AssociationRules> back = AssociationRules::Deserialize(bytes);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->rules(), rules->rules());
  EXPECT_DOUBLE_EQ((*back)[0].lift, (*rules)[0].lift);
  EXPECT_EQ(back->num_transactions(), 5);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_THAT(AssociationRules::Deserialize(bytes.substr(0, cut)),
                StatusIs(absl::StatusCode::kDataLoss, ::testing::_))
        << "cut at " << cut;
  }
}

}  // namespace
}  // namespace clientele::recommender
