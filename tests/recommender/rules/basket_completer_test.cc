#include "recommender/rules/basket_completer.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "recommender/rules/basket_text.h"
#include "recommender/rules/fp_growth.h"

namespace clientele::recommender {
namespace {

using ::testing::ElementsAre;

AssociationRule Rule(std::vector<int32_t> lhs, int32_t rhs, int32_t count, int32_t lhs_count,
                     int32_t rhs_count, int32_t n) {
  AssociationRule r;
  r.antecedent = std::move(lhs);
  r.consequent = rhs;
  r.count = count;
  r.antecedent_count = lhs_count;
  r.consequent_count = rhs_count;
  r.support = static_cast<double>(count) / n;
  r.confidence = static_cast<double>(count) / lhs_count;
  r.lift = r.confidence / (static_cast<double>(rhs_count) / n);
  return r;
}

// Items: 0 milk, 1 bread, 2 butter, 3 jam, 4 eggs, 5 flour. 100 transactions.
BasketCompleter Completer() {
  std::vector<AssociationRule> rules = {
      Rule({1}, 2, 30, 40, 35, 100),     // bread => butter  0.75
      Rule({1, 2}, 3, 27, 30, 28, 100),  // bread, butter => jam  0.9
      Rule({0}, 4, 20, 50, 25, 100),     // milk => eggs  0.4
      Rule({0, 5}, 4, 9, 10, 25, 100),   // milk, flour => eggs  0.9
      Rule({2}, 1, 30, 35, 40, 100),     // butter => bread  0.857
      Rule({3}, 0, 10, 28, 50, 100),     // jam => milk  0.357
  };
  return BasketCompleter(AssociationRules(std::move(rules), 100, 6));
}

std::vector<int32_t> Items(const std::vector<BasketSuggestion>& s) {
  std::vector<int32_t> items;
  for (const BasketSuggestion& x : s) items.push_back(x.item);
  return items;
}

TEST(BasketCompleterTest, SuggestsConsequentsOfRulesWhoseAntecedentIsInTheBasket) {
  const BasketCompleter completer = Completer();
  std::vector<BasketSuggestion> s = completer.Complete({1}, 5);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].item, 2);
  ASSERT_NE(s[0].rule, nullptr);
  EXPECT_DOUBLE_EQ(s[0].rule->confidence, 0.75);
  EXPECT_DOUBLE_EQ(s[0].score, 0.75 * (0.75 / 0.35));  // confidence x lift
  EXPECT_THAT(s[0].rule->antecedent, ElementsAre(1));  // "bought with bread"

  // bread + butter: jam (0.9); butter => bread and bread => butter are in the basket already.
  s = completer.Complete({2, 1}, 5);
  EXPECT_THAT(Items(s), ElementsAre(3));
  EXPECT_THAT(s[0].rule->antecedent, ElementsAre(1, 2));
}

TEST(BasketCompleterTest, BestRulePerItemAndBestItemsFirst) {
  const BasketCompleter completer = Completer();
  // milk + flour + bread: eggs via {milk, flour} (0.9 beats milk => eggs 0.4), butter 0.75.
  std::vector<BasketSuggestion> s = completer.Complete({0, 5, 1}, 5);
  EXPECT_THAT(Items(s), ElementsAre(4, 2));
  EXPECT_DOUBLE_EQ(s[0].rule->confidence, 0.9);
  EXPECT_DOUBLE_EQ(s[0].score, 0.9 * (0.9 / 0.25));
  EXPECT_THAT(s[0].rule->antecedent, ElementsAre(0, 5));
  EXPECT_THAT(Items(completer.Complete({0, 5, 1}, 1)), ElementsAre(4));
  EXPECT_TRUE(completer.Complete({0, 5, 1}, 0).empty());
}

TEST(BasketCompleterTest, PartialAntecedentDoesNotFire) {
  const BasketCompleter completer = Completer();
  // flour alone matches no rule; milk alone gives eggs only through milk => eggs (0.4).
  EXPECT_TRUE(completer.Complete({5}, 5).empty());
  std::vector<BasketSuggestion> s = completer.Complete({0}, 5);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_DOUBLE_EQ(s[0].rule->confidence, 0.4);
  EXPECT_DOUBLE_EQ(s[0].score, 0.4 * (0.4 / 0.25));
}

TEST(BasketCompleterTest, ExclusionFilterUnknownItemsAndDuplicates) {
  const BasketCompleter completer = Completer();
  EXPECT_THAT(Items(completer.Complete({0, 5, 1}, 5, /*exclude=*/{4})), ElementsAre(2));
  EXPECT_THAT(Items(completer.Complete({0, 5, 1}, 5, {}, [](int32_t item) { return item != 2; })),
              ElementsAre(4));
  EXPECT_THAT(Items(completer.Complete({1, 1, 99, -3}, 5)), ElementsAre(2));
  EXPECT_TRUE(completer.Complete({}, 5).empty());
}

