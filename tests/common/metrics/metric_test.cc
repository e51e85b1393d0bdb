#include "common/metrics/metric.h"

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::metrics {
namespace {

using ::testing::ElementsAre;

TEST(CounterTest, IncrementsByOneOrN) {
  Counter counter;
  EXPECT_EQ(counter.value(), 0u);
  counter.Increment();
  counter.Increment(41);
  EXPECT_EQ(counter.value(), 42u);
}

TEST(CounterTest, ConcurrentIncrementsAreNotLost) {
  Counter counter;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < kPerThread; ++i) counter.Increment();
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), static_cast<uint64_t>(kThreads * kPerThread));
}

TEST(GaugeTest, SetAndAdd) {
  Gauge gauge;
  gauge.Set(2.5);
  gauge.Add(-4);
  EXPECT_DOUBLE_EQ(gauge.value(), -1.5);
}

TEST(GaugeTest, ConcurrentAddsAreNotLost) {
  Gauge gauge;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&gauge] {
      for (int i = 0; i < 5000; ++i) gauge.Add(1);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(gauge.value(), 20000.0);
}

TEST(HistogramTest, BoundsAreInclusiveAndCountsCumulative) {
  Histogram histogram({1, 2, 5});
  for (double v : {0.5, 1.0, 1.5, 2.0, 4.0, 6.0, 100.0}) histogram.Observe(v);
  EXPECT_THAT(histogram.CumulativeCounts(), ElementsAre(2, 4, 5, 7));
  EXPECT_EQ(histogram.count(), 7u);
  EXPECT_DOUBLE_EQ(histogram.sum(), 115.0);
}

TEST(HistogramTest, IgnoresNanAndDropsTrailingInfBound) {
  Histogram histogram({1, std::numeric_limits<double>::infinity()});
  EXPECT_THAT(histogram.bounds(), ElementsAre(1.0));
  histogram.Observe(std::nan(""));
  histogram.Observe(std::numeric_limits<double>::infinity());
  EXPECT_THAT(histogram.CumulativeCounts(), ElementsAre(0, 1));
}

TEST(HistogramDeathTest, UnsortedBoundsAbort) {
  EXPECT_DEATH(Histogram({2, 1}), "CLT_CHECK failed");
}

TEST(LatencyBucketsSecondsTest, IncreaseFrom100MicrosecondsTo10Seconds) {
  const std::vector<double> buckets = LatencyBucketsSeconds();
  ASSERT_GE(buckets.size(), 10u);
  EXPECT_DOUBLE_EQ(buckets.front(), 0.0001);
  EXPECT_DOUBLE_EQ(buckets.back(), 10.0);
  for (size_t i = 1; i < buckets.size(); ++i) {
    EXPECT_GT(buckets[i] / buckets[i - 1], 1.9) << i;
    EXPECT_LT(buckets[i] / buckets[i - 1], 2.6) << i;
  }
}

}  // namespace
}  // namespace clientele::metrics
