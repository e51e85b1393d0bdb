#include "analytics/clustering/silhouette.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "analytics/clustering/kmeans.h"
#include "analytics/clustering/random.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

Eigen::MatrixXd Line(const std::vector<double>& xs) {
  Eigen::MatrixXd X(xs.size(), 1);
  for (size_t i = 0; i < xs.size(); ++i) X(i, 0) = xs[i];
  return X;
}

// Textbook definition with a full distance matrix, for cross-checking.
double BruteForce(const Eigen::MatrixXd& X, const std::vector<int>& labels) {
  const Eigen::Index n = X.rows();
  double total = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    std::vector<double> sum(16, 0.0), count(16, 0.0);
    for (Eigen::Index j = 0; j < n; ++j) {
      if (j == i) continue;
      sum[labels[j]] += (X.row(i) - X.row(j)).norm();
      count[labels[j]] += 1.0;
    }
    if (count[labels[i]] == 0) continue;  // singleton: s = 0
    const double a = sum[labels[i]] / count[labels[i]];
    double b = std::numeric_limits<double>::infinity();
    for (int c = 0; c < 16; ++c) {
      if (c != labels[i] && count[c] > 0) b = std::min(b, sum[c] / count[c]);
    }
    total += (b - a) / std::max(a, b);
  }
  return total / static_cast<double>(n);
}

TEST(SilhouetteTest, FourPointsOnALine) {
  // 0, 1 | 4, 5. Every a = 1.
  // x=0: b = (4+5)/2 = 4.5, s = 3.5/4.5 = 7/9.  x=1: b = (3+4)/2 = 3.5, s = 2.5/3.5 = 5/7.
  // By symmetry x=4 -> 5/7, x=5 -> 7/9. Mean = (7/9 + 5/7) / 2 = 47/63.
  const Eigen::MatrixXd X = Line({0, 1, 4, 5});
  absl::StatusOr<std::vector<double>> samples = SilhouetteSamples(X, {0, 0, 1, 1});
  ASSERT_THAT(samples, IsOk());
  EXPECT_NEAR((*samples)[0], 7.0 / 9.0, 1e-15);
  EXPECT_NEAR((*samples)[1], 5.0 / 7.0, 1e-15);
  EXPECT_NEAR((*samples)[2], 5.0 / 7.0, 1e-15);
  EXPECT_NEAR((*samples)[3], 7.0 / 9.0, 1e-15);
  absl::StatusOr<double> score = Silhouette(X, {0, 0, 1, 1});
  ASSERT_THAT(score, IsOk());
  EXPECT_NEAR(*score, 47.0 / 63.0, 1e-15);
}

TEST(SilhouetteTest, BadClusteringIsNegative) {
  // 0, 4 | 1, 5: x=0: a = 4, b = (1+5)/2 = 3, s = (3-4)/4 = -1/4.
  // x=4: a = 4, b = (3+1)/2 = 2, s = -1/2. x=1: a = 4, b = (1+3)/2 = 2, s = -1/2.
  // x=5: a = 4, b = (5+1)/2 = 3, s = -1/4. Mean = -3/8.
  absl::StatusOr<double> score = Silhouette(Line({0, 4, 1, 5}), {0, 0, 1, 1});
  ASSERT_THAT(score, IsOk());
  EXPECT_NEAR(*score, -0.375, 1e-15);
}

TEST(SilhouetteTest, SingletonClusterScoresZero) {
  // 0, 1 | 10: x=0: a = 1, b = 10, s = 0.9. x=1: a = 1, b = 9, s = 8/9. x=10 alone: 0.
  absl::StatusOr<std::vector<double>> samples = SilhouetteSamples(Line({0, 1, 10}), {0, 0, 1});
  ASSERT_THAT(samples, IsOk());
  EXPECT_NEAR((*samples)[0], 0.9, 1e-15);
  EXPECT_NEAR((*samples)[1], 8.0 / 9.0, 1e-15);
  EXPECT_EQ((*samples)[2], 0.0);
}

TEST(SilhouetteTest, NearestOtherClusterIsUsed) {
  // 0, 2 | 5 | 100, 101. For x=0: a = 2, mean to {5} = 5, to {100,101} = 100.5 -> b = 5, s = 3/5.
  absl::StatusOr<std::vector<double>> samples =
      SilhouetteSamples(Line({0, 2, 5, 100, 101}), {0, 0, 1, 2, 2});
  ASSERT_THAT(samples, IsOk());
  EXPECT_NEAR((*samples)[0], 0.6, 1e-15);
}

