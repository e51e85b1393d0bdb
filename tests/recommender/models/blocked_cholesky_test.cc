// The blocked Cholesky factorization and inverse against Eigen's dense LLT, across blocks.
#include "recommender/models/internal/blocked_cholesky.h"

#include <Eigen/Dense>
#include <random>

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace clientele::recommender::internal {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;

Eigen::MatrixXd RandomSpd(int n) {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd x(n + 10, n);
  for (int c = 0; c < x.size(); ++c) x.data()[c] = normal(rng);
  Eigen::MatrixXd a = x.transpose() * x;
  a.diagonal().array() += 1;
  return a;
}

TEST(BlockedCholeskyTest, FactorAndInverseMatchDenseLltOverSeveralBlocks) {
  const Eigen::MatrixXd a = RandomSpd(600);  // Blocks of 256: three, the last partial.
  Eigen::MatrixXd m = a;
  ASSERT_THAT(BlockedCholesky(&m), IsOk());
  const Eigen::MatrixXd l = m.triangularView<Eigen::Lower>();
  const Eigen::MatrixXd reference = a.llt().matrixL();
  EXPECT_LT((l - reference).cwiseAbs().maxCoeff(), 1e-9);
  ASSERT_THAT(InverseFromCholesky(&m), IsOk());
  EXPECT_LT((m * a - Eigen::MatrixXd::Identity(600, 600)).cwiseAbs().maxCoeff(), 1e-8);
}

TEST(BlockedCholeskyTest, NotPositiveDefiniteAndCancelled) {
  Eigen::MatrixXd bad = -Eigen::MatrixXd::Identity(3, 3);
  EXPECT_THAT(BlockedCholesky(&bad), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  Eigen::MatrixXd a = RandomSpd(600);
  int calls = 0;
  EXPECT_THAT(BlockedCholesky(&a, [&](double) { return ++calls < 2; }),
              StatusIs(absl::StatusCode::kCancelled, ::testing::_));
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace clientele::recommender::internal
