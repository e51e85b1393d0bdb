// The headline check on the arules Groceries data, read from the project's shared data
// folder (not committed: see tests/data/README.md). Skipped when the file is absent.
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "recommender/rules/association_rules.h"
#include "recommender/rules/basket_completer.h"
#include "recommender/rules/basket_text.h"
#include "recommender/rules/fp_growth.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;

std::string GroceriesPath() {
  return std::string(CLT_TEST_DATA_DIR) + "/../../../shared/data/groceries/groceries.csv";
}

// The file's contents, or "" when it is absent.
std::string ReadGroceries() {
  std::ifstream in(GroceriesPath(), std::ios::binary);
  if (!in) return "";
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(GroceriesTest, ExactItemsetAndRuleCountsOfArules) {
  const std::string text = ReadGroceries();
  if (text.empty()) GTEST_SKIP() << "no Groceries data at " << GroceriesPath();
  absl::StatusOr<BasketText> data = ParseBasketText(text);
  ASSERT_THAT(data, IsOk());
  EXPECT_EQ(data->transactions.size(), 9835);
  EXPECT_EQ(data->item_names.size(), 169u);
  EXPECT_EQ(data->transactions.num_occurrences(), 43367);
  int trailing_space = 0;
  for (const std::string& name : data->item_names) trailing_space += name.back() == ' ';
  EXPECT_EQ(trailing_space, 2);

  absl::StatusOr<FrequentItemsets> sets =
      MineFrequentItemsets(data->transactions, {.min_support = 0.001});
  ASSERT_THAT(sets, IsOk());
  EXPECT_EQ(sets->min_count(), 10);
  EXPECT_EQ(sets->size(), 13492);
  absl::StatusOr<AssociationRules> rules = GenerateRules(*sets, {.min_confidence = 0.8});
  ASSERT_THAT(rules, IsOk());
  EXPECT_EQ(rules->size(), 410);

  // A well-known rule: {rice, sugar} => {whole milk}, support 12 / 9835, confidence 1.
  auto index_of = [&](const std::string& name) {
    for (size_t i = 0; i < data->item_names.size(); ++i) {
      if (data->item_names[i] == name) return static_cast<int32_t>(i);
    }
    return -1;
  };
  const BasketCompleter completer(*std::move(rules));
  std::vector<BasketSuggestion> s = completer.Complete({index_of("rice"), index_of("sugar")}, 3);
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(data->item_names[s[0].item], "whole milk");
  EXPECT_EQ(s[0].rule->count, 12);
  EXPECT_DOUBLE_EQ(s[0].rule->confidence, 1.0);
}

TEST(GroceriesTest, BasketCompletionLeavesOutRulesWithLiftOneOrBelow) {
  const std::string text = ReadGroceries();
  if (text.empty()) GTEST_SKIP() << "no Groceries data at " << GroceriesPath();
  absl::StatusOr<BasketText> data = ParseBasketText(text);
  ASSERT_THAT(data, IsOk());
  absl::StatusOr<FrequentItemsets> sets =
      MineFrequentItemsets(data->transactions, {.min_support = 0.001});
  ASSERT_THAT(sets, IsOk());
  // At confidence 0.2 many rules point at the most popular items with lift below 1.
  absl::StatusOr<AssociationRules> rules = GenerateRules(*sets, {.min_confidence = 0.2});
  ASSERT_THAT(rules, IsOk());
  const BasketCompleter completer(*std::move(rules));
  int below_one_when_asked = 0;
  int suggestions = 0;
  for (int32_t t = 0; t < data->transactions.size(); t += 7) {
    const auto items = data->transactions[t];
    const std::vector<int32_t> basket(items.begin(), items.end());
    for (const BasketSuggestion& s : completer.Complete(basket, 5)) {
      ++suggestions;
      EXPECT_GT(s.rule->lift, 1.0) << "transaction " << t;
    }
    for (const BasketSuggestion& s : completer.Complete(basket, 5, {}, {}, /*min_lift=*/0.0)) {
      below_one_when_asked += s.rule->lift <= 1.0;
    }
  }
  EXPECT_GT(suggestions, 0);
  EXPECT_GT(below_one_when_asked, 0);  // The floor, not the data, keeps them out.
}

}  // namespace
}  // namespace clientele::recommender
