// The svd model's truncated (randomized) solver against a dense eigendecomposition.
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
#include "recommender/models/svd_model.h"
#include "tests/recommender/models/test_data.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;

// 90 users in 5 groups; each group's users have 6 of its 12 items and one random item of 60.
Dataset GroupedData() {
  std::mt19937_64 rng(3);
  std::vector<std::tuple<std::string, std::string, double, int>> cells;
  for (int u = 0; u < 90; ++u) {
    const int group = u % 5;
    for (int c = 0; c < 6; ++c) {
      cells.emplace_back(absl::StrCat("u", u), absl::StrCat("i", group * 12 + rng() % 12), 1, 0);
    }
    cells.emplace_back(absl::StrCat("u", u), absl::StrCat("i", rng() % 60), 1, 0);
  }
  return testdata::Make(cells);
}

// D_I^-a V V^T D_I^a with V the top k eigenvectors of R~^T R~, computed densely.
Eigen::MatrixXd ReferenceFilter(const Dataset& data, int k, double a) {
  const int n = data.num_items();
  Eigen::MatrixXd r = Eigen::MatrixXd::Zero(data.num_users(), n);
  Eigen::VectorXd degree = Eigen::VectorXd::Zero(n);
  for (int u = 0; u < data.num_users(); ++u) {
    for (int32_t i : data.UserItems(u)) {
      r(u, i) = std::pow(static_cast<double>(data.UserItems(u).size()), -a);
      degree[i] += 1;
    }
  }
  Eigen::VectorXd down = degree.array().pow(-a), up = degree.array().pow(a);
  r = r * down.asDiagonal();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(r.transpose() * r);
  EXPECT_GT(solver.eigenvalues()(n - k) / solver.eigenvalues()(n - k - 1), 1.5)
      << "the data needs a spectral gap after the top " << k;
  const Eigen::MatrixXd v = solver.eigenvectors().rightCols(k);
  return down.asDiagonal() * v * v.transpose() * up.asDiagonal();
}

TEST(SvdTruncatedTest, RandomizedSolverMatchesTheDenseTopSubspace) {
  Dataset data = GroupedData();
  ASSERT_EQ(data.num_items(), 60);
  const Eigen::MatrixXd reference = ReferenceFilter(data, 5, 0.5);
  auto model = TrainModel({"svd", {{"factors", 5}}}, data);  // Sketch width 21 of 60 items.
  ASSERT_THAT(model.status(), IsOk());
  const auto& svd = static_cast<const SvdModel&>(**model);
  ASSERT_EQ(svd.factors(), 5);
  for (int j = 0; j < 60; ++j) {
    for (int i = 0; i < 60; ++i) {
      ASSERT_NEAR(svd.Weight(j, i), reference(j, i), 1e-4) << j << " -> " << i;
    }
  }
}

// Without power iterations and oversampling the sketch is visibly worse: the test above can
// tell a truncated solver that did not converge.
TEST(SvdTruncatedTest, AnUnrefinedSketchIsNotTheReference) {
  Dataset data = GroupedData();
  const Eigen::MatrixXd reference = ReferenceFilter(data, 5, 0.5);
  auto model = TrainModel(
      {"svd", {{"factors", 5}, {"oversample", 0}, {"power_iterations", 0}, {"seed", 2}}}, data);
  ASSERT_THAT(model.status(), IsOk());
  const auto& svd = static_cast<const SvdModel&>(**model);
  double worst = 0;
  for (int j = 0; j < 60; ++j) {
    for (int i = 0; i < 60; ++i)
      worst = std::max(worst, std::abs(svd.Weight(j, i) - reference(j, i)));
  }
  EXPECT_GT(worst, 1e-3);
}

TEST(SvdTruncatedTest, BadSolverParametersAreErrors) {
  EXPECT_FALSE(CreateModel({"svd", {{"oversample", -1}}}).ok());
  EXPECT_FALSE(CreateModel({"svd", {{"power_iterations", 101}}}).ok());
}

}  // namespace
}  // namespace clientele::recommender
