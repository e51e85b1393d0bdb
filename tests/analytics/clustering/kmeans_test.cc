#include "analytics/clustering/kmeans.h"

#include <algorithm>
#include <limits>
#include <set>
#include <vector>

#include "analytics/clustering/random.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Three unit squares far apart; each square's centroid is its centre and each corner is
// 0.5^2 + 0.5^2 = 0.5 away (squared), so the optimal inertia is 12 * 0.5 = 6.
Eigen::MatrixXd ThreeBlobs() {
  Eigen::MatrixXd X(12, 2);
  X << 0, 0, 1, 0, 0, 1, 1, 1,         //
      10, 10, 11, 10, 10, 11, 11, 11,  //
      20, 0, 21, 0, 20, 1, 21, 1;
  return X;
}

// Random points around `centers` (k x d), n per centre, uniform noise of +-spread.
Eigen::MatrixXd Blobs(const Eigen::MatrixXd& centers, int n, double spread, uint64_t seed) {
  ClusteringRng rng(seed);
  Eigen::MatrixXd X(centers.rows() * n, centers.cols());
  for (Eigen::Index c = 0; c < centers.rows(); ++c) {
    for (int i = 0; i < n; ++i) {
      for (Eigen::Index j = 0; j < centers.cols(); ++j) {
        X(c * n + i, j) = centers(c, j) + spread * (2.0 * rng.Uniform() - 1.0);
      }
    }
  }
  return X;
}

// k x d centres uniform in [-scale, scale) (deterministic, unlike Eigen's Random()).
Eigen::MatrixXd RandomCenters(int k, int d, double scale, uint64_t seed) {
  ClusteringRng rng(seed);
  Eigen::MatrixXd C(k, d);
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < d; ++j) C(i, j) = scale * (2.0 * rng.Uniform() - 1.0);
  }
  return C;
}

double BruteForceInertia(const Eigen::MatrixXd& X, const Eigen::MatrixXd& C,
                         const std::vector<int>& labels) {
  double total = 0.0;
  for (Eigen::Index i = 0; i < X.rows(); ++i) total += (X.row(i) - C.row(labels[i])).squaredNorm();
  return total;
}

TEST(KMeansTest, ThreeBlobsExactLabelsCentroidsAndInertia) {
  KMeansOptions options;
  options.k = 3;
  options.seed = 1;
  absl::StatusOr<KMeansResult> result = KMeans(ThreeBlobs(), options);
  ASSERT_THAT(result, IsOk());
  const std::vector<int>& l = result->labels;
  ASSERT_EQ(l.size(), 12u);
  for (int b = 0; b < 3; ++b) {
    for (int i = 1; i < 4; ++i) EXPECT_EQ(l[4 * b + i], l[4 * b]) << "blob " << b;
  }
  EXPECT_EQ(std::set<int>(l.begin(), l.end()).size(), 3u);
  EXPECT_NEAR(result->inertia, 6.0, 1e-9);

  const Eigen::RowVector2d expected[3] = {{0.5, 0.5}, {10.5, 10.5}, {20.5, 0.5}};
  for (int b = 0; b < 3; ++b) {
    EXPECT_TRUE(result->centroids.row(l[4 * b]).isApprox(expected[b], 1e-12))
        << result->centroids.row(l[4 * b]);
  }
  EXPECT_GE(result->iterations, 1);
}

TEST(KMeansTest, EverySeedFindsTheBlobsWithRestarts) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    KMeansOptions options;
    options.k = 3;
    options.seed = seed;
    absl::StatusOr<KMeansResult> result = KMeans(ThreeBlobs(), options);
    ASSERT_THAT(result, IsOk());
    EXPECT_NEAR(result->inertia, 6.0, 1e-9) << "seed " << seed;
  }
}

