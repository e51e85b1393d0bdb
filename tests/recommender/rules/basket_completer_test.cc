#include "recommender/rules/basket_completer.h"

#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

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
  EXPECT_DOUBLE_EQ(s[0].score, 0.75);
  ASSERT_NE(s[0].rule, nullptr);
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
  EXPECT_DOUBLE_EQ(s[0].score, 0.9);
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
  EXPECT_DOUBLE_EQ(s[0].score, 0.4);
}

TEST(BasketCompleterTest, ExclusionFilterUnknownItemsAndDuplicates) {
  const BasketCompleter completer = Completer();
  EXPECT_THAT(Items(completer.Complete({0, 5, 1}, 5, /*exclude=*/{4})), ElementsAre(2));
  EXPECT_THAT(Items(completer.Complete({0, 5, 1}, 5, {}, [](int32_t item) { return item != 2; })),
              ElementsAre(4));
  EXPECT_THAT(Items(completer.Complete({1, 1, 99, -3}, 5)), ElementsAre(2));
  EXPECT_TRUE(completer.Complete({}, 5).empty());
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
