// The recommender's half of the log consumer: keeps the events it learns from in its own
// RocksDB, keyed by source key (ARCHITECTURE.md §1): Order events (guest orders too: they are
// baskets), Interaction events (views, carts, wishlists, ratings, purchases), ProductUpsert
// (merged per SKU: present fields replace), the source keys of customers seen in any event,
// and the latest PROFILING consent of each source key.
//
//   RecommenderApplier applier(&store);
//   applier.SetConsentListener([&](auto changes) { overlay.Apply(changes); });
//   log::LogConsumer consumer(options, kv, &applier, channels);
//
// Apply puts the new values into the consumer's batch and never writes the store; product
// merges and consent comparisons read the stored value plus what earlier entries of the same
// call changed, so a retried batch applies against the unchanged store. The consent listener
// hears of a committed batch's consent changes (for the serving path: a revoked consent takes
// effect before the next training). Orders' positive lines and PURCHASE / RATING interactions
// also go to the live purchase history (RecommenderStore::PutPurchase), which Recommend
// excludes until the next training takes them in.
//
// Thread-safe: calls for different partitions may run concurrently. Products route by
// event id, so two partitions may merge one SKU at once; the later commit wins (a product is
// a catalog record, last writer wins is its contract anyway).
#ifndef CLIENTELE_RECOMMENDER_RECOMMENDER_APPLIER_H_
#define CLIENTELE_RECOMMENDER_RECOMMENDER_APPLIER_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/log/log_applier.h"
#include "recommender/state/recommender_store.h"

namespace clientele::recommender {

// One committed profiling-consent change: source key text ("system/id", FormatSourceKey) -> record.
using ConsentChanges = std::vector<std::pair<std::string, v1::ConsentRecord>>;

class RecommenderApplier final : public log::LogApplier {
 public:
  // `store` is not owned and must outlive the applier.
  explicit RecommenderApplier(RecommenderStore* store) : store_(store) {}

  // Called from the consumer's threads after each commit that changed consents, and after a
  // failed write with the withdrawals it held. Set before the consumer starts.
  void SetConsentListener(std::function<void(const ConsentChanges&)> listener) {
    listener_ = std::move(listener);
  }

  std::vector<common::v1::PayloadType> PayloadTypes() const override;
  absl::Status Apply(uint32_t partition, absl::Span<const ingest::v1::LogEntry* const> entries,
                     storage::WriteBatch& batch) override;
  void OnCommitted(uint32_t partition, uint64_t through_sequence) override;
  void OnWriteFailed(uint32_t partition) override;

 private:
  RecommenderStore* const store_;  // Not owned.
  std::function<void(const ConsentChanges&)> listener_;
  absl::Mutex mu_;
  // Consent changes applied since the last OnCommitted, per partition. OnWriteFailed passes
  // on the withdrawals among them (an accepted withdrawal is in the log and will be applied:
  // serving honours it at once, whether or not the failed batch was the one holding it) and
  // drops the grants (the entries come again and grant after their commit).
  absl::flat_hash_map<uint32_t, ConsentChanges> pending_ ABSL_GUARDED_BY(mu_);
};

// Merges a product upsert into the stored view: present fields replace, absent ones are kept.
void MergeProductUpsert(const common::v1::ProductUpsert& update, common::v1::ProductUpsert* stored);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_RECOMMENDER_APPLIER_H_
