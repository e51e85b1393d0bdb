// Behaviour every model shares through RecommenderModel: request checks, exclusion, filters,
// cold start, serialization, cancellation, concurrent reads, and the hybrid blend.
#include "recommender/models/recommender_model.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "recommender/models/hybrid_model.h"
#include "tests/recommender/models/test_data.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using testdata::Ids;
using testdata::Make;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Six users, items in two categories (fruit: apple pear plum; dairy: milk cheese).
Dataset Grocery() {
  return Make({{"u1", "apple", 5, 0},
               {"u1", "pear", 4, 1},
               {"u1", "milk", 3, 2},
               {"u2", "apple", 4, 3},
               {"u2", "pear", 5, 4},
               {"u2", "plum", 2, 5},
               {"u3", "milk", 5, 6},
               {"u3", "cheese", 4, 7},
               {"u4", "milk", 4, 8},
               {"u4", "cheese", 5, 9},
               {"u4", "apple", 1, 10},
               {"u5", "pear", 3, 11},
               {"u5", "plum", 4, 12},
               {"u6", "apple", 2, 13}},
              {{"apple", "fruit"},
               {"pear", "fruit"},
               {"plum", "fruit"},
               {"milk", "dairy"},
               {"cheese", "dairy"}});
}

class AllModelsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    data_ = Grocery();
    ModelConfig config{GetParam()};
    if (GetParam() == "ease") config.params["lambda"] = 1;
    if (GetParam() == "svd") config.params["factors"] = 2;  // All 5 would filter nothing.
    // Its default regularization (100) suits real catalogs; on six users it swamps the data.
    if (GetParam() == "als") config.params["regularization"] = 0.1;
    auto model = TrainModel(config, data_);
    ASSERT_THAT(model.status(), IsOk());
    model_ = *std::move(model);
  }
  int32_t Item(const char* id) const { return *model_->FindItem(id); }

  Dataset data_;
  std::unique_ptr<RecommenderModel> model_;
};

TEST_P(AllModelsTest, ExcludesSeenItemsByDefault) {
  auto recs = model_->Recommend(testdata::ForUser(*model_, "u1"));
  ASSERT_THAT(recs.status(), IsOk());
  std::vector<std::string> ids = Ids(*model_, *recs);
  EXPECT_THAT(ids, Not(Contains("apple")));
  EXPECT_THAT(ids, Not(Contains("pear")));
  EXPECT_THAT(ids, Not(Contains("milk")));
  EXPECT_EQ(ids.size(), 2u);  // plum and cheese are left.
  for (const Recommendation& r : *recs) EXPECT_FALSE(r.reason_text.empty());
}

TEST_P(AllModelsTest, CanKeepSeenItemsAndExcludeOthers) {
  RecommendRequest request = testdata::ForUser(*model_, "u1");
  request.exclude_seen = false;
  request.exclude = {Item("cheese")};
  auto recs = model_->Recommend(request);
  ASSERT_THAT(recs.status(), IsOk());
  std::vector<std::string> ids = Ids(*model_, *recs);
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_THAT(ids, Contains("apple"));
  EXPECT_THAT(ids, Not(Contains("cheese")));
}

TEST_P(AllModelsTest, CategoryAndItemFilters) {
  RecommendRequest request = testdata::ForUser(*model_, "u3");
  request.category = "fruit";
  auto recs = model_->Recommend(request);
  ASSERT_THAT(recs.status(), IsOk());
  for (const Recommendation& r : *recs) EXPECT_EQ(model_->item_category(r.item), "fruit");
  EXPECT_EQ(recs->size(), 3u);
  request.item_filter = [&](int32_t item) { return item != Item("pear"); };
  recs = model_->Recommend(request);
  ASSERT_THAT(recs.status(), IsOk());
  EXPECT_THAT(Ids(*model_, *recs), Not(Contains("pear")));
  EXPECT_EQ(recs->size(), 2u);
}

TEST_P(AllModelsTest, ColdStartGetsPopularItems) {
  RecommendRequest request;  // Unknown user, no history.
  request.k = 2;
  auto recs = model_->Recommend(request);
  ASSERT_THAT(recs.status(), IsOk());
  // apple (4 users), then pear and milk (3 each): ties go to the lower index, and the
  // catalog order is apple, pear, plum, milk, cheese.
  EXPECT_THAT(Ids(*model_, *recs), ElementsAre("apple", "pear"));
  EXPECT_EQ((*recs)[0].reason_text, "popular");
}