TEST(BasketCompleterTest, RulesWithLiftOneOrBelowAreNotOfferedByDefault) {
  const BasketCompleter completer = Completer();
  // jam => milk: confidence 0.357 but lift 0.714 (milk is in half of all baskets).
  EXPECT_TRUE(completer.Complete({3}, 5).empty());
  std::vector<BasketSuggestion> s = completer.Complete({3}, 5, {}, {}, /*min_lift=*/0.0);
  EXPECT_THAT(Items(s), ElementsAre(0));
  EXPECT_THAT(Items(completer.Complete({3}, 5, {}, {}, 0.71)), ElementsAre(0));
  EXPECT_TRUE(completer.Complete({3}, 5, {}, {}, 0.72).empty());
  // The floor applies per rule: {milk, flour} => eggs (lift 3.6) passes 3, milk => eggs (1.6)
  // does not.
  s = completer.Complete({0, 5, 1}, 5, {}, {}, 3.0);
  EXPECT_THAT(Items(s), ElementsAre(4));
  EXPECT_THAT(s[0].rule->antecedent, ElementsAre(0, 5));
  EXPECT_THAT(Items(completer.Complete({0}, 5, {}, {}, 3.0)), ElementsAre());

  // Lift exactly 1 is not offered by default (the basket says nothing about the item), but
  // is with min_lift 1.
  const BasketCompleter independent(
      AssociationRules({Rule({0}, 1, 5, 10, 50, 100)}, 100, 2));  // confidence 0.5, lift 1
  EXPECT_TRUE(independent.Complete({0}, 5).empty());
  EXPECT_THAT(Items(independent.Complete({0}, 5, {}, {}, 1.0)), ElementsAre(1));
}

// Groceries-like: whole milk is in 80% of the baskets, so "other vegetables => whole milk" is
// the most confident rule (0.7) yet has lift 0.875; "other vegetables => root vegetables"
// (confidence 0.6, lift 2) is the one the basket tells something about.
TEST(BasketCompleterTest, GroceriesLikePopularItemWithLiftBelowOneIsNotOffered) {
  std::string text;
  auto add = [&text](int times, const std::string& basket) {
    for (int i = 0; i < times; ++i) text += basket + "\n";
  };
  add(4, "other vegetables,root vegetables,whole milk");
  add(2, "other vegetables,root vegetables");
  add(3, "other vegetables,whole milk");
  add(1, "other vegetables,yogurt");
  add(9, "whole milk,rolls/buns");
  add(1, "rolls/buns");
  absl::StatusOr<BasketText> data = ParseBasketText(text);
  ASSERT_TRUE(data.ok()) << data.status();
  auto index_of = [&](const std::string& name) {
    for (size_t i = 0; i < data->item_names.size(); ++i) {
      if (data->item_names[i] == name) return static_cast<int32_t>(i);
    }
    return -1;
  };
  absl::StatusOr<FrequentItemsets> sets =
      MineFrequentItemsets(data->transactions, {.min_support = 0.1});
  ASSERT_TRUE(sets.ok()) << sets.status();
  absl::StatusOr<AssociationRules> rules = GenerateRules(*sets, {.min_confidence = 0.5});
  ASSERT_TRUE(rules.ok()) << rules.status();
  const BasketCompleter completer(*std::move(rules));
  const int32_t other_vegetables = index_of("other vegetables");
  const int32_t whole_milk = index_of("whole milk");
  const int32_t root_vegetables = index_of("root vegetables");

  std::vector<BasketSuggestion> s = completer.Complete({other_vegetables}, 5);
  EXPECT_THAT(Items(s), ElementsAre(root_vegetables));
  ASSERT_FALSE(s.empty());
  EXPECT_DOUBLE_EQ(s[0].rule->lift, 2.0);

  // Asked for (min_lift 0), whole milk comes, ranked below root vegetables although its rule
  // is the more confident: 0.7 x 0.875 < 0.6 x 2.
  s = completer.Complete({other_vegetables}, 5, {}, {}, /*min_lift=*/0.0);
  EXPECT_THAT(Items(s), ElementsAre(root_vegetables, whole_milk));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_DOUBLE_EQ(s[1].rule->confidence, 0.7);
  EXPECT_DOUBLE_EQ(s[1].rule->lift, 0.875);
}

TEST(BasketCompleterTest, SuggestionsStayValidAfterMove) {
  BasketCompleter original = Completer();
  BasketCompleter moved = std::move(original);
  std::vector<BasketSuggestion> s = moved.Complete({1, 2}, 5);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].rule->consequent, 3);
  EXPECT_GE(s[0].rule, &moved.rules().rules().front());  // points into the moved-to completer
  EXPECT_LE(s[0].rule, &moved.rules().rules().back());
}

}  // namespace
}  // namespace clientele::recommender
