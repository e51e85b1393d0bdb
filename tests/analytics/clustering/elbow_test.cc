#include "analytics/clustering/elbow.h"

#include <vector>

#include "analytics/clustering/random.h"
#include "analytics/clustering/silhouette.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

// `clusters` tight blobs of `per` points on a circle of radius 10.
Eigen::MatrixXd Blobs(int clusters, int per, uint64_t seed) {
  ClusteringRng rng(seed);
  Eigen::MatrixXd X(clusters * per, 2);
  for (int c = 0; c < clusters; ++c) {
    const double angle = 2 * M_PI * c / clusters;
    for (int i = 0; i < per; ++i) {
      X.row(c * per + i) << 10 * std::cos(angle) + rng.Uniform() - 0.5,
          10 * std::sin(angle) + rng.Uniform() - 0.5;
    }
  }
  return X;
}

TEST(ElbowTest, FindsTheNumberOfBlobs) {
  ElbowOptions options;
  options.k_min = 2;
  options.k_max = 8;
  options.kmeans.seed = 3;
  absl::StatusOr<ElbowResult> elbow = Elbow(Blobs(4, 50, 1), options);
  ASSERT_THAT(elbow, IsOk());
  ASSERT_EQ(elbow->points.size(), 7u);
  EXPECT_EQ(elbow->best_silhouette_k, 4);
  EXPECT_EQ(elbow->suggested_k, 4);
  EXPECT_EQ(elbow->elbow_k, 4);
  for (size_t i = 0; i < elbow->points.size(); ++i) {
    const ElbowPoint& p = elbow->points[i];
    EXPECT_EQ(p.k, 2 + static_cast<int>(i));
    EXPECT_EQ(p.inertia, elbow->models[i].inertia);
    ASSERT_TRUE(p.silhouette.has_value());
    EXPECT_FALSE(p.silhouette_sampled);
    EXPECT_EQ(p.silhouette_points, 200);
    if (i > 0) EXPECT_LE(p.inertia, elbow->points[i - 1].inertia * (1 + 1e-9));
  }
}

TEST(ElbowTest, SampledSilhouetteBeyondTheExactLimit) {
  ElbowOptions options;
  options.k_min = 3;
  options.k_max = 4;
  options.silhouette_exact_max_points = 100;
  options.silhouette_sample_size = 120;
  absl::StatusOr<ElbowResult> elbow = Elbow(Blobs(3, 60, 2), options);
  ASSERT_THAT(elbow, IsOk());
  for (const ElbowPoint& p : elbow->points) {
    EXPECT_TRUE(p.silhouette_sampled);
    EXPECT_EQ(p.silhouette_points, 120);
  }
  // Three separated blobs: even the sampled score is high at k = 3.
  EXPECT_GT(*elbow->points[0].silhouette, 0.8);
}

TEST(ElbowTest, ResultDoesNotDependOnThreads) {
  ElbowOptions options;
  options.k_min = 1;
  options.k_max = 5;
  options.kmeans.n_init = 3;
  options.kmeans.threads = 1;
  const Eigen::MatrixXd X = Blobs(5, 40, 8);
  absl::StatusOr<ElbowResult> one = Elbow(X, options);
  options.kmeans.threads = 3;
  absl::StatusOr<ElbowResult> three = Elbow(X, options);
  ASSERT_THAT(one, IsOk());
  ASSERT_THAT(three, IsOk());
  EXPECT_FALSE(one->points[0].silhouette.has_value());  // k = 1
  for (size_t i = 0; i < one->points.size(); ++i) {
    EXPECT_EQ(one->points[i].inertia, three->points[i].inertia);
    EXPECT_EQ(one->points[i].silhouette, three->points[i].silhouette);
    EXPECT_EQ(one->models[i].labels, three->models[i].labels);
  }
}

TEST(ElbowTest, SilhouetteThreadsGiveIdenticalScores) {
  const Eigen::MatrixXd X = Blobs(3, 300, 5);
  std::vector<int> labels(X.rows());
  for (Eigen::Index i = 0; i < X.rows(); ++i) labels[i] = static_cast<int>(i / 300);
  absl::StatusOr<std::vector<double>> a = SilhouetteSamples(X, labels, 1);
  absl::StatusOr<std::vector<double>> b = SilhouetteSamples(X, labels, 4);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(*a, *b);
}

TEST(KneeOfCurveTest, PicksTheBend) {
  EXPECT_EQ(KneeOfCurve({1, 2, 3, 4, 5}, {100, 30, 20, 15, 12}), 2);
  EXPECT_EQ(KneeOfCurve({2, 3}, {5, 4}), 2);
  EXPECT_EQ(KneeOfCurve({2, 3, 4}, {5, 5, 5}), 2);  // Flat: no knee.
}

TEST(ElbowTest, BadOptions) {
  const Eigen::MatrixXd X = Blobs(2, 5, 1);
  ElbowOptions options;
  options.k_max = 11;
  EXPECT_THAT(Elbow(X, options), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("k_max")));
  options.k_max = 3;
  options.silhouette_sample_size = 1;
  EXPECT_THAT(Elbow(X, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("silhouette_sample_size")));
  options.silhouette_sample_size = 100;
  options.kmeans.n_init = 0;
  EXPECT_THAT(Elbow(X, options), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("n_init")));
}

}  // namespace
}  // namespace clientele::analytics