TEST_P(AllModelsTest, HistoryOfAnUnknownUserIsUsed) {
  RecommendRequest request;
  request.history = {{Item("milk"), 5}};
  auto recs = model_->Recommend(request);
  ASSERT_THAT(recs.status(), IsOk());
  EXPECT_THAT(Ids(*model_, *recs), Not(Contains("milk")));
  if (GetParam() != "popularity") {
    // Everyone with milk has cheese or the like: cheese comes first.
    EXPECT_EQ(Ids(*model_, *recs).front(), "cheese");
    EXPECT_THAT((*recs)[0].reason_text, HasSubstr("milk"));
  }
}

TEST_P(AllModelsTest, BadRequestsAreInvalidArgument) {
  RecommendRequest request;
  request.k = 0;
  EXPECT_THAT(model_->Recommend(request).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("k")));
  request.k = 1001;
  EXPECT_THAT(model_->Recommend(request).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("k")));
  request.k = 5;
  request.user = 99;
  EXPECT_THAT(model_->Recommend(request).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("user")));
  request.user.reset();
  request.history = {{42, 1}};
  EXPECT_THAT(model_->Recommend(request).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("history")));
}

TEST_P(AllModelsTest, SerializationRoundTripGivesTheSameRecommendations) {
  std::string bytes = model_->Serialize();
  auto loaded = DeserializeModel(bytes);
  ASSERT_THAT(loaded.status(), IsOk());
  EXPECT_EQ((*loaded)->name(), GetParam());
  EXPECT_EQ((*loaded)->Serialize(), bytes);
  for (int32_t u = 0; u < data_.num_users(); ++u) {
    RecommendRequest request;
    request.user = u;
    request.k = 5;
    auto a = model_->Recommend(request);
    auto b = (*loaded)->Recommend(request);
    ASSERT_THAT(a.status(), IsOk());
    ASSERT_THAT(b.status(), IsOk());
    ASSERT_EQ(a->size(), b->size());
    for (size_t r = 0; r < a->size(); ++r) {
      EXPECT_EQ((*a)[r].item, (*b)[r].item);
      EXPECT_EQ((*a)[r].score, (*b)[r].score);
      EXPECT_EQ((*a)[r].reason_text, (*b)[r].reason_text);
    }
  }
}

