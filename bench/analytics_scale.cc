// `analytics_bench scale`: a synthetic retailer generated in memory, then the analytics pipeline
// over it -- per-customer aggregation through CustomerOrderAggregate::AddOrder (one Order message
// per order, as the service applies them), notebook RFM scoring, and a k-means job on
// log1p + standardised (recency, frequency, monetary).
//
// The shop: CUSTOMERS customers with about LINES order lines in all. Lines per customer follow a
// log-normal distribution (sigma 1.2: most customers buy a few lines, a long tail buys hundreds),
// grouped into orders of about 3 lines; order times are spread over the two years 2024-2025 after
// each customer's first visit; about 2% of orders are cancellations of an earlier order; unit
// prices are log-normal around GBP 3, quantities 1 + geometric. Generation is seeded per block of
// customers, so the data do not depend on the thread count.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "analytics/aggregates/customer_aggregate.h"
#include "analytics/clustering/internal/parallel.h"
#include "analytics/clustering/kmeans.h"
#include "analytics/features/preprocessor.h"
#include "analytics/rfm/rfm.h"

namespace {

using clientele::analytics::CustomerAggregate;
using clientele::analytics::CustomerOrderAggregate;
using Clock = std::chrono::steady_clock;

constexpr int64_t kBlock = 1 << 16;  // Customers per generation block.

struct OrderHead {
  uint32_t customer;
  uint32_t first_line;
  uint32_t lines;
  bool cancellation;
  int64_t time;  // Unix seconds.
};
struct Line {
  int32_t quantity;
  int32_t price;  // Pence.
};
struct Block {
  std::vector<OrderHead> orders;
  std::vector<Line> lines;
};

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void Generate(int64_t block, int64_t first, int64_t last, double mean_lines, Block& out) {
  std::mt19937_64 rng(0x5eed0000 + static_cast<uint64_t>(block));
  const double sigma = 1.2;
  std::lognormal_distribution<double> lines_dist(std::log(mean_lines) - sigma * sigma / 2, sigma);
  std::lognormal_distribution<double> price_dist(std::log(300.0), 0.9);
  std::geometric_distribution<int> quantity_dist(0.45);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const int64_t start =
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2024, 1, 1), absl::UTCTimeZone()));
  const int64_t span = 2 * 365 * 86400;
  const auto expected = static_cast<size_t>(mean_lines * static_cast<double>(last - first));
  out.lines.reserve(expected + expected / 4);
  out.orders.reserve(expected / 2);
  for (int64_t c = first; c < last; ++c) {
    const auto n_lines =
        static_cast<int64_t>(std::clamp(std::llround(lines_dist(rng)), 1LL, 20000LL));
    const int64_t n_orders = std::max<int64_t>(1, (n_lines + 1) / 3);
    const int64_t first_visit = start + static_cast<int64_t>(unit(rng) * 0.8 * span);
    int64_t remaining = n_lines;
    for (int64_t o = 0; o < n_orders; ++o) {
      const int64_t here =
          o + 1 == n_orders
              ? remaining
              : std::max<int64_t>(1, std::min<int64_t>(remaining - (n_orders - o - 1),
                                                       static_cast<int64_t>(unit(rng) * 6) + 1));
      remaining -= here;
      OrderHead head;
      head.customer = static_cast<uint32_t>(c);
      head.first_line = static_cast<uint32_t>(out.lines.size());
      head.lines = static_cast<uint32_t>(here);
      head.time = first_visit + static_cast<int64_t>(unit(rng) * (start + span - first_visit));
      head.cancellation = o > 0 && unit(rng) < 0.02;
      for (int64_t l = 0; l < here; ++l) {
        const int32_t q = 1 + std::min(quantity_dist(rng), 47);
        out.lines.push_back({head.cancellation ? -q : q,
                             static_cast<int32_t>(std::clamp(price_dist(rng), 10.0, 200000.0))});
      }
      out.orders.push_back(head);
    }
  }
}

}  // namespace

