#include "cmd/clientele-load/latency_histogram.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace clientele::load {
namespace {

TEST(LatencyHistogramTest, EmptyHistogramReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.ValueAtPercentile(50), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0);
}

TEST(LatencyHistogramTest, SmallValuesGiveExactPercentiles) {
  LatencyHistogram h;
  for (int v = 100; v >= 1; --v) h.Record(v);  // Order must not matter.
  EXPECT_EQ(h.count(), 100);
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), 100);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
  EXPECT_EQ(h.ValueAtPercentile(0), 1);
  EXPECT_EQ(h.ValueAtPercentile(1), 1);
  EXPECT_EQ(h.ValueAtPercentile(50), 50);
  EXPECT_EQ(h.ValueAtPercentile(90), 90);
  EXPECT_EQ(h.ValueAtPercentile(99), 99);
  EXPECT_EQ(h.ValueAtPercentile(99.5), 100);
  EXPECT_EQ(h.ValueAtPercentile(100), 100);
}

TEST(LatencyHistogramTest, PercentileRankRoundsUp) {
  // 1000 samples: p99.9 is the 999th, not the 1000th (99.9 has no exact binary form).
  LatencyHistogram h;
  for (int v = 1; v <= 1000; ++v) h.Record(v < 1000 ? 7 : 400);
  EXPECT_EQ(h.ValueAtPercentile(99.9), 7);
  EXPECT_EQ(h.ValueAtPercentile(99.95), 400);
}

TEST(LatencyHistogramTest, LargeValuesWithinRelativePrecision) {
  // 1 us .. 10 ms in 1 us steps: the true p-th percentile is p% of 10 ms.
  LatencyHistogram h;
  for (int64_t us = 1; us <= 10000; ++us) h.Record(us * 1000);
  const double precision = 1.0 / LatencyHistogram::kSubBuckets;
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    const double truth = p / 100 * 10000 * 1000;
    const double got = static_cast<double>(h.ValueAtPercentile(p));
    EXPECT_GE(got, truth) << p;  // The bucket's highest value: never below the sample.
    EXPECT_LE(got, truth * (1 + precision)) << p;
  }
  EXPECT_EQ(h.ValueAtPercentile(100), 10000 * 1000);
  EXPECT_EQ(h.max(), 10000 * 1000);
}

TEST(LatencyHistogramTest, BucketsTileTheValuesWithoutGaps) {
  int64_t expected_lowest = 0;
  for (int index = 0; index < 20 * LatencyHistogram::kSubBuckets; ++index) {
    ASSERT_EQ(LatencyHistogram::BucketLowest(index), expected_lowest) << index;
    const int64_t highest = LatencyHistogram::BucketHighest(index);
    ASSERT_GE(highest, expected_lowest);
    ASSERT_EQ(LatencyHistogram::BucketIndex(expected_lowest), index);
    ASSERT_EQ(LatencyHistogram::BucketIndex(highest), index);
    // Width at most 1/kSubBuckets of the bucket's values.
    ASSERT_LE((highest - expected_lowest + 1) * LatencyHistogram::kSubBuckets,
              std::max<int64_t>(expected_lowest, LatencyHistogram::kSubBuckets));
    expected_lowest = highest + 1;
  }
}

TEST(LatencyHistogramTest, HugeAndNegativeValuesAreKept) {
  LatencyHistogram h;
  h.Record(-5);
  h.Record(int64_t{1} << 62);
  EXPECT_EQ(h.count(), 2);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.ValueAtPercentile(50), 0);
  EXPECT_EQ(h.ValueAtPercentile(100), int64_t{1} << 62);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverything) {
  LatencyHistogram a, b, all;
  for (int64_t v = 1; v <= 5000; ++v) {
    const int64_t nanos = v * 977;
    (v % 3 == 0 ? a : b).Record(nanos);
    all.Record(nanos);
  }
  LatencyHistogram merged;
  merged.Merge(a);
  merged.Merge(b);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_DOUBLE_EQ(merged.mean(), all.mean());
  for (double p : {10.0, 50.0, 90.0, 99.0, 99.9}) {
    EXPECT_EQ(merged.ValueAtPercentile(p), all.ValueAtPercentile(p)) << p;
  }
}

}  // namespace
}  // namespace clientele::load