TEST_P(AllModelsTest, CorruptBytesAreDataLoss) {
  std::string bytes = model_->Serialize();
  for (size_t cut : {size_t{0}, size_t{5}, bytes.size() / 2, bytes.size() - 1}) {
    EXPECT_THAT(DeserializeModel(bytes.substr(0, cut)).status(),
                StatusIs(absl::StatusCode::kDataLoss, ::testing::_))
        << "cut at " << cut;
  }
  EXPECT_THAT(DeserializeModel(bytes + "x").status(),
              StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
}

TEST_P(AllModelsTest, ConcurrentReadsAgreeWithSerialOnes) {
  std::vector<std::vector<int32_t>> expected(data_.num_users());
  for (int32_t u = 0; u < data_.num_users(); ++u) {
    RecommendRequest request;
    request.user = u;
    auto recs = model_->Recommend(request);
    ASSERT_THAT(recs.status(), IsOk());
    for (const auto& r : *recs) expected[u].push_back(r.item);
  }
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 500; ++n) {
        RecommendRequest request;
        request.user = (n + t) % data_.num_users();
        auto recs = model_->Recommend(request);
        std::vector<int32_t> got;
        if (recs.ok()) {
          for (const auto& r : *recs) got.push_back(r.item);
        }
        if (got != expected[*request.user]) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// The serving cache (top cache_top_n per known user) answers exactly as full scoring does,
// also when filters leave fewer than k of the cached items (then it falls back).
TEST_P(AllModelsTest, ServingCacheAgreesWithFullScoring) {
  ModelConfig config{GetParam()};
  if (GetParam() == "ease") config.params["lambda"] = 1;
  if (GetParam() == "svd") config.params["factors"] = 2;
  if (GetParam() == "als") config.params["regularization"] = 0.1;  // As in SetUp.
  config.cache_top_n = 0;
  auto uncached = TrainModel(config, data_);
  config.cache_top_n = 2;
  auto small = TrainModel(config, data_);
  ASSERT_THAT(uncached.status(), IsOk());
  ASSERT_THAT(small.status(), IsOk());
  auto texts = [](const absl::StatusOr<std::vector<Recommendation>>& recs) {
    std::vector<std::string> out;
    EXPECT_THAT(recs.status(), IsOk());
    if (recs.ok()) {
      for (const auto& r : *recs) out.push_back(std::to_string(r.item) + " " + r.reason_text);
    }
    return out;
  };
  for (int32_t u = 0; u < data_.num_users(); ++u) {
    for (int variant = 0; variant < 4; ++variant) {
      RecommendRequest request;
      request.user = u;
      request.k = variant == 3 ? 1 : 3;
      if (variant == 1) request.category = "dairy";
      if (variant == 2) request.exclude = {Item("plum"), Item("cheese")};
      if (variant == 3) request.item_filter = [&](int32_t i) { return i == Item("pear"); };
      auto want = texts((*uncached)->Recommend(request));
      EXPECT_EQ(texts(model_->Recommend(request)), want) << "user " << u << " v " << variant;
      EXPECT_EQ(texts((*small)->Recommend(request)), want) << "user " << u << " v " << variant;
    }
  }
}

TEST_P(AllModelsTest, FitCanBeCancelled) {
  auto model = CreateModel({GetParam()});
  ASSERT_THAT(model.status(), IsOk());
  EXPECT_THAT((*model)->Fit(data_, [](double) { return false; }),
              StatusIs(absl::StatusCode::kCancelled, ::testing::_));
  EXPECT_FALSE((*model)->fitted());
}

// Erasure without refitting: the forgotten user is no longer found, has no history and no
// byte of their id is serialized; the others are answered exactly as before, also after a
// round trip through the bytes.
TEST_P(AllModelsTest, ForgetUsersRemovesTheUserAndKeepsTheOthers) {
  const int32_t u1 = *model_->FindUser("u1");
  std::vector<std::vector<std::string>> before;
  for (const char* user : {"u2", "u3", "u4"}) {
    auto recs = model_->Recommend(testdata::ForUser(*model_, user));
    ASSERT_THAT(recs.status(), IsOk());
    before.push_back(Ids(*model_, *recs));
  }
  model_->ForgetUsers({u1});
  EXPECT_FALSE(model_->FindUser("u1").has_value());
  EXPECT_TRUE(model_->UserItems(u1).empty());
  EXPECT_EQ(model_->users().size(), 6);  // The other users keep their indexes.
  const std::string bytes = model_->Serialize();
  EXPECT_EQ(bytes.find("u1"), std::string::npos);
  auto loaded = DeserializeModel(bytes);
  ASSERT_THAT(loaded.status(), IsOk());
  EXPECT_FALSE((*loaded)->FindUser("u1").has_value());
  int n = 0;
  for (const char* user : {"u2", "u3", "u4"}) {
    for (const RecommenderModel* model : {model_.get(), loaded->get()}) {
      auto recs = model->Recommend(testdata::ForUser(*model, user));
      ASSERT_THAT(recs.status(), IsOk());
      EXPECT_EQ(Ids(*model, *recs), before[n]) << user;
    }
    ++n;
  }
}

INSTANTIATE_TEST_SUITE_P(Models, AllModelsTest,
                         ::testing::Values("popularity", "item_cf", "sar", "ease", "rp3beta", "svd",
                                           "als", "hybrid"));

TEST(RecommenderModelTest, FactoryKnowsTheModelsAndRejectsOthers) {
  EXPECT_THAT(ModelNames(), ElementsAre("popularity", "item_cf", "sar", "ease", "rp3beta", "svd",
                                        "als", "hybrid"));
  EXPECT_THAT(ServedModelNames(), ElementsAre("popularity", "item_cf", "sar", "ease", "hybrid"));
  EXPECT_THAT(CreateModel({"bpr"}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bpr")));
}

TEST(RecommenderModelTest, UnfittedModelAndEmptyDataAreErrors) {
  auto model = CreateModel({"ease"});
  ASSERT_THAT(model.status(), IsOk());
  EXPECT_THAT((*model)->Recommend({}).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  EXPECT_THAT((*model)->Fit(Dataset()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dataset")));
}

TEST(HybridModelTest, BlendsScaledComponentScores) {
  ModelConfig config{"hybrid"};
  config.components = {{ModelConfig{"item_cf"}, 1.0}, {ModelConfig{"popularity"}, 0.5}};
  auto model = TrainModel(config, Grocery());
  ASSERT_THAT(model.status(), IsOk());
  const auto& hybrid = static_cast<const HybridModel&>(**model);
  EXPECT_EQ(hybrid.num_components(), 2);
  auto cf = TrainModel({"item_cf"}, Grocery());
  auto pop = TrainModel({"popularity"}, Grocery());
  RecommendRequest request = testdata::ForUser(hybrid, "u1", 1000);
  request.exclude_seen = false;
  auto h = hybrid.Recommend(request);
  auto c = (*cf)->Recommend(request);
  auto p = (*pop)->Recommend(request);
  ASSERT_THAT(h.status(), IsOk());
  auto score_of = [](const std::vector<Recommendation>& recs, int32_t item) {
    for (const auto& r : recs) {
      if (r.item == item) return r.score;
    }
    return 0.0f;
  };
  // Each component is scaled by its maximum over the items not in u1's history.
  float cmax = 0, pmax = 0;
  auto seen = hybrid.UserItems(*hybrid.FindUser("u1"));
  auto unseen = [&](int32_t item) {
    return std::find(seen.begin(), seen.end(), item) == seen.end();
  };
  for (const auto& r : *c) {
    if (unseen(r.item)) cmax = std::max(cmax, r.score);
  }
  for (const auto& r : *p) {
    if (unseen(r.item)) pmax = std::max(pmax, r.score);
  }
  ASSERT_GT(cmax, 0);
  ASSERT_GT(pmax, 0);
  for (const auto& r : *h) {
    float want = score_of(*c, r.item) / cmax + 0.5f * score_of(*p, r.item) / pmax;
    EXPECT_NEAR(r.score, want, 1e-5) << hybrid.items().id(r.item);
  }
}

TEST(HybridModelTest, RejectsNestedHybridsAndParams) {
  ModelConfig nested{"hybrid"};
  nested.components = {{ModelConfig{"hybrid"}, 1.0}};
  EXPECT_THAT(CreateModel(nested).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("hybrid")));
  EXPECT_FALSE(CreateModel({"hybrid", {{"lambda", 3}}}).ok());
}

// Two groups: 12 users have the 10 "a" items, 20 users the 10 "b" items, so every b item is
// more popular than any a item. A tuning split (training share 0.9) holds out 1 item of each
// user's 10. For an "a" user, popularity ranks the b items first (all wrong) and item_cf the
// held-out a item first (the only a item left).
Dataset TwoGroups() {
  std::vector<std::tuple<std::string, std::string, double, int>> cells;
  for (int u = 0; u < 32; ++u) {
    const std::string group = u < 12 ? "a" : "b";
    for (int i = 0; i < 10; ++i) {
      cells.emplace_back(absl::StrCat("u", u), absl::StrCat(group, i), 1, 0);
    }
  }
  return Make(cells);
}

// Popularity first (weight 1): on the tuning split an a item scores w * 1 + pop(a) / max pop(b),
// about w + 0.6, a b item at most 1, so item_cf needs a weight of about 0.4 or more; enough of
// it makes every held-out item the first recommendation (nDCG 1).
TEST(HybridModelTest, TuningWeighsTheComponentThatPredictsHeldOutItems) {
  ModelConfig config{"hybrid", {{"tune", 1}}};
  config.components = {{ModelConfig{"popularity"}, 1.0}, {ModelConfig{"item_cf"}, 0.0}};
  auto model = TrainModel(config, TwoGroups());
  ASSERT_THAT(model.status(), IsOk());
  const auto& hybrid = static_cast<const HybridModel&>(**model);
  ASSERT_EQ(hybrid.num_components(), 2);
  EXPECT_EQ(hybrid.weight(0), 1.0);  // The first component keeps its weight.
  EXPECT_GT(hybrid.weight(1), 0.4);
  EXPECT_DOUBLE_EQ(hybrid.tuning_ndcg(), 1.0);
  // A history of nine a items gets the tenth first.
  RecommendRequest request;
  for (int i = 0; i < 9; ++i) {
    request.history.push_back({*hybrid.FindItem(absl::StrCat("a", i)), 1});
  }
  request.k = 1;
  auto recs = hybrid.Recommend(request);
  ASSERT_THAT(recs.status(), IsOk());
  EXPECT_THAT(Ids(hybrid, *recs), ElementsAre("a9"));
}

// The other way round: item_cf first already ranks every held-out item first, popularity
// cannot do better, keeps weight 0 and is dropped (neither fitted nor served).
TEST(HybridModelTest, TuningDropsComponentsThatDoNotHelp) {
  ModelConfig config{"hybrid", {{"tune", 1}}};
  config.components = {{ModelConfig{"item_cf"}, 1.0}, {ModelConfig{"popularity"}, 0.0}};
  auto model = TrainModel(config, TwoGroups());
  ASSERT_THAT(model.status(), IsOk());
  const auto& hybrid = static_cast<const HybridModel&>(**model);
  ASSERT_EQ(hybrid.num_components(), 1);
  EXPECT_EQ(hybrid.component(0).name(), "item_cf");
  EXPECT_DOUBLE_EQ(hybrid.tuning_ndcg(), 1.0);
}

TEST(HybridModelTest, TuningIsSeededAndWeightsSurviveSerialization) {
  ModelConfig config{"hybrid", {{"tune", 1}, {"tune_seed", 7}}};
  config.components = {{ModelConfig{"popularity"}, 1.0}, {ModelConfig{"item_cf"}, 0.5}};
  auto first = TrainModel(config, TwoGroups());
  auto second = TrainModel(config, TwoGroups());
  ASSERT_THAT(first.status(), IsOk());
  ASSERT_THAT(second.status(), IsOk());
  const auto& h1 = static_cast<const HybridModel&>(**first);
  const auto& h2 = static_cast<const HybridModel&>(**second);
  ASSERT_EQ(h1.num_components(), h2.num_components());
  for (int m = 0; m < h1.num_components(); ++m) EXPECT_EQ(h1.weight(m), h2.weight(m));
  auto loaded = DeserializeModel((*first)->Serialize());
  ASSERT_THAT(loaded.status(), IsOk());
  const auto& h3 = static_cast<const HybridModel&>(**loaded);
  ASSERT_EQ(h3.num_components(), h1.num_components());
  for (int m = 0; m < h1.num_components(); ++m) EXPECT_EQ(h3.weight(m), h1.weight(m));
}

TEST(HybridModelTest, DefaultBlendIsTunedEaseAndSvdAndExplicitWeightsAreKept) {
  auto tuned = TrainModel({"hybrid"}, TwoGroups());
  ASSERT_THAT(tuned.status(), IsOk());
  const auto& h = static_cast<const HybridModel&>(**tuned);
  EXPECT_EQ(h.component(0).name(), "ease");
  EXPECT_GE(h.tuning_ndcg(), 0);
  for (int m = 1; m < h.num_components(); ++m) EXPECT_EQ(h.component(m).name(), "svd");
  ModelConfig fixed{"hybrid"};
  fixed.components = {{ModelConfig{"popularity"}, 1.0}, {ModelConfig{"item_cf"}, 0.25}};
  auto kept = TrainModel(fixed, TwoGroups());
  ASSERT_THAT(kept.status(), IsOk());
  const auto& k = static_cast<const HybridModel&>(**kept);
  EXPECT_EQ(k.weight(1), 0.25);
  EXPECT_EQ(k.tuning_ndcg(), -1);
  ModelConfig zero_first{"hybrid", {{"tune", 1}}};
  zero_first.components = {{ModelConfig{"popularity"}, 0.0}, {ModelConfig{"item_cf"}, 1.0}};
  EXPECT_THAT(CreateModel(zero_first).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("first weight")));
  EXPECT_FALSE(CreateModel({"hybrid", {{"tune", 2}}}).ok());
}

}  // namespace
}  // namespace clientele::recommender

namespace clientele::recommender {
namespace {

// 40 users over 3,000 items (each user 30 items spread over the catalog, overlapping),
// items in three categories.
Dataset WideCatalog() {
  std::vector<std::tuple<std::string, std::string, double, int>> cells;
  std::vector<std::pair<std::string, std::string>> categories;
  for (int i = 0; i < 3000; ++i) {
    categories.emplace_back(absl::StrCat("i", i), i % 3 == 0 ? "x" : (i % 3 == 1 ? "y" : "z"));
  }
  for (int u = 0; u < 40; ++u) {
    for (int c = 0; c < 30; ++c) {
      cells.emplace_back(absl::StrCat("u", u), absl::StrCat("i", (u * 37 + c * c * 7) % 3000), 1,
                         c);
    }
  }
  return testdata::Make(cells, categories);
}

// Recommend keeps a bounded candidate list (pruned to the k best once it holds 1,024 items)
// and popularity walks its ranked list: the top k must be the head of the full ranking
// (k = 1,000 keeps every candidate), with and without filters.
TEST(RecommenderModelTest, TopKIsTheHeadOfTheFullRankingOnAWideCatalog) {
  const Dataset data = WideCatalog();
  for (const char* name : {"svd", "popularity", "item_cf", "als"}) {
    ModelConfig config{name};
    config.cache_top_n = 0;  // Every call scores.
    auto model = TrainModel(config, data);
    ASSERT_TRUE(model.ok()) << name << ": " << model.status();
    for (int variant = 0; variant < 4; ++variant) {
      for (const char* user : {"u0", "u17", "u39"}) {
        RecommendRequest request = testdata::ForUser(**model, user, 1000);
        if (variant == 1) request.category = "y";
        if (variant == 2) request.exclude = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        if (variant == 3) request.item_filter = [](int32_t i) { return i % 5 != 0; };
        auto full = (*model)->Recommend(request);
        ASSERT_TRUE(full.ok()) << full.status();
        for (int k : {1, 10, 100}) {
          request.k = k;
          auto top = (*model)->Recommend(request);
          ASSERT_TRUE(top.ok()) << top.status();
          ASSERT_EQ(top->size(), std::min<size_t>(k, full->size())) << name;
          for (size_t r = 0; r < top->size(); ++r) {
            EXPECT_EQ((*top)[r].item, (*full)[r].item)
                << name << " variant " << variant << " " << user << " k " << k << " rank " << r;
            EXPECT_EQ((*top)[r].score, (*full)[r].score) << name;
            EXPECT_EQ((*top)[r].reason_text, (*full)[r].reason_text) << name;
          }
        }
      }
    }
  }
}

TEST(RecommenderModelTest, PopularityRankingMatchesCountsWithExclusionsAndFilters) {
  const Dataset data = WideCatalog();
  auto model = TrainModel({"popularity"}, data);
  ASSERT_TRUE(model.ok()) << model.status();
  // Users per item, then the order: most users first, ties by item index.
  std::vector<int> users(data.num_items(), 0);
  for (int32_t item : data.item_index()) ++users[item];
  const RecommendRequest base = testdata::ForUser(**model, "u3", 25);
  const absl::Span<const int32_t> seen = (*model)->UserItems(*base.user);
  std::vector<int32_t> expected;
  for (int32_t i = 0; i < data.num_items(); ++i) {
    if (std::find(seen.begin(), seen.end(), i) != seen.end()) continue;
    if ((*model)->item_category(i) != "z" || i == 5) continue;
    expected.push_back(i);
  }
  std::stable_sort(expected.begin(), expected.end(),
                   [&](int32_t a, int32_t b) { return users[a] > users[b]; });
  expected.resize(25);
  RecommendRequest request = base;
  request.category = "z";
  request.exclude = {5};
  auto recs = (*model)->Recommend(request);
  ASSERT_TRUE(recs.ok()) << recs.status();
  std::vector<int32_t> got;
  for (const Recommendation& r : *recs) {
    got.push_back(r.item);
    EXPECT_EQ(r.score, users[r.item]);
  }
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace clientele::recommender
