// A latency histogram in the style of HdrHistogram: log-linear buckets over nanoseconds with a
// fixed relative precision, constant memory whatever the number of samples, exact count, min,
// max and sum.
//
//   LatencyHistogram h;
//   h.Record(812'000);                    // 0.812 ms
//   int64_t p99 = h.ValueAtPercentile(99);
//
// Values below 2 * kSubBuckets (512 ns) are kept exactly; a larger value v lands in a bucket of
// width at most v / kSubBuckets, so a percentile is within 0.4% of the true sample (it reports
// the highest value of its bucket, clamped to [min, max], so ValueAtPercentile(100) == max()).
// Not thread-safe: the load runner guards it with a mutex; Merge combines per-thread copies.
#ifndef CLIENTELE_CMD_CLIENTELE_LOAD_LATENCY_HISTOGRAM_H_
#define CLIENTELE_CMD_CLIENTELE_LOAD_LATENCY_HISTOGRAM_H_

#include <cstdint>
#include <vector>

namespace clientele::load {

class LatencyHistogram {
 public:
  // Linear sub-buckets per power of two: the relative precision is 1 / kSubBuckets.
  static constexpr int kSubBucketBits = 8;
  static constexpr int64_t kSubBuckets = int64_t{1} << kSubBucketBits;

  LatencyHistogram();

  // Records one sample in nanoseconds; negative values count as 0.
  void Record(int64_t nanos);
  // Adds every sample of `other`.
  void Merge(const LatencyHistogram& other);

  int64_t count() const { return count_; }
  // 0 when empty.
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  int64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0 : static_cast<double>(sum_) / count_; }

  // The smallest recorded value v (to bucket precision) such that at least `percentile`% of the
  // samples are <= v; percentile is clamped to [0, 100]. 0 when empty.
  int64_t ValueAtPercentile(double percentile) const;

  // Bucket arithmetic, public for tests: the bucket of a value and the range [lowest, highest]
  // of values that share it.
  static int BucketIndex(int64_t nanos);
  static int64_t BucketLowest(int index);
  static int64_t BucketHighest(int index);

 private:
  std::vector<int64_t> counts_;
  int64_t count_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  int64_t sum_ = 0;
};

}  // namespace clientele::load

#endif  // CLIENTELE_CMD_CLIENTELE_LOAD_LATENCY_HISTOGRAM_H_