TEST(KMeansTest, KOneIsTheMean) {
  KMeansOptions options;
  options.k = 1;
  absl::StatusOr<KMeansResult> result = KMeans(ThreeBlobs(), options);
  ASSERT_THAT(result, IsOk());
  EXPECT_TRUE(result->centroids.isApprox(ThreeBlobs().colwise().mean(), 1e-12));
  // Mean (31/3... ) -- compare with the direct sum of squared deviations.
  const Eigen::MatrixXd centered = ThreeBlobs().rowwise() - ThreeBlobs().colwise().mean();
  EXPECT_NEAR(result->inertia, centered.squaredNorm(), 1e-9);
  EXPECT_THAT(std::set<int>(result->labels.begin(), result->labels.end()), ElementsAre(0));
}

TEST(KMeansTest, KEqualsNGivesZeroInertia) {
  KMeansOptions options;
  options.k = 12;
  options.seed = 3;
  absl::StatusOr<KMeansResult> result = KMeans(ThreeBlobs(), options);
  ASSERT_THAT(result, IsOk());
  EXPECT_NEAR(result->inertia, 0.0, 1e-9);
  EXPECT_EQ(std::set<int>(result->labels.begin(), result->labels.end()).size(), 12u);
}

TEST(KMeansTest, EmptyClusterTakesTheFarthestPoint) {
  // 1-D points 0, 1, 2, 10 with centres 1 and 100: the second centre gets no points. The farthest
  // point from its centre is 10 (squared distance 81), so it moves to cluster 1. Centres become
  // 1 and 10, the next assignment changes nothing, inertia = 1 + 0 + 1 + 0 = 2.
  Eigen::MatrixXd X(4, 1);
  X << 0, 1, 2, 10;
  KMeansOptions options;
  options.k = 2;
  options.initial_centroids = Eigen::MatrixXd(2, 1);
  options.initial_centroids << 1, 100;
  absl::StatusOr<KMeansResult> result = KMeans(X, options);
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->labels, ElementsAre(0, 0, 0, 1));
  EXPECT_NEAR(result->centroids(0, 0), 1.0, 1e-12);
  EXPECT_NEAR(result->centroids(1, 0), 10.0, 1e-12);
  EXPECT_NEAR(result->inertia, 2.0, 1e-12);
  EXPECT_EQ(result->iterations, 2);
}

TEST(KMeansTest, FewerDistinctPointsThanK) {
  Eigen::MatrixXd X(6, 2);
  X << 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0;
  KMeansOptions options;
  options.k = 3;
  absl::StatusOr<KMeansResult> result = KMeans(X, options);
  ASSERT_THAT(result, IsOk());
  EXPECT_NEAR(result->inertia, 0.0, 1e-12);
  EXPECT_TRUE(result->centroids.allFinite());
  for (int label : result->labels) {
    EXPECT_GE(label, 0);
    EXPECT_LT(label, 3);
  }
  EXPECT_NE(result->labels[0], result->labels[5]);
}

TEST(KMeansTest, MaxIterOneStopsAfterOneIteration) {
  KMeansOptions options;
  options.k = 4;
  options.max_iter = 1;
  options.n_init = 1;
  const Eigen::MatrixXd X = Blobs(RandomCenters(4, 3, 10.0, 1000 + 4), 50, 3.0, 7);
  absl::StatusOr<KMeansResult> result = KMeans(X, options);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->iterations, 1);
  // Labels and inertia are consistent with the returned centroids even when not converged.
  EXPECT_NEAR(result->inertia, BruteForceInertia(X, result->centroids, result->labels), 1e-8);
  absl::StatusOr<std::vector<int>> nearest = AssignToNearest(X, result->centroids);
  ASSERT_THAT(nearest, IsOk());
  EXPECT_EQ(*nearest, result->labels);
}