int RunScale(int64_t customers, int64_t lines, int threads, int k) {
  const Clock::time_point total = Clock::now();
  const int64_t blocks = (customers + kBlock - 1) / kBlock;
  std::vector<Block> data(static_cast<size_t>(blocks));
  Clock::time_point t = Clock::now();
  const double mean_lines = static_cast<double>(lines) / static_cast<double>(customers);
  clientele::analytics::internal::ParallelChunks(blocks, threads, [&](int64_t b) {
    Generate(b, b * kBlock, std::min(customers, (b + 1) * kBlock), mean_lines, data[b]);
  });
  int64_t n_lines = 0, n_orders = 0;
  for (const Block& b : data) {
    n_lines += static_cast<int64_t>(b.lines.size());
    n_orders += static_cast<int64_t>(b.orders.size());
  }
  const double generate_s = Since(t);

  // Aggregation: one Order message per order, applied to its customer's aggregate.
  t = Clock::now();
  std::vector<CustomerOrderAggregate> aggregates(static_cast<size_t>(customers));
  std::vector<int> failures(static_cast<size_t>(blocks), 0);
  clientele::analytics::internal::ParallelChunks(blocks, threads, [&](int64_t b) {
    // One message reused for every order: its lines are overwritten, not cleared (Clear would
    // free every line's Money).
    clientele::common::v1::Order order;
    auto* lines = order.mutable_lines();
    for (const OrderHead& head : data[b].orders) {
      order.set_cancellation(head.cancellation);
      const int wanted = static_cast<int>(head.lines);
      if (lines->size() > wanted) lines->DeleteSubrange(wanted, lines->size() - wanted);
      while (lines->size() < wanted) {
        lines->Add()->mutable_unit_price()->set_currency_code("GBP");
      }
      for (int l = 0; l < wanted; ++l) {
        const Line& line = data[b].lines[head.first_line + l];
        clientele::common::v1::OrderLine& out = (*lines)[l];
        out.set_quantity(line.quantity);
        out.mutable_unit_price()->set_minor_units(line.price);
      }
      if (!aggregates[head.customer].AddOrder(order, absl::FromUnixSeconds(head.time)).ok()) {
        ++failures[b];
      }
    }
  });
  const double aggregate_s = Since(t);
  data.clear();
  data.shrink_to_fit();

  // RFM (notebook convention).
  t = Clock::now();
  std::vector<CustomerAggregate> rfm_input;
  rfm_input.reserve(static_cast<size_t>(customers));
  absl::Time latest = absl::InfinitePast();
  for (int64_t c = 0; c < customers; ++c) {
    std::optional<CustomerAggregate> a = aggregates[c].ToRfmInput(
        absl::StrFormat("c%09d", c), clientele::analytics::RfmConvention::kNotebook);
    if (!a.has_value()) continue;
    latest = std::max(latest, a->last_purchase);
    rfm_input.push_back(*std::move(a));
  }
  aggregates.clear();
  aggregates.shrink_to_fit();
  const std::vector<clientele::analytics::RfmScore> scores =
      clientele::analytics::ScoreRfm(rfm_input, latest + absl::Hours(24));
  const double rfm_s = Since(t);

  // k-means job: log1p + standardised RFM features.
  t = Clock::now();
  std::vector<double> recency(rfm_input.size()), frequency(rfm_input.size()),
      monetary(rfm_input.size());
  for (size_t i = 0; i < rfm_input.size(); ++i) {
    recency[i] = static_cast<double>(std::max<int64_t>(0, scores[i].recency_days));
    frequency[i] = static_cast<double>(rfm_input[i].frequency);
    monetary[i] = std::max(0.0, rfm_input[i].monetary);
  }
  using clientele::analytics::NumericColumn;
  const clientele::analytics::FeatureFrame frame = {
      NumericColumn("recency", std::move(recency), true),
      NumericColumn("frequency", std::move(frequency), true),
      NumericColumn("monetary", std::move(monetary), true)};
  absl::StatusOr<clientele::analytics::Preprocessor> pre =
      clientele::analytics::Preprocessor::Fit(frame);
  if (!pre.ok()) return 1;
  absl::StatusOr<Eigen::MatrixXd> X = pre->Transform(frame);
  if (!X.ok()) return 1;
  clientele::analytics::KMeansOptions options;
  options.k = k;
  options.n_init = 1;
  options.seed = 0;
  options.threads = threads;
  absl::StatusOr<clientele::analytics::KMeansResult> km = clientele::analytics::KMeans(*X, options);
  if (!km.ok()) return 1;
  const double kmeans_s = Since(t);

  int64_t failed = 0;
  for (int f : failures) failed += f;
  std::printf(
      "{\"what\": \"scale\", \"customers\": %lld, \"orders\": %lld, \"lines\": %lld, "
      "\"rfm_customers\": %zu, \"failed_orders\": %lld, \"generate_s\": %.3f, "
      "\"aggregate_s\": %.3f, \"rfm_s\": %.3f, \"kmeans_s\": %.3f, \"kmeans_k\": %d, "
      "\"kmeans_iterations\": %d, \"kmeans_inertia\": %.9g, \"total_s\": %.3f}\n",
      static_cast<long long>(customers), static_cast<long long>(n_orders),
      static_cast<long long>(n_lines), rfm_input.size(), static_cast<long long>(failed), generate_s,
      aggregate_s, rfm_s, kmeans_s, k, km->iterations, km->inertia, Since(total));
  return 0;
}
