#include "analytics/clustering/internal/distance_kernels.h"

#include <cmath>
#include <cstring>
#include <vector>

#include "analytics/clustering/random.h"
#include "gtest/gtest.h"

namespace clientele::analytics::internal {
namespace {

// n points of dimension d, dimension-major (coordinate j of point i at [j * n + i]).
std::vector<float> RandomPoints(int64_t n, int d, uint64_t seed) {
  ClusteringRng rng(seed);
  std::vector<float> xt(static_cast<size_t>(n * d));
  for (float& v : xt) v = static_cast<float>(10.0 * rng.Uniform() - 5.0);
  return xt;
}

std::vector<float> RandomRows(int rows, int d, uint64_t seed) {
  ClusteringRng rng(seed);
  std::vector<float> c(static_cast<size_t>(rows * d));
  for (float& v : c) v = static_cast<float>(10.0 * rng.Uniform() - 5.0);
  return c;
}

double ExactDistance(const std::vector<float>& xt, int64_t n, int d, int64_t i, const float* c) {
  double total = 0.0;
  for (int j = 0; j < d; ++j) {
    const double diff = static_cast<double>(xt[j * n + i]) - c[j];
    total += diff * diff;
  }
  return total;
}

// The instruction sets this CPU can run; sse2 always.
std::vector<const DistanceKernelSet*> Sets() {
  std::vector<const DistanceKernelSet*> sets = {DistanceKernelsFor("sse2")};
  if (const DistanceKernelSet* avx2 = DistanceKernelsFor("avx2")) sets.push_back(avx2);
  return sets;
}

class DistanceKernelsTest : public ::testing::TestWithParam<int> {};

TEST_P(DistanceKernelsTest, NearestCentersMatchesExactAndEveryIsaAgrees) {
  const int d = GetParam();
  const int64_t n = 1003;  // not a multiple of 8: the scalar tail runs too
  const int k = 5;
  const std::vector<float> xt = RandomPoints(n, d, 7);
  const std::vector<float> centers = RandomRows(k, d, 8);
  std::vector<std::vector<int>> labels;
  std::vector<std::vector<float>> dists;
  std::vector<double> sums;
  for (const DistanceKernelSet* set : Sets()) {
    // Points [3, n): outputs are indexed from begin.
    std::vector<int> l(n - 3);
    std::vector<float> dist(n - 3);
    sums.push_back(
        set->nearest_centers(xt.data(), n, d, 3, n, centers.data(), k, l.data(), dist.data()));
    labels.push_back(l);
    dists.push_back(dist);
  }
  double expected_sum = 0.0;
  for (int64_t i = 3; i < n; ++i) {
    int best = 0;
    double best_d = ExactDistance(xt, n, d, i, centers.data());
    for (int c = 1; c < k; ++c) {
      const double dc = ExactDistance(xt, n, d, i, centers.data() + c * d);
      if (dc < best_d) {
        best_d = dc;
        best = c;
      }
    }
    EXPECT_EQ(labels[0][i - 3], best) << "point " << i;
    EXPECT_NEAR(dists[0][i - 3], best_d, 1e-5 * (1.0 + best_d)) << "point " << i;
    expected_sum += best_d;
  }
  EXPECT_NEAR(sums[0], expected_sum, 1e-6 * expected_sum);
  for (size_t s = 1; s < sums.size(); ++s) {
    EXPECT_EQ(labels[s], labels[0]);
    EXPECT_EQ(0, std::memcmp(dists[s].data(), dists[0].data(), dists[0].size() * sizeof(float)));
    EXPECT_EQ(sums[s], sums[0]);  // bit-identical, not just close
  }
}

TEST_P(DistanceKernelsTest, CandidatePotentialsAndUpdateClosest) {
  const int d = GetParam();
  const int64_t n = 517;
  const int t = 3;
  const std::vector<float> xt = RandomPoints(n, d, 11);
  const std::vector<float> first_center = RandomRows(1, d, 12);
  const std::vector<float> candidates = RandomRows(t, d, 13);
  std::vector<std::vector<double>> potentials;
  std::vector<std::vector<float>> closest_after;
  std::vector<double> totals;
  for (const DistanceKernelSet* set : Sets()) {
    std::vector<float> closest(n);
    const double first_total =
        set->update_closest(xt.data(), n, d, 0, n, first_center.data(), closest.data(), true);
    double expected_first = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      const double exact = ExactDistance(xt, n, d, i, first_center.data());
      EXPECT_NEAR(closest[i], exact, 1e-5 * (1.0 + exact));
      expected_first += closest[i];
    }
    EXPECT_NEAR(first_total, expected_first, 1e-9 * expected_first);

    std::vector<double> pot(t);
    set->candidate_potentials(xt.data(), n, d, 0, n, candidates.data(), t, closest.data(),
                              pot.data());
    for (int c = 0; c < t; ++c) {
      double expected = 0.0;
      for (int64_t i = 0; i < n; ++i) {
        expected +=
            std::min<double>(closest[i], ExactDistance(xt, n, d, i, candidates.data() + c * d));
      }
      EXPECT_NEAR(pot[c], expected, 1e-5 * expected) << "candidate " << c;
    }
    // Taking candidate 1 lowers closest to the potential just computed for it.
    std::vector<float> before = closest;
    const double total =
        set->update_closest(xt.data(), n, d, 0, n, candidates.data() + d, closest.data(), false);
    EXPECT_EQ(total, pot[1]);
    for (int64_t i = 0; i < n; ++i) EXPECT_LE(closest[i], before[i]);
    potentials.push_back(pot);
    closest_after.push_back(closest);
    totals.push_back(total);
  }
  for (size_t s = 1; s < totals.size(); ++s) {
    EXPECT_EQ(potentials[s], potentials[0]);
    EXPECT_EQ(closest_after[s], closest_after[0]);
    EXPECT_EQ(totals[s], totals[0]);
  }
}

// 1..16 use the fixed-dimension kernels, 17 and 40 the run-time one.
INSTANTIATE_TEST_SUITE_P(Dims, DistanceKernelsTest, ::testing::Values(1, 2, 3, 8, 16, 17, 40));

TEST(DistanceKernelsTieTest, EqualCentresGoToTheLowestIndex) {
  const int d = 2;
  const int64_t n = 9;
  const std::vector<float> xt = RandomPoints(n, d, 3);
  const std::vector<float> centers = {1.0f, 1.0f, -1.0f, 0.5f, -1.0f, 0.5f};  // 1 and 2 equal
  for (const DistanceKernelSet* set : Sets()) {
    std::vector<int> labels(n);
    std::vector<float> dist(n);
    set->nearest_centers(xt.data(), n, d, 0, n, centers.data(), 3, labels.data(), dist.data());
    for (int label : labels) EXPECT_NE(label, 2);
  }
}

TEST(DistanceKernelsDispatchTest, UnknownIsaIsRejected) {
  EXPECT_EQ(DistanceKernelsFor("avx9"), nullptr);
  ASSERT_NE(DistanceKernelsFor("sse2"), nullptr);
  const std::string_view isa = DistanceKernelIsa();
  EXPECT_TRUE(isa == "sse2" || isa == "avx2");
  EXPECT_NE(DistanceKernelsFor(DistanceKernelIsa()), nullptr);
}

}  // namespace
}  // namespace clientele::analytics::internal
