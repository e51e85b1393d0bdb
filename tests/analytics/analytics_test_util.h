// Builders shared by the analytics service tests: a RocksDB store in a temp dir with the
// analytics column families, log entries holding orders and customer upserts, and a
// JobControl that records progress.
#ifndef CLIENTELE_TESTS_ANALYTICS_ANALYTICS_TEST_UTIL_H_
#define CLIENTELE_TESTS_ANALYTICS_ANALYTICS_TEST_UTIL_H_

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "analytics/analytics_applier.h"
#include "analytics/analytics_schema.h"
#include "analytics/jobs/job_runner.h"
#include "clientele/ingest/v1/ingest.pb.h"
#include "common/storage/rocksdb_store.h"
#include "gtest/gtest.h"

namespace clientele::analytics::testing {

inline std::unique_ptr<storage::KvStore> OpenAnalyticsKv(const std::string& path) {
  storage::RocksDbOptions options;
  options.path = path;
  options.column_families = AnalyticsColumnFamilies();
  auto kv = storage::OpenRocksDbStore(options);
  EXPECT_TRUE(kv.ok()) << kv.status();
  return std::move(*kv);
}

inline common::v1::SourceKey Key(const std::string& id, const std::string& system = "shop") {
  common::v1::SourceKey key;
  key.set_system(system);
  key.set_id(id);
  return key;
}

struct Line {
  int64_t quantity;
  int64_t unit_price_minor;  // GBP pence
};

inline ingest::v1::LogEntry OrderEntry(uint64_t sequence, const std::string& customer,
                                       const std::string& order_id, absl::Time at,
                                       std::vector<Line> lines, bool cancellation = false,
                                       const std::string& currency = "GBP") {
  ingest::v1::LogEntry entry;
  entry.set_sequence(sequence);
  common::v1::Event& event = *entry.mutable_event();
  event.set_event_id("order/" + order_id);
  event.mutable_source()->set_system("shop");
  event.mutable_source()->set_id(order_id);
  event.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(at));
  common::v1::Order& order = *event.mutable_order();
  order.set_order_id(order_id);
  if (!customer.empty()) *order.mutable_customer() = Key(customer);
  order.set_cancellation(cancellation);
  int sku = 0;
  for (const Line& l : lines) {
    common::v1::OrderLine& line = *order.add_lines();
    line.set_sku("sku" + std::to_string(++sku));
    line.set_quantity(l.quantity);
    line.mutable_unit_price()->set_minor_units(l.unit_price_minor);
    line.mutable_unit_price()->set_currency_code(currency);
  }
  return entry;
}

inline ingest::v1::LogEntry UpsertEntry(uint64_t sequence, const std::string& customer,
                                        common::v1::CustomerUpsert upsert) {
  ingest::v1::LogEntry entry;
  entry.set_sequence(sequence);
  common::v1::Event& event = *entry.mutable_event();
  event.set_event_id("customer/" + customer + "/" + std::to_string(sequence));
  *event.mutable_source() = Key(customer);
  *event.mutable_customer_upsert() = std::move(upsert);
  return entry;
}

// Applies `entries` through `applier` and commits the batch, as the LogConsumer does.
inline absl::Status ApplyAndCommit(AnalyticsApplier& applier, storage::KvStore& kv,
                                   const std::vector<ingest::v1::LogEntry>& entries) {
  std::vector<const ingest::v1::LogEntry*> pointers;
  for (const auto& e : entries) pointers.push_back(&e);
  auto batch = kv.NewWriteBatch();
  if (absl::Status s = applier.Apply(0, pointers, *batch); !s.ok()) return s;
  return kv.Write(*batch);
}

class RecordingControl final : public JobControl {
 public:
  bool cancelled() const override { return cancelled_.load(); }
  void SetProgress(double fraction, const std::string& message) override {
    fractions.push_back(fraction);
    messages.push_back(message);
  }
  void Cancel() { cancelled_.store(true); }
  std::vector<double> fractions;
  std::vector<std::string> messages;

 private:
  std::atomic<bool> cancelled_{false};
};

}  // namespace clientele::analytics::testing

#endif  // CLIENTELE_TESTS_ANALYTICS_ANALYTICS_TEST_UTIL_H_
