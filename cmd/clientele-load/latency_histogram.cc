#include "cmd/clientele-load/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace clientele::load {
namespace {

// Values up to 2^62 ns (~146 years) fit; the last bucket index is for msb 62.
constexpr int kMaxMsb = 62;
constexpr int kNumBuckets = (kMaxMsb - LatencyHistogram::kSubBucketBits + 1) *
                                static_cast<int>(LatencyHistogram::kSubBuckets) +
                            2 * static_cast<int>(LatencyHistogram::kSubBuckets);

int Msb(uint64_t v) { return 63 - __builtin_clzll(v); }

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kNumBuckets, 0) {}

// Values below 2 * kSubBuckets map to themselves. For larger v with most significant bit
// msb, shift = msb - kSubBucketBits keeps kSubBucketBits + 1 significant bits:
// index = shift * kSubBuckets + (v >> shift), which continues the identity range without gaps.
int LatencyHistogram::BucketIndex(int64_t nanos) {
  const uint64_t v = nanos < 0 ? 0 : static_cast<uint64_t>(nanos);
  if (v < 2 * static_cast<uint64_t>(kSubBuckets)) return static_cast<int>(v);
  const int shift = std::min(Msb(v), kMaxMsb) - kSubBucketBits;
  return static_cast<int>(shift * kSubBuckets + static_cast<int64_t>(v >> shift));
}

int64_t LatencyHistogram::BucketLowest(int index) {
  if (index < 2 * kSubBuckets) return index;
  const int shift = static_cast<int>(index / kSubBuckets) - 1;
  const int64_t sub = index - shift * kSubBuckets;
  return sub << shift;
}

int64_t LatencyHistogram::BucketHighest(int index) {
  if (index < 2 * kSubBuckets) return index;
  const int shift = static_cast<int>(index / kSubBuckets) - 1;
  return BucketLowest(index) + (int64_t{1} << shift) - 1;
}

void LatencyHistogram::Record(int64_t nanos) {
  if (nanos < 0) nanos = 0;
  ++counts_[BucketIndex(nanos)];
  if (count_ == 0 || nanos < min_) min_ = nanos;
  if (nanos > max_) max_ = nanos;
  ++count_;
  sum_ += nanos;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

int64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  // The rank of the sample asked for, 1-based: ceil(p% of count), at least the first sample.
  // The product comes first and a tiny slack absorbs the rounding of p (99.9 is not exact).
  int64_t rank =
      static_cast<int64_t>(std::ceil(percentile * static_cast<double>(count_) / 100.0 - 1e-9));
  rank = std::clamp<int64_t>(rank, 1, count_);
  int64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      return std::clamp(BucketHighest(static_cast<int>(i)), min_, max_);
    }
  }
  return max_;
}

}  // namespace clientele::load
