// The blocked Cholesky factorization and inverse against Eigen's dense LLT, across blocks.
#include "recommender/models/internal/blocked_cholesky.h"

#include <Eigen/Dense>
#include <random>

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"
#include "recommender/models/internal/parallel_tasks.h"

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

// The work split over threads is the same whatever the thread count: equal to the bit.
TEST(BlockedCholeskyTest, TwoThreadsGiveTheSameFactorAndInverseAsOne) {
  const Eigen::MatrixXd a = RandomSpd(700);
  Eigen::MatrixXd one = a, two = a;
  ASSERT_THAT(BlockedCholesky(&one, nullptr, 1), IsOk());
  ASSERT_THAT(BlockedCholesky(&two, nullptr, 2), IsOk());
  EXPECT_EQ(Eigen::MatrixXd(one.triangularView<Eigen::Lower>()),
            Eigen::MatrixXd(two.triangularView<Eigen::Lower>()));
  ASSERT_THAT(InverseFromCholesky(&one, nullptr, 1), IsOk());
  ASSERT_THAT(InverseFromCholesky(&two, nullptr, 3), IsOk());
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, one.transpose());  // Mirrored exactly.
  EXPECT_LT((two * a - Eigen::MatrixXd::Identity(700, 700)).cwiseAbs().maxCoeff(), 1e-8);
}

TEST(BlockedCholeskyTest, InverseCancelledBetweenBlocks) {
  Eigen::MatrixXd a = RandomSpd(600);
  ASSERT_THAT(BlockedCholesky(&a), IsOk());
  int calls = 0;
  EXPECT_THAT(InverseFromCholesky(
                  &a, [&](double) { return ++calls < 2; }, 1),
              StatusIs(absl::StatusCode::kCancelled, ::testing::_));
  EXPECT_EQ(calls, 2);
}

TEST(LowerRankUpdateTest, BothFormsMatchTheDenseProductOnTheLowerTriangle) {
  std::mt19937_64 rng(4);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd a(600, 70);
  for (int c = 0; c < a.size(); ++c) a.data()[c] = normal(rng);
  const Eigen::MatrixXd start = RandomSpd(600);
  for (int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    Eigen::MatrixXd c = start;
    LowerRankUpdate(c, a, -0.5, /*transposed=*/false, threads);
    const Eigen::MatrixXd want = start - 0.5 * a * a.transpose();
    EXPECT_LT((Eigen::MatrixXd(c.triangularView<Eigen::Lower>()) -
               Eigen::MatrixXd(want.triangularView<Eigen::Lower>()))
                  .cwiseAbs()
                  .maxCoeff(),
              1e-10);
    EXPECT_EQ(Eigen::MatrixXd(c.triangularView<Eigen::StrictlyUpper>()),
              Eigen::MatrixXd(start.triangularView<Eigen::StrictlyUpper>()));
    Eigen::MatrixXf cf = Eigen::MatrixXf::Zero(70, 70);
    const Eigen::MatrixXf af = a.cast<float>();
    LowerRankUpdate(cf, af, 1.0f, /*transposed=*/true, threads);
    const Eigen::MatrixXf wantf = af.transpose() * af;
    EXPECT_LT((Eigen::MatrixXf(cf.triangularView<Eigen::Lower>()) -
               Eigen::MatrixXf(wantf.triangularView<Eigen::Lower>()))
                  .cwiseAbs()
                  .maxCoeff(),
              1e-3f);
  }
}

TEST(ParallelTasksTest, RunsEveryTaskOnce) {
  for (int threads : {1, 2, 5}) {
    std::vector<int> runs(37, 0);
    ParallelTasks(37, threads, [&](int64_t t) { ++runs[t]; });
    EXPECT_EQ(runs, std::vector<int>(37, 1)) << threads;
  }
  EXPECT_EQ(FitThreads(3), 3);
  EXPECT_GE(FitThreads(0), 1);
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