TEST(SilhouetteTest, LabelValuesDoNotMatter) {
  const Eigen::MatrixXd X = Line({0, 1, 4, 5});
  absl::StatusOr<double> score = Silhouette(X, {7, 7, -1, -1});
  ASSERT_THAT(score, IsOk());
  EXPECT_NEAR(*score, 47.0 / 63.0, 1e-15);
}

TEST(SilhouetteTest, CoincidentPointsAreZeroApart) {
  // Two clusters of duplicates: a = 0, b = 3, s = 1 for everyone.
  Eigen::MatrixXd X(4, 2);
  X << 1e8, 1e8, 1e8, 1e8, 1e8 + 3, 1e8, 1e8 + 3, 1e8;
  absl::StatusOr<double> score = Silhouette(X, {0, 0, 1, 1});
  ASSERT_THAT(score, IsOk());
  EXPECT_EQ(*score, 1.0);
}

TEST(SilhouetteTest, MatchesBruteForceOnKMeansOutput) {
  ClusteringRng rng(17);
  Eigen::MatrixXd X(300, 3);
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    for (Eigen::Index j = 0; j < X.cols(); ++j) X(i, j) = (i % 4) * 3.0 + rng.Uniform() * 4.0;
  }
  KMeansOptions options;
  options.k = 4;
  options.seed = 2;
  absl::StatusOr<KMeansResult> km = KMeans(X, options);
  ASSERT_THAT(km, IsOk());
  absl::StatusOr<double> score = Silhouette(X, km->labels);
  ASSERT_THAT(score, IsOk());
  EXPECT_NEAR(*score, BruteForce(X, km->labels), 1e-12);
  EXPECT_GT(*score, -1.0);
  EXPECT_LT(*score, 1.0);
}

TEST(SilhouetteSampledTest, FullSampleEqualsExact) {
  const Eigen::MatrixXd X = Line({0, 1, 4, 5});
  absl::StatusOr<double> sampled = SilhouetteSampled(X, {0, 0, 1, 1}, 4, 1);
  ASSERT_THAT(sampled, IsOk());
  EXPECT_NEAR(*sampled, 47.0 / 63.0, 1e-15);
  EXPECT_THAT(SilhouetteSampled(X, {0, 0, 1, 1}, 1000, 1), IsOk());
}

TEST(SilhouetteSampledTest, DeterministicBySeedAndCloseToExact) {
  ClusteringRng rng(3);
  Eigen::MatrixXd X(2000, 2);
  std::vector<int> labels(2000);
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    labels[i] = static_cast<int>(i % 3);
    X(i, 0) = labels[i] * 10.0 + rng.Uniform() * 4.0;
    X(i, 1) = rng.Uniform() * 4.0;
  }
  absl::StatusOr<double> exact = Silhouette(X, labels);
  absl::StatusOr<double> a = SilhouetteSampled(X, labels, 500, 42);
  absl::StatusOr<double> b = SilhouetteSampled(X, labels, 500, 42);
  absl::StatusOr<double> c = SilhouetteSampled(X, labels, 500, 43);
  ASSERT_THAT(exact, IsOk());
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
  EXPECT_NEAR(*a, *exact, 0.02);
  EXPECT_NEAR(*c, *exact, 0.02);
}

TEST(SilhouetteTest, Errors) {
  const Eigen::MatrixXd X = Line({0, 1, 4, 5});
  EXPECT_THAT(Silhouette(X, {0, 0, 1}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("4 points but 3 labels")));
  EXPECT_THAT(Silhouette(X, {0, 0, 0, 0}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("distinct labels is 1")));
  EXPECT_THAT(Silhouette(X, {0, 1, 2, 3}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("distinct labels is 4")));
  Eigen::MatrixXd bad = X;
  bad(1, 0) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(Silhouette(bad, {0, 0, 1, 1}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("NaN")));
  EXPECT_THAT(SilhouetteSampled(X, {0, 0, 1, 1}, 1, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sample_size")));
  // A sample of 2 from 0,1 | 4,5 may hold one cluster only; that is reported, not hidden.
  int failures = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    if (!SilhouetteSampled(X, {0, 0, 1, 1}, 2, seed).ok()) ++failures;
  }
  EXPECT_GT(failures, 0);
}

}  // namespace
}  // namespace clientele::analytics
