// EASE's user-side (Woodbury) form against a dense item-side reference on small random data.
#include <Eigen/Dense>
#include <cmath>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "recommender/models/ease_model.h"
#include "tests/recommender/models/test_data.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;

// `users` users with 3..12 random items of `items`, values 1..5.
Dataset RandomData(int users, int items, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::tuple<std::string, std::string, double, int>> cells;
  for (int u = 0; u < users; ++u) {
    const int count = 3 + static_cast<int>(rng() % 10);
    for (int c = 0; c < count; ++c) {
      cells.emplace_back(absl::StrCat("u", u), absl::StrCat("i", rng() % items),
                         1.0 + static_cast<double>(rng() % 5), 0);
    }
  }
  return testdata::Make(cells);
}

// B of the given parameters computed densely in double: P = (X^T X + Lambda)^-1.
Eigen::MatrixXd ReferenceB(const Dataset& data, double lambda, double dropout, bool constraint,
                           bool binary, double user_norm) {
  const int n = data.num_items();
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(data.num_users(), n);
  for (int u = 0; u < data.num_users(); ++u) {
    auto items = data.UserItems(u);
    auto values = data.UserValues(u);
    const double scale = std::pow(static_cast<double>(items.size()), -user_norm);
    for (size_t a = 0; a < items.size(); ++a) x(u, items[a]) = (binary ? 1 : values[a]) * scale;
  }
  Eigen::MatrixXd g = x.transpose() * x;
  Eigen::VectorXd reg =
      Eigen::VectorXd::Constant(n, lambda) + dropout / (1 - dropout) * g.diagonal();
  g.diagonal() += reg;
  Eigen::MatrixXd p = g.inverse();
  Eigen::MatrixXd b(n, n);
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < n; ++i) b(j, i) = -p(j, i) * (constraint ? 1 / p(i, i) : reg(i));
    b(j, j) = constraint ? 0 : 1 - p(j, j) * reg(j);
  }
  return b;
}

struct Variant {
  double lambda, dropout, constraint, binary, user_norm;
};

class EaseUserSideTest : public ::testing::TestWithParam<Variant> {};

