// The identity consumer's LogApplier: hands CustomerUpsert, Order and ConsentChange events of
// every partition to the one global Resolver.
//
// The resolver changes memory while it applies (later entries of a batch depend on earlier
// ones), so the applier holds the resolver's write lock from Apply until OnCommitted (the
// batch is durable) or OnWriteFailed (it is not: the resolver reloads from the store, and the
// same entries come again). Partitions therefore apply one batch at a time, and queries only
// ever see committed state.
//
// Thread-safe as LogApplier requires. `resolver` (and `apply_seconds`, if given) must outlive
// the applier.
#ifndef CLIENTELE_IDENTITY_IDENTITY_APPLIER_H_
#define CLIENTELE_IDENTITY_IDENTITY_APPLIER_H_

#include <chrono>
#include <memory>
#include <vector>

#include "common/log/log_applier.h"
#include "common/metrics/metric.h"
#include "identity/resolution/resolver.h"

namespace clientele::identity {

class IdentityApplier final : public log::LogApplier {
 public:
  // `apply_seconds`, if not null, observes the time to resolve each batch (ApplyEvents and
  // FinishBatch), in seconds.
  explicit IdentityApplier(Resolver* resolver, metrics::Histogram* apply_seconds = nullptr)
      : resolver_(resolver), apply_seconds_(apply_seconds) {}

  std::vector<common::v1::PayloadType> PayloadTypes() const override;
  // Pipelined: the resolver's write lock is held from the first Apply until OnCommitted /
  // OnWriteFailed, across the batches the consumer applies meanwhile.
  bool pipelined() const override { return true; }
  absl::Status Apply(uint32_t partition, absl::Span<const ingest::v1::LogEntry* const> entries,
                     storage::WriteBatch& batch) override;
  // Normalizes the upserts (ICU, libphonenumber: the costliest pure part of resolution) on
  // the consumer's reading thread, while the previous batch is applied.
  std::unique_ptr<Prepared> Prepare(
      uint32_t partition, absl::Span<const ingest::v1::LogEntry* const> entries) const override;
  absl::Status ApplyPrepared(uint32_t partition,
                             absl::Span<const ingest::v1::LogEntry* const> entries,
                             Prepared* prepared, storage::WriteBatch& batch) override;
  void OnCommitted(uint32_t partition, uint64_t through_sequence) override;
  void OnWriteFailed(uint32_t partition) override;

 private:
  void ObserveApply(std::chrono::steady_clock::time_point start);

  Resolver* const resolver_;                 // Not owned.
  metrics::Histogram* const apply_seconds_;  // Not owned; may be null.
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_IDENTITY_APPLIER_H_
