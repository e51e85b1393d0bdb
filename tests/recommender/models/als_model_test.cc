// Implicit ALS: the conjugate-gradient row solve and the model on hand-checked data.
#include "recommender/models/als_model.h"

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "recommender/models/internal/implicit_als.h"
#include "tests/recommender/models/test_data.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using internal::RowMatrixD;
using testdata::Ids;
using testdata::Make;
using ::testing::ElementsAre;

// One factor, Y = (1, 2), a row with item 0 at confidence 2 (alpha 1) and reg 0.5:
// (Y^T Y + reg + (c - 1) y_0^2) x = c y_0, i.e. (5 + 0.5 + 1) x = 2: x = 2 / 6.5.
TEST(ImplicitAlsTest, OneFactorRowByHand) {
  RowMatrixD y(2, 1);
  y << 1, 2;
  const Eigen::MatrixXd yty = y.transpose() * y;
  const std::vector<int64_t> cols = {0};
  const std::vector<double> conf = {2};
  EXPECT_NEAR(internal::DirectSolve(yty, y, cols, conf, 0.5)[0], 2 / 6.5, 1e-12);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(1);
  internal::ConjugateGradientSolve(yty, y, cols, conf, 0.5, 1, x);
  EXPECT_NEAR(x[0], 2 / 6.5, 1e-12);
}

// Conjugate gradient reaches the exact least-squares solution of a row's normal equations in
// `factors` steps, from any start, and a single step from zero does not.
TEST(ImplicitAlsTest, ConjugateGradientConvergesToTheExactSolution) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  const int f = 8;
  RowMatrixD y(30, f);
  for (int c = 0; c < y.size(); ++c) y.data()[c] = normal(rng);
  const Eigen::MatrixXd yty = y.transpose() * y;
  const std::vector<int64_t> cols = {1, 4, 9, 17, 22, 29};
  const std::vector<double> conf = {2, 11, 3, 6, 1, 21};
  const Eigen::VectorXd exact = internal::DirectSolve(yty, y, cols, conf, 0.1);
  // The exact solution satisfies the equations written out densely.
  Eigen::MatrixXd a = yty + 0.1 * Eigen::MatrixXd::Identity(f, f);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(f);
  for (size_t k = 0; k < cols.size(); ++k) {
    a += (conf[k] - 1) * y.row(cols[k]).transpose() * y.row(cols[k]);
    b += conf[k] * y.row(cols[k]).transpose();
  }
  EXPECT_LT((a * exact - b).norm(), 1e-9);
  Eigen::VectorXd x = Eigen::VectorXd::Constant(f, 0.3);
  internal::ConjugateGradientSolve(yty, y, cols, conf, 0.1, 2 * f, x);
  EXPECT_LT((x - exact).norm(), 1e-8 * exact.norm());
  Eigen::VectorXd one = Eigen::VectorXd::Zero(f);
  internal::ConjugateGradientSolve(yty, y, cols, conf, 0.1, 1, one);
  EXPECT_GT((one - exact).norm(), 1e-3 * exact.norm());
}

// Two groups of users with disjoint items: a user of the first group with one of its items
// gets the rest of the group first, scored by dot products of the fitted vectors.
TEST(AlsModelTest, RecommendsWithinTheCoPurchaseGroup) {
  std::vector<std::tuple<std::string, std::string, double, int>> cells;
  for (int u = 0; u < 6; ++u) {
    for (const char* item : {"a", "b", "c"})
      cells.emplace_back("g" + std::to_string(u), item, 1, 0);
    for (const char* item : {"x", "y", "z"})
      cells.emplace_back("h" + std::to_string(u), item, 1, 0);
  }
  cells.emplace_back("new", "a", 1, 0);
  Dataset data = Make(cells);
  auto model = TrainModel({"als", {{"factors", 4}, {"iterations", 10}}}, data);
  ASSERT_THAT(model.status(), IsOk());
  const auto& als = static_cast<const AlsModel&>(**model);
  auto recs = als.Recommend(testdata::ForUser(als, "new", 2));
  ASSERT_THAT(recs.status(), IsOk());
  EXPECT_THAT(Ids(als, *recs), ::testing::UnorderedElementsAre("b", "c"));
  const Eigen::VectorXd user = als.FoldIn({{*als.FindItem("a"), 1.0f}});
  EXPECT_NEAR((*recs)[0].score, user.dot(als.ItemVector((*recs)[0].item)), 1e-5);
  EXPECT_EQ((*recs)[0].reason_text, "similar to a");
  // Serialized and loaded: the same recommendations.
  auto again = DeserializeModel(als.Serialize());
  ASSERT_THAT(again.status(), IsOk());
  auto recs2 = (*again)->Recommend(testdata::ForUser(**again, "new", 2));
  ASSERT_THAT(recs2.status(), IsOk());
  EXPECT_EQ(Ids(**again, *recs2), Ids(als, *recs));
}