// Item side, user side with B formed, and user side scoring from the factors all equal the
// dense reference, weight by weight and in Recommend's scores.
TEST_P(EaseUserSideTest, EqualsTheDenseItemSideReference) {
  const Variant v = GetParam();
  Dataset data = RandomData(25, 60, 7);
  ASSERT_LT(data.num_users(), data.num_items());
  const Eigen::MatrixXd reference =
      ReferenceB(data, v.lambda, v.dropout, v.constraint != 0, v.binary != 0, v.user_norm);
  std::map<std::string, double> params = {{"lambda", v.lambda},
                                          {"dropout", v.dropout},
                                          {"constraint", v.constraint},
                                          {"binary", v.binary},
                                          {"user_norm", v.user_norm}};
  for (const auto& [side, dense] : {std::pair{1, 8192}, {0, 8192}, {2, 0}}) {
    SCOPED_TRACE(absl::StrCat("side ", side, " max_dense_items ", dense));
    ModelConfig config{"ease", params};
    config.params["side"] = side;
    config.params["max_dense_items"] = dense;
    auto model = TrainModel(config, data);
    ASSERT_THAT(model.status(), IsOk());
    const auto& ease = static_cast<const EaseModel&>(**model);
    EXPECT_EQ(ease.solved_on_user_side(), side != 1);
    const int n = data.num_items();
    for (int j = 0; j < n; ++j) {
      for (int i = 0; i < n; ++i) {
        ASSERT_NEAR(ease.Weight(j, i), reference(j, i), 1e-6) << j << " -> " << i;
      }
    }
    // A history with weights: score(i) = sum_j w_j B(j, i) over the unseen items.
    RecommendRequest request;
    request.k = 20;
    request.history = {{3, 2.0f}, {10, 1.0f}, {41, 4.0f}};
    auto recs = ease.Recommend(request);
    ASSERT_THAT(recs.status(), IsOk());
    for (const Recommendation& r : *recs) {
      if (r.score == 0) continue;  // A popularity fallback.
      double expected = 0;
      for (const auto& [j, w] : request.history)
        expected += (v.binary ? 1 : w) * reference(j, r.item);
      EXPECT_NEAR(r.score, expected, 1e-5) << r.item;
    }
    // Serialized and loaded: the same recommendations.
    auto again = DeserializeModel(ease.Serialize());
    ASSERT_THAT(again.status(), IsOk());
    auto recs2 = (*again)->Recommend(request);
    ASSERT_THAT(recs2.status(), IsOk());
    ASSERT_EQ(recs2->size(), recs->size());
    for (size_t r = 0; r < recs->size(); ++r) EXPECT_EQ((*recs2)[r].item, (*recs)[r].item);
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, EaseUserSideTest,
                         ::testing::Values(Variant{10, 0, 1, 1, 0}, Variant{4, 0.3, 1, 0, 0.5},
                                           Variant{10, 0, 0, 1, 0}, Variant{20, 0.2, 0, 0, 1}));

// With tune_lambda the fitted lambda is one of the grid and the model equals a plain fit with
// that lambda.
TEST(EaseUserSideTest, LambdaChosenByValidationIsFromTheGridAndRefittedOnAllData) {
  Dataset data = RandomData(60, 40, 11);
  auto tuned = TrainModel({"ease", {{"lambda", 8}, {"tune_lambda", 1}}}, data);
  ASSERT_THAT(tuned.status(), IsOk());
  const auto& ease = static_cast<const EaseModel&>(**tuned);
  EXPECT_THAT(ease.lambda(), ::testing::AnyOf(2.0, 4.0, 8.0, 16.0));
  auto plain = TrainModel({"ease", {{"lambda", ease.lambda()}}}, data);
  ASSERT_THAT(plain.status(), IsOk());
  const auto& reference = static_cast<const EaseModel&>(**plain);
  for (int j = 0; j < data.num_items(); ++j) {
    for (int i = 0; i < data.num_items(); ++i) {
      ASSERT_NEAR(ease.Weight(j, i), reference.Weight(j, i), 1e-6);
    }
  }
  EXPECT_FALSE(CreateModel({"ease", {{"tune_lambda", 2}}}).ok());
}

TEST(EaseUserSideTest, BadSideIsAnError) {
  EXPECT_FALSE(CreateModel({"ease", {{"side", 3}}}).ok());
  EXPECT_FALSE(CreateModel({"ease", {{"max_dense_items", -1}}}).ok());
}

// Scoring from the factors: a forgotten user's row of Z goes (its share of every weight); with
// every user forgotten no item weight is left and only the popularity fallback answers.
TEST(EaseUserSideTest, ForgetUsersZeroesTheirFactors) {
  Dataset data = RandomData(25, 60, 7);
  auto model = TrainModel({"ease", {{"lambda", 1}, {"side", 2}, {"max_dense_items", 0}}}, data);
  ASSERT_THAT(model.status(), IsOk());
  RecommendRequest request;
  request.k = 20;
  request.history = {{3, 2.0f}, {10, 1.0f}, {41, 4.0f}};
  auto scored = (*model)->Recommend(request);
  ASSERT_THAT(scored.status(), IsOk());
  ASSERT_GT((*scored)[0].score, 0);
  absl::flat_hash_set<int32_t> everyone;
  for (int32_t u = 0; u < data.num_users(); ++u) everyone.insert(u);
  (*model)->ForgetUsers(everyone);
  auto again = DeserializeModel((*model)->Serialize());
  ASSERT_THAT(again.status(), IsOk());
  for (const RecommenderModel* m : {model->get(), again->get()}) {
    auto recs = m->Recommend(request);
    ASSERT_THAT(recs.status(), IsOk());
    ASSERT_FALSE(recs->empty());
    for (const Recommendation& r : *recs) EXPECT_EQ(r.score, 0) << r.item;
  }
}

}  // namespace
}  // namespace clientele::recommender
