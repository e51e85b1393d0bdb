// Measures ValidateEvent on 30k synthetic, valid orders of 12..24 lines (18 on average), the
// shape of the ingest hot path. Not a test: prints ns per line and per order.
//
//   build/bin/validation_bench [orders=30000] [rounds=15]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clientele/common/v1/event.pb.h"
#include "ingest/validation/event_validator.h"

namespace {

using clientele::common::v1::Event;

std::vector<Event> MakeOrders(int count, absl::Time now, size_t* total_lines) {
  static const char* const kDescriptions[] = {"WHITE HANGING HEART T-LIGHT HOLDER",
                                              "Kırmızı porselen kupa, 300 ml",
                                              "SET OF 3 CAKE TINS PANTRY DESIGN",
                                              "Çay bardağı takımı (6'lı)",
                                              "JUMBO BAG RED RETROSPOT",
                                              "Şeker kasesi, el yapımı İznik motifli"};
  static const char* const kCategories[] = {"Home", "Mutfak", "Gifts", "Dekorasyon"};
  static const char* const kCurrencies[] = {"TRY", "EUR", "USD"};
  std::mt19937_64 rng(42);
  std::vector<Event> events(count);
  *total_lines = 0;
  for (int i = 0; i < count; ++i) {
    Event& e = events[i];
    const std::string order_id = "ORD-" + std::to_string(5'000'000 + i);
    e.set_event_id("web_shop:" + order_id);
    e.set_channel(clientele::common::v1::CHANNEL_ONLINE_SHOP);
    e.mutable_source()->set_system("web_shop");
    e.mutable_source()->set_id(order_id);
    e.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(now) - 3600 - i);
    auto* order = e.mutable_order();
    order->set_order_id(order_id);
    order->mutable_customer()->set_system("web_shop");
    order->mutable_customer()->set_id("C-" + std::to_string(rng() % 400'000));
    order->set_store_id("ist-01");
    order->set_country("Türkiye");
    const char* currency = kCurrencies[i % 3];
    const int lines = 12 + static_cast<int>(rng() % 13);  // 12..24, mean 18.
    for (int l = 0; l < lines; ++l) {
      auto* line = order->add_lines();
      line->set_sku("SKU-" + std::to_string(10'000 + rng() % 90'000));
      line->set_description(kDescriptions[rng() % 6]);
      line->set_quantity(l == 0 && rng() % 10 == 0 ? -1 : 1 + static_cast<int64_t>(rng() % 12));
      line->mutable_unit_price()->set_minor_units(50 + static_cast<int64_t>(rng() % 100'000));
      line->mutable_unit_price()->set_currency_code(currency);
      line->set_category(kCategories[rng() % 4]);
    }
    *total_lines += lines;
  }
  return events;
}

}  // namespace

int main(int argc, char** argv) {
  const int orders = argc > 1 ? std::atoi(argv[1]) : 30'000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 15;
  const absl::Time now = absl::Now();
  size_t lines = 0;
  const std::vector<Event> events = MakeOrders(orders, now, &lines);

  std::vector<double> round_ns;
  size_t rejected = 0;
  for (int r = 0; r < rounds; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (const Event& e : events) rejected += clientele::ingest::ValidateEvent(e, now).has_value();
    const auto stop = std::chrono::steady_clock::now();
    round_ns.push_back(std::chrono::duration<double, std::nano>(stop - start).count());
  }
  std::sort(round_ns.begin(), round_ns.end());
  const double median = round_ns[round_ns.size() / 2];
  const double best = round_ns.front();
  std::printf("%d orders, %zu lines (%.1f lines/order), %d rounds, %zu rejected\n", orders, lines,
              static_cast<double>(lines) / orders, rounds, rejected);
  std::printf("median: %.1f ns/line, %.0f ns/order, %.1f M lines/s (best %.1f ns/line)\n",
              median / lines, median / orders, lines / median * 1e3, best / lines);
  return rejected == 0 ? 0 : 1;
}