// Above hnsw_min_items the candidates come from an HNSW graph over the item vectors; on a
// catalog this small its search is exhaustive in practice, so the lists equal the exact ones.
TEST(AlsModelTest, HnswRetrievalAgreesWithExactDotProducts) {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> pick(0, 299);
  std::vector<std::tuple<std::string, std::string, double, int>> cells;
  for (int u = 0; u < 200; ++u) {
    const int group = u % 5;  // Users of a group prefer its 60 items.
    for (int n = 0; n < 12; ++n) {
      const int item = n < 9 ? group * 60 + pick(rng) % 60 : pick(rng);
      cells.emplace_back("u" + std::to_string(u), "i" + std::to_string(item), 1, 0);
    }
  }
  Dataset data = Make(cells);
  auto exact = TrainModel({"als", {{"factors", 8}, {"iterations", 5}}}, data);
  auto hnsw = TrainModel({"als", {{"factors", 8}, {"iterations", 5}, {"hnsw_min_items", 1}}}, data);
  ASSERT_THAT(exact.status(), IsOk());
  ASSERT_THAT(hnsw.status(), IsOk());
  EXPECT_FALSE(static_cast<const AlsModel&>(**exact).uses_hnsw());  // 300 < 20000 items.
  ASSERT_TRUE(static_cast<const AlsModel&>(**hnsw).uses_hnsw());
  auto loaded = DeserializeModel((*hnsw)->Serialize());
  ASSERT_THAT(loaded.status(), IsOk());
  EXPECT_TRUE(static_cast<const AlsModel&>(**loaded).uses_hnsw());
  int same = 0;
  for (int u = 0; u < 200; ++u) {
    const std::string user = "u" + std::to_string(u);
    auto a = (*exact)->Recommend(testdata::ForUser(**exact, user, 10));
    auto b = (*hnsw)->Recommend(testdata::ForUser(**hnsw, user, 10));
    RecommendRequest by_history;  // Not from the serving cache: scored at request time.
    by_history.k = 10;
    for (int32_t item : (*loaded)->UserItems(*(*loaded)->FindUser(user))) {
      by_history.history.push_back({item, 1.0f});
    }
    auto c = (*loaded)->Recommend(by_history);
    ASSERT_THAT(a.status(), IsOk());
    ASSERT_THAT(b.status(), IsOk());
    ASSERT_THAT(c.status(), IsOk());
    ASSERT_EQ(b->size(), 10u);
    EXPECT_GT((*b)[9].score, 0);  // Retrieved and scored, not popularity filler.
    EXPECT_EQ(Ids(**hnsw, *b), Ids(**loaded, *c));
    same += Ids(**exact, *a) == Ids(**hnsw, *b) ? 1 : 0;
  }
  EXPECT_GE(same, 198);
}

TEST(AlsModelTest, CancelledMidFit) {
  Dataset data = Make({{"u1", "a", 1, 0}, {"u1", "b", 1, 0}, {"u2", "a", 1, 0}});
  int calls = 0;
  auto model = TrainModel({"als", {{"iterations", 50}}}, data, [&](double) { return ++calls < 5; });
  EXPECT_THAT(model.status(), StatusIs(absl::StatusCode::kCancelled, ::testing::_));
  EXPECT_EQ(calls, 5);
}

TEST(AlsModelTest, BadParametersAreErrors) {
  EXPECT_FALSE(CreateModel({"als", {{"factors", 0}}}).ok());
  EXPECT_FALSE(CreateModel({"als", {{"regularization", 0}}}).ok());
  EXPECT_FALSE(CreateModel({"als", {{"cg_steps", 0}}}).ok());
  EXPECT_FALSE(CreateModel({"als", {{"hnsw_min_items", 0}}}).ok());
  EXPECT_FALSE(CreateModel({"als", {{"hnsw_candidates", 0}}}).ok());
}

}  // namespace
}  // namespace clientele::recommender
