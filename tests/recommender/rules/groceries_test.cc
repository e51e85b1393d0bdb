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

TEST(GroceriesTest, ExactItemsetAndRuleCountsOfArules) {
  const std::string path =
      std::string(CLT_TEST_DATA_DIR) + "/../../../shared/data/groceries/groceries.csv";
  std::ifstream in(path, std::ios::binary);
  if (!in) GTEST_SKIP() << "no Groceries data at " << path;
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<BasketText> data = ParseBasketText(text.str());
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

}  // namespace
}  // namespace clientele::recommender
