// The analytics service's half of the log consumer: folds Order events into the per-source-key
// order aggregates and order history (analytics/orders/customer_order.h), and CustomerUpsert
// events into the per-source-key attributes.
//
//   AnalyticsApplier applier(&store);
//   log::LogConsumer consumer(options, kv, &applier, channels);
//
// Apply reads the stored state, plus what earlier entries of the same call changed, and puts
// the new values into the consumer's batch; it never writes the store. If the batch fails to
// commit, the consumer passes the same entries again and they are applied against the
// unchanged store, so nothing is counted twice.
//
// An order the aggregate refuses (e.g. a second currency for one customer) is skipped, logged
// and counted in skipped_orders(): it cannot become valid by retrying, and stopping the
// consumer on it would stall every later event. Guest orders (no customer) are ignored.
//
// Thread-safe: calls for different partitions may run concurrently (a source key lives in
// one partition, so they never touch the same key).
#ifndef CLIENTELE_ANALYTICS_ANALYTICS_APPLIER_H_
#define CLIENTELE_ANALYTICS_ANALYTICS_APPLIER_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "analytics/state/analytics_store.h"
#include "common/log/log_applier.h"

namespace clientele::analytics {

class AnalyticsApplier final : public log::LogApplier {
 public:
  // `store` is not owned and must outlive the applier.
  explicit AnalyticsApplier(AnalyticsStore* store) : store_(store) {}

  std::vector<common::v1::PayloadType> PayloadTypes() const override;
  absl::Status Apply(uint32_t partition, absl::Span<const ingest::v1::LogEntry* const> entries,
                     storage::WriteBatch& batch) override;

  int64_t skipped_orders() const { return skipped_orders_.load(); }

 private:
  AnalyticsStore* const store_;
  std::atomic<int64_t> skipped_orders_{0};
};

// Merges an upsert into the stored view: fields present in `update` replace, absent ones are
// kept ("absent is unknown, not cleared"); attributes merge by key. Contact fields (email,
// phone, loyalty id, national id hash, names, street lines) are not kept: analytics needs
// no direct identifiers.
void MergeCustomerUpsert(const common::v1::CustomerUpsert& update,
                         common::v1::CustomerUpsert* stored);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_ANALYTICS_APPLIER_H_
