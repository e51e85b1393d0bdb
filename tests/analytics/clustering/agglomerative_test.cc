#include "analytics/clustering/agglomerative.h"

#include <algorithm>
#include <cmath>
#include <limits>
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

// Textbook Ward: a full matrix of squared-distance costs updated by Lance-Williams, merging the
// globally closest pair each time. Returns merge distances (sqrt(2 cost)) in merge order and the
// partition after n - k merges.
struct Naive {
  std::vector<double> distances;
  std::vector<int> labels;
};
Naive NaiveWard(const Eigen::MatrixXd& X, int k) {
  const int n = static_cast<int>(X.rows());
  std::vector<std::vector<double>> cost(n, std::vector<double>(n));
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) cost[i][j] = 0.5 * (X.row(i) - X.row(j)).squaredNorm();
  }
  std::vector<double> size(n, 1.0);
  std::vector<bool> alive(n, true);
  std::vector<int> owner(n);
  for (int i = 0; i < n; ++i) owner[i] = i;
  Naive out;
  for (int step = 0; step < n - 1; ++step) {
    int bi = -1, bj = -1;
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < n; ++i) {
      for (int j = i + 1; j < n; ++j) {
        if (alive[i] && alive[j] && cost[i][j] < best) {
          best = cost[i][j];
          bi = i;
          bj = j;
        }
      }
    }
    out.distances.push_back(std::sqrt(2.0 * best));
    for (int x = 0; x < n; ++x) {
      if (!alive[x] || x == bi || x == bj) continue;
      const double t = size[x] + size[bi] + size[bj];
      cost[bi][x] = cost[x][bi] = ((size[x] + size[bi]) * cost[x][bi] +
                                   (size[x] + size[bj]) * cost[x][bj] - size[x] * best) /
                                  t;
    }
    size[bi] += size[bj];
    alive[bj] = false;
    if (step < n - k) {
      for (int p = 0; p < n; ++p) {
        if (owner[p] == bj) owner[p] = bi;
      }
    }
  }
  // Number clusters by first point.
  std::vector<int> label_of(n, -1);
  int next = 0;
  for (int p = 0; p < n; ++p) {
    if (label_of[owner[p]] < 0) label_of[owner[p]] = next++;
    out.labels.push_back(label_of[owner[p]]);
  }
  return out;
}

TEST(WardLinkageTest, HandWorkedLine) {
  // Points 0, 1, 5, 6, 20 on a line.
  Eigen::MatrixXd X(5, 1);
  X << 0, 1, 5, 6, 20;
  absl::StatusOr<std::vector<WardMerge>> tree = WardLinkage(X);
  ASSERT_THAT(tree, IsOk());
  ASSERT_EQ(tree->size(), 4u);
  // {0,1} and {5,6} at distance 1 (scipy numbers them 5 and 6).
  EXPECT_EQ((*tree)[0].a, 0);
  EXPECT_EQ((*tree)[0].b, 1);
  EXPECT_DOUBLE_EQ((*tree)[0].distance, 1.0);
  EXPECT_EQ((*tree)[1].a, 2);
  EXPECT_EQ((*tree)[1].b, 3);
  // {0,1} + {5,6}: cost 2*2/4 * 5^2 = 25, distance sqrt(50).
  EXPECT_EQ((*tree)[2].a, 5);
  EXPECT_EQ((*tree)[2].b, 6);
  EXPECT_NEAR((*tree)[2].distance, std::sqrt(50.0), 1e-12);
  EXPECT_EQ((*tree)[2].size, 4);
  // {0,1,5,6} (mean 3) + {20}: cost 4/5 * 17^2 = 231.2.
  EXPECT_EQ((*tree)[3].a, 4);
  EXPECT_EQ((*tree)[3].b, 7);
  EXPECT_NEAR((*tree)[3].distance, std::sqrt(2 * 231.2), 1e-12);
  EXPECT_EQ((*tree)[3].size, 5);
  EXPECT_THAT(*CutTree(*tree, 5, 2), ElementsAre(0, 0, 0, 0, 1));
  EXPECT_THAT(*CutTree(*tree, 5, 3), ElementsAre(0, 0, 1, 1, 2));
  EXPECT_THAT(*CutTree(*tree, 5, 5), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(*CutTree(*tree, 5, 1), ElementsAre(0, 0, 0, 0, 0));
}

TEST(WardLinkageTest, EqualsTheTextbookAlgorithmOnRandomData) {
  for (uint64_t seed : {1, 2, 3}) {
    ClusteringRng rng(seed);
    Eigen::MatrixXd X(120, 3);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      for (Eigen::Index j = 0; j < 3; ++j) X(i, j) = 10 * rng.Uniform() + (i % 4) * 5.0;
    }
    absl::StatusOr<std::vector<WardMerge>> tree = WardLinkage(X);
    ASSERT_THAT(tree, IsOk());
    const Naive naive = NaiveWard(X, 6);
    std::vector<double> ours;
    for (const WardMerge& m : *tree) ours.push_back(m.distance);
    std::vector<double> expected = naive.distances;
    std::sort(expected.begin(), expected.end());
    ASSERT_EQ(ours.size(), expected.size());
    for (size_t i = 0; i < ours.size(); ++i) {
      EXPECT_NEAR(ours[i], expected[i], 1e-9 * (1 + expected[i])) << "merge " << i;
    }
    EXPECT_EQ(*CutTree(*tree, X.rows(), 6), naive.labels) << "seed " << seed;
    EXPECT_EQ(tree->back().size, 120);
  }
}

TEST(WardLinkageTest, AgglomerativeWardSeparatesBlobs) {
  ClusteringRng rng(5);
  Eigen::MatrixXd X(300, 2);
  for (Eigen::Index i = 0; i < 300; ++i) {
    X.row(i) << (i / 100) * 20 + rng.Uniform(), rng.Uniform();
  }
  absl::StatusOr<std::vector<int>> labels = AgglomerativeWard(X, 3);
  ASSERT_THAT(labels, IsOk());
  for (Eigen::Index i = 0; i < 300; ++i) EXPECT_EQ((*labels)[i], i / 100) << i;
}

TEST(WardLinkageTest, DuplicatePointsMergeAtZero) {
  Eigen::MatrixXd X(4, 2);
  X << 1, 1, 1, 1, 1, 1, 9, 9;
  absl::StatusOr<std::vector<WardMerge>> tree = WardLinkage(X);
  ASSERT_THAT(tree, IsOk());
  EXPECT_EQ((*tree)[0].distance, 0.0);
  EXPECT_EQ((*tree)[1].distance, 0.0);
  EXPECT_THAT(*CutTree(*tree, 4, 2), ElementsAre(0, 0, 0, 1));
}

TEST(WardLinkageTest, BadInput) {
  EXPECT_THAT(WardLinkage(Eigen::MatrixXd(0, 2)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(WardLinkage(Eigen::MatrixXd::Zero(kMaxWardPoints + 1, 1)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at most")));
  Eigen::MatrixXd bad = Eigen::MatrixXd::Zero(3, 1);
  bad(2, 0) = NAN;
  EXPECT_THAT(WardLinkage(bad), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("NaN")));
  EXPECT_THAT(CutTree({}, 3, 2), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("merges")));
  EXPECT_THAT(CutTree({{0, 1, 1.0, 2}}, 2, 3),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("clusters")));
  EXPECT_THAT(CutTree({{0, 0, 1.0, 2}}, 2, 1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not valid")));
}

}  // namespace
}  // namespace clientele::analytics