TEST(KMeansTest, DeterministicBySeedAndIndependentOfThreads) {
  Eigen::MatrixXd centers(4, 3);
  centers << 0, 0, 0, 5, 5, 0, 0, 5, 5, 5, 0, 5;
  // 10,000 points: enough rows for the assignment step to really use two threads.
  const Eigen::MatrixXd X = Blobs(centers, 2500, 3.0, 11);
  KMeansOptions options;
  options.k = 4;
  options.n_init = 2;
  options.seed = 99;
  options.threads = 1;
  absl::StatusOr<KMeansResult> a = KMeans(X, options);
  options.threads = 2;
  absl::StatusOr<KMeansResult> b = KMeans(X, options);
  absl::StatusOr<KMeansResult> c = KMeans(X, options);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(a->labels, b->labels);
  EXPECT_EQ(a->centroids, b->centroids);
  EXPECT_EQ(a->inertia, b->inertia);
  EXPECT_EQ(a->iterations, b->iterations);
  EXPECT_EQ(b->labels, c->labels);
  EXPECT_EQ(b->centroids, c->centroids);
  EXPECT_NEAR(a->inertia, BruteForceInertia(X, a->centroids, a->labels), 1e-6 * a->inertia);
}

TEST(KMeansTest, DifferentSeedsCanStartDifferently) {
  // With one run and one iteration the result is the k-means++ seeding plus one step, which
  // depends on the seed.
  const Eigen::MatrixXd X = Blobs(RandomCenters(6, 2, 10.0, 1000 + 6), 30, 4.0, 5);
  KMeansOptions options;
  options.k = 6;
  options.n_init = 1;
  options.max_iter = 1;
  std::set<double> inertias;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    options.seed = seed;
    absl::StatusOr<KMeansResult> result = KMeans(X, options);
    ASSERT_THAT(result, IsOk());
    inertias.insert(result->inertia);
  }
  EXPECT_GT(inertias.size(), 1u);
}

TEST(KMeansTest, MoreRestartsNeverHurt) {
  const Eigen::MatrixXd X = Blobs(RandomCenters(8, 2, 10.0, 1000 + 8), 40, 3.0, 21);
  KMeansOptions options;
  options.k = 8;
  options.seed = 4;
  options.n_init = 1;
  absl::StatusOr<KMeansResult> one = KMeans(X, options);
  options.n_init = 10;
  absl::StatusOr<KMeansResult> ten = KMeans(X, options);
  ASSERT_THAT(one, IsOk());
  ASSERT_THAT(ten, IsOk());
  // The first of the ten runs uses the same seed as the single run.
  EXPECT_LE(ten->inertia, one->inertia);
}

TEST(KMeansTest, InvalidArguments) {
  const Eigen::MatrixXd X = ThreeBlobs();
  KMeansOptions options;
  options.k = 0;
  EXPECT_THAT(KMeans(X, options), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("k")));
  options.k = 13;
  EXPECT_THAT(KMeans(X, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("[1, 12], got 13")));
  options.k = 2;
  EXPECT_THAT(KMeans(Eigen::MatrixXd(0, 2), options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
  Eigen::MatrixXd bad = X;
  bad(3, 1) = std::numeric_limits<double>::infinity();
  EXPECT_THAT(KMeans(bad, options), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("NaN")));
  KMeansOptions o = options;
  o.n_init = 0;
  EXPECT_THAT(KMeans(X, o), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("n_init")));
  o = options;
  o.max_iter = 0;
  EXPECT_THAT(KMeans(X, o), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_iter")));
  o = options;
  o.tol = -1;
  EXPECT_THAT(KMeans(X, o), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tol")));
  o = options;
  o.threads = 0;
  EXPECT_THAT(KMeans(X, o), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("threads")));
  o = options;
  o.initial_centroids = Eigen::MatrixXd::Zero(3, 2);
  EXPECT_THAT(KMeans(X, o),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("initial_centroids")));
  EXPECT_THAT(AssignToNearest(X, Eigen::MatrixXd::Zero(2, 3)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("columns")));
}

}  // namespace
}  // namespace clientele::analytics
