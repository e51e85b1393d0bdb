#include "analytics/clustering/minibatch_kmeans.h"

#include <set>

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

// k blobs of `per` points, uniform noise +-0.5 around centres 10 apart on a line and a diagonal.
Eigen::MatrixXd Blobs(int k, int per, uint64_t seed) {
  ClusteringRng rng(seed);
  Eigen::MatrixXd X(k * per, 3);
  for (int c = 0; c < k; ++c) {
    for (int i = 0; i < per; ++i) {
      X.row(c * per + i) << 10.0 * c + rng.Uniform() - 0.5, 5.0 * (c % 2) + rng.Uniform() - 0.5,
          rng.Uniform() - 0.5;
    }
  }
  return X;
}

TEST(MiniBatchKMeansTest, FindsSeparatedBlobsCloseToFullKMeans) {
  const Eigen::MatrixXd X = Blobs(5, 4000, 1);
  MiniBatchKMeansOptions options;
  options.k = 5;
  options.batch_size = 256;
  options.seed = 7;
  absl::StatusOr<KMeansResult> mb = MiniBatchKMeans(X, options);
  ASSERT_THAT(mb, IsOk());
  KMeansOptions full_options;
  full_options.k = 5;
  full_options.n_init = 3;
  absl::StatusOr<KMeansResult> full = KMeans(X, full_options);
  ASSERT_THAT(full, IsOk());
  // Each blob is one cluster.
  for (int c = 0; c < 5; ++c) {
    std::set<int> labels(mb->labels.begin() + c * 4000, mb->labels.begin() + (c + 1) * 4000);
    EXPECT_EQ(labels.size(), 1u) << "blob " << c;
  }
  EXPECT_LE(mb->inertia, full->inertia * 1.01);
  EXPECT_LT(mb->iterations, 100 * 20000 / 256);  // Stopped early.
  // The reported inertia is the exact one of the returned labels and centroids.
  double inertia = 0.0;
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    inertia += (X.row(i) - mb->centroids.row(mb->labels[i])).squaredNorm();
  }
  EXPECT_NEAR(mb->inertia, inertia, 1e-9 * inertia);
}

TEST(MiniBatchKMeansTest, DeterministicBySeedAndIndependentOfThreads) {
  const Eigen::MatrixXd X = Blobs(4, 3000, 2);
  MiniBatchKMeansOptions options;
  options.k = 4;
  options.seed = 11;
  options.threads = 1;
  absl::StatusOr<KMeansResult> a = MiniBatchKMeans(X, options);
  options.threads = 2;
  absl::StatusOr<KMeansResult> b = MiniBatchKMeans(X, options);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->labels, b->labels);
  EXPECT_EQ(a->centroids, b->centroids);
  EXPECT_EQ(a->iterations, b->iterations);
}

TEST(MiniBatchKMeansTest, BadOptions) {
  const Eigen::MatrixXd X = Blobs(2, 10, 3);
  MiniBatchKMeansOptions options;
  options.k = 21;
  EXPECT_THAT(MiniBatchKMeans(X, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("k out of range")));
  options.k = 2;
  options.batch_size = 0;
  EXPECT_THAT(MiniBatchKMeans(X, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("batch_size")));
  options.batch_size = 10;
  options.tol = -1;
  EXPECT_THAT(MiniBatchKMeans(X, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tol")));
  EXPECT_THAT(MiniBatchKMeans(Eigen::MatrixXd(0, 2), MiniBatchKMeansOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
}

}  // namespace
}  // namespace clientele::analytics
