// Fits on several threads give the same model as on one, and a hybrid given an already fitted
// component serves as one that fitted its own.
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "recommender/models/ease_model.h"
#include "recommender/models/hybrid_model.h"
#include "tests/recommender/models/test_data.h"

namespace clientele::recommender {
namespace {

// `users` users with 5..24 items of `items`, the lower item numbers likelier.
Dataset RandomData(int users, int items, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::tuple<std::string, std::string, double, int>> cells;
  for (int u = 0; u < users; ++u) {
    const int count = 5 + static_cast<int>(rng() % 20);
    for (int c = 0; c < count; ++c) {
      const uint64_t item = (rng() % items) * (rng() % items) / items;
      cells.emplace_back(absl::StrCat("u", u), absl::StrCat("i", item), 1.0, 0);
    }
  }
  return testdata::Make(cells);
}

std::unique_ptr<RecommenderModel> Fit(ModelConfig config, const Dataset& data) {
  auto model = TrainModel(config, data);
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

// Every user's top 20, items and scores.
std::vector<std::pair<int32_t, float>> AllTopLists(const RecommenderModel& model) {
  std::vector<std::pair<int32_t, float>> out;
  for (int32_t u = 0; u < model.users().size(); ++u) {
    RecommendRequest request;
    request.user = u;
    request.k = 20;
    auto recs = model.Recommend(request);
    EXPECT_TRUE(recs.ok()) << recs.status();
    if (!recs.ok()) continue;
    for (const Recommendation& r : *recs) out.emplace_back(r.item, r.score);
  }
  return out;
}

// Item side (600 items: three blocks of 256), user side with B formed, and user side from the
// factors: every weight equal to the bit between 1 and 2 threads.
TEST(FitThreadsTest, EaseEqualsOnOneAndTwoThreads) {
  const Dataset many_users = RandomData(900, 600, 1);
  const Dataset few_users = RandomData(300, 700, 2);
  struct Case {
    const Dataset* data;
    int side;
    int max_dense_items;
  };
  for (const Case& c :
       {Case{&many_users, 1, 8192}, Case{&few_users, 2, 8192}, Case{&few_users, 2, 0}}) {
    SCOPED_TRACE(absl::StrCat("side ", c.side, " max_dense_items ", c.max_dense_items));
    std::vector<std::unique_ptr<RecommenderModel>> fits;
    for (int threads : {1, 2}) {
      ModelConfig config{"ease", {{"side", c.side}, {"max_dense_items", c.max_dense_items}}};
      config.fit_threads = threads;
      fits.push_back(Fit(config, *c.data));
      ASSERT_NE(fits.back(), nullptr);
    }
    const auto& one = static_cast<const EaseModel&>(*fits[0]);
    const auto& two = static_cast<const EaseModel&>(*fits[1]);
    const int32_t n = c.data->num_items();
    int64_t differing = 0;
    for (int32_t i = 0; i < n; ++i) {
      for (int32_t j = 0; j < n; ++j) differing += one.Weight(i, j) != two.Weight(i, j);
    }
    EXPECT_EQ(differing, 0);
    EXPECT_EQ(AllTopLists(one), AllTopLists(two));
  }
}

// The serving cache is built in chunks of users over the fit's threads: the same lists.
TEST(FitThreadsTest, ServingCacheEqualsOnOneAndTwoThreads) {
  const Dataset data = RandomData(700, 300, 3);
  for (const char* name : {"item_cf", "ease"}) {
    SCOPED_TRACE(name);
    ModelConfig one_config{name}, two_config{name};
    one_config.fit_threads = 1;
    two_config.fit_threads = 2;
    auto one = Fit(one_config, data);
    auto two = Fit(two_config, data);
    ASSERT_NE(one, nullptr);
    ASSERT_NE(two, nullptr);
    const auto lists = AllTopLists(*one);
    EXPECT_EQ(lists.size(), 700u * 20);
    EXPECT_EQ(lists, AllTopLists(*two));
  }
}

TEST(FitThreadsTest, HybridUsesTheGivenFittedEaseAndServesTheSame) {
  const Dataset data = RandomData(500, 300, 4);
  std::shared_ptr<const RecommenderModel> ease = Fit(ModelConfig{"ease"}, data);
  ASSERT_NE(ease, nullptr);
  ModelConfig shared_config{"hybrid"};
  shared_config.fitted["ease"] = ease;
  auto shared = Fit(shared_config, data);
  auto own = Fit(ModelConfig{"hybrid"}, data);
  ASSERT_NE(shared, nullptr);
  ASSERT_NE(own, nullptr);
  const auto& hybrid = static_cast<const HybridModel&>(*shared);
  ASSERT_GE(hybrid.num_components(), 1);
  EXPECT_EQ(&hybrid.component(0), ease.get());
  EXPECT_EQ(static_cast<const HybridModel&>(*own).num_components(), hybrid.num_components());
  const auto lists = AllTopLists(*own);
  EXPECT_FALSE(lists.empty());
  EXPECT_EQ(AllTopLists(*shared), lists);
  // Its validation users are scored on the fit's threads: the same blend on one thread.
  ModelConfig one_thread{"hybrid"};
  one_thread.fit_threads = 1;
  auto single = Fit(one_thread, data);
  ASSERT_NE(single, nullptr);
  EXPECT_EQ(static_cast<const HybridModel&>(*single).tuning_ndcg(),
            static_cast<const HybridModel&>(*own).tuning_ndcg());
  EXPECT_EQ(AllTopLists(*single), lists);
  // Written without the shared component's serving cache, read back equal.
  auto again = DeserializeModel(shared->Serialize());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(AllTopLists(**again), lists);
  // A component with parameters is not taken from the fitted models.
  ModelConfig custom{"hybrid"};
  custom.components = {{ModelConfig{"ease", {{"lambda", 100}}}, 1.0}};
  custom.fitted["ease"] = ease;
  auto fitted_own = Fit(custom, data);
  ASSERT_NE(fitted_own, nullptr);
  EXPECT_NE(&static_cast<const HybridModel&>(*fitted_own).component(0), ease.get());
}

}  // namespace
}  // namespace clientele::recommender
