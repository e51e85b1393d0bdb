// Lock-free metric cells: Counter, Gauge and Histogram. They are usually obtained from a
// metrics::Registry (registry.h), which owns them and renders them for Prometheus, but
// they also work standalone.
//
//   Counter* requests = registry.GetCounter("clientele_ingest_events_total", "Events.");
//   requests->Increment();
//   Histogram* latency = registry.GetHistogram("clientele_ingest_append_seconds", "Append.",
//                                              LatencyBucketsSeconds());
//   latency->Observe(0.0042);
//
// All methods of all three classes are thread-safe and never block.
#ifndef CLIENTELE_COMMON_METRICS_METRIC_H_
#define CLIENTELE_COMMON_METRICS_METRIC_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace clientele::metrics {

// A monotonically increasing count (Prometheus type "counter").
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down (Prometheus type "gauge").
class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  // Adds `d` (may be negative) atomically.
  void Add(double d);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Counts observations into buckets with inclusive upper bounds (Prometheus type
// "histogram"). An implicit +Inf bucket catches everything above the last bound.
class Histogram {
 public:
  // REQUIRES: `bounds` strictly increasing and finite (a trailing +Inf is dropped);
  // violating this is a programming error and aborts (CLT_CHECK).
  explicit Histogram(std::vector<double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // NaN observations are ignored.
  void Observe(double value);

  uint64_t count() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

  // Upper bounds, without the implicit +Inf.
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts, one per bound plus a last one for +Inf (== count()). Taken without
  // a lock: concurrent observations may or may not be included, but the result is always
  // non-decreasing.
  std::vector<uint64_t> CumulativeCounts() const;

 private:
  const std::vector<double> bounds_;
  // Non-cumulative: counts_[i] counts values in (bounds_[i-1], bounds_[i]]; the last
  // element counts values above bounds_.back().
  const std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<double> sum_{0.0};
};

// Latency buckets in seconds from 100 µs to 10 s in steps of about x2.5:
// 0.0001, 0.00025, 0.0005, 0.001, ..., 2.5, 5, 10.
std::vector<double> LatencyBucketsSeconds();

}  // namespace clientele::metrics

#endif  // CLIENTELE_COMMON_METRICS_METRIC_H_
