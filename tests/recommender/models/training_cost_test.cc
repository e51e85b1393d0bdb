// Training cost estimates, the memory budget, and cancellation inside a fit.
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "recommender/models/recommender_model.h"
#include "tests/recommender/models/test_data.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

Dataset Grid(int users, int items) {
  std::vector<std::tuple<std::string, std::string, double, int>> cells;
  for (int u = 0; u < users; ++u) {
    for (int c = 0; c < 5; ++c) {
      cells.emplace_back(absl::StrCat("u", u), absl::StrCat("i", (u * 7 + c * 3) % items), 1, 0);
    }
  }
  return testdata::Make(cells);
}

// The dense item-side ease grows with items^2, the user side with users x items, als linearly.
TEST(TrainingCostTest, EstimatesFollowTheCostModel) {
  const DataShape small{1000, 20000, 100000}, large{1000, 40000, 100000};
  auto item_side = EstimateFitBytes({"ease", {{"side", 1}, {"max_items", 1e6}}}, small);
  auto item_side_2x = EstimateFitBytes({"ease", {{"side", 1}, {"max_items", 1e6}}}, large);
  ASSERT_THAT(item_side.status(), IsOk());
  ASSERT_THAT(item_side_2x.status(), IsOk());
  EXPECT_GT(*item_side, 20LL * 20000 * 20000);
  EXPECT_GT(static_cast<double>(*item_side_2x) / *item_side, 3.5);
  auto user_side = EstimateFitBytes({"ease", {{"max_items", 1e6}}}, small);  // Auto: users side.
  ASSERT_THAT(user_side.status(), IsOk());
  EXPECT_LT(*user_side, *item_side / 10);
  auto als = EstimateFitBytes({"als"}, small);
  auto als_2x = EstimateFitBytes({"als"}, DataShape{1000, 20000, 200000});
  ASSERT_THAT(als.status(), IsOk());
  EXPECT_LT(*als, 64LL << 20);
  EXPECT_GT(*als_2x, *als);
  EXPECT_FALSE(EstimateFitBytes({"nope"}, small).ok());
}

// Over the budget Fit refuses before allocating, naming the flag; under it, it fits.
TEST(TrainingCostTest, MemoryBudgetRefusalNamesTheKnob) {
  Dataset data = Grid(40, 30);
  ModelConfig config{"ease"};
  config.memory_budget_bytes = 1000;
  auto refused = TrainModel(config, data);
  EXPECT_THAT(refused.status(), StatusIs(absl::StatusCode::kResourceExhausted,
                                         AllOf(HasSubstr("--recommender_memory_budget"),
                                               HasSubstr("ease"), HasSubstr("40 users"))));
  EXPECT_THAT(CheckMemoryBudget(config, {40, 30, 200}),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("memory budget")));
  config.memory_budget_bytes = 64 << 20;
  EXPECT_THAT(TrainModel(config, data).status(), IsOk());
  EXPECT_THAT(CheckMemoryBudget(config, {40, 30, 200}), IsOk());
  // The hybrid counts its components.
  ModelConfig hybrid{"hybrid"};
  hybrid.memory_budget_bytes = 1000;
  EXPECT_THAT(TrainModel(hybrid, data).status(),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("hybrid")));
  config.memory_budget_bytes = -1;
  EXPECT_FALSE(CreateModel(config).ok());
}

// Every factorizing fit stops when the progress callback says so, part-way through.
TEST(TrainingCostTest, CancelMidFit) {
  Dataset data = Grid(300, 600);  // Users < items: ease on the user side.
  for (const ModelConfig& config :
       {ModelConfig{"ease"}, ModelConfig{"ease", {{"side", 1}}}, ModelConfig{"svd"},
        ModelConfig{"als"}, ModelConfig{"hybrid"}}) {
    SCOPED_TRACE(config.name);
    int calls = 0;
    double last = 0;
    auto model = TrainModel(config, data, [&](double fraction) {
      last = fraction;
      return ++calls < 3;
    });
    EXPECT_THAT(model.status(), StatusIs(absl::StatusCode::kCancelled, ::testing::_));
    EXPECT_EQ(calls, 3);
    EXPECT_LT(last, 1.0);
  }
}

}  // namespace
}  // namespace clientele::recommender
