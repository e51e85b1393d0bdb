// What a log consumer does with events: the service-specific half of LogConsumer.
#ifndef CLIENTELE_COMMON_LOG_LOG_APPLIER_H_
#define CLIENTELE_COMMON_LOG_LOG_APPLIER_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "clientele/common/v1/event.pb.h"
#include "clientele/ingest/v1/ingest.pb.h"
#include "common/storage/kv_store.h"

namespace clientele::log {

// Called by LogConsumer from one thread per partition: calls for different partitions may
// run concurrently, calls for one partition never do and come in sequence order.
class LogApplier {
 public:
  virtual ~LogApplier() = default;

  // The payload types to receive; empty means all. Filtered events still count as applied.
  virtual std::vector<common::v1::PayloadType> PayloadTypes() const { return {}; }

  // Adds the derived-state changes of `entries` (one partition, increasing sequences, none
  // applied before) to `batch`. Must not write the store itself: the consumer writes
  // `batch` together with the new applied sequence, atomically. If the write fails, the
  // same entries come again, so in-memory effects belong in OnCommitted.
  virtual absl::Status Apply(uint32_t partition,
                             absl::Span<const ingest::v1::LogEntry* const> entries,
                             storage::WriteBatch& batch) = 0;

  // Optional pipelining. Work on a batch that depends on its entries alone, never on the
  // applier's state (parsing, normalization): LogConsumer calls Prepare on the thread that
  // reads the stream, while the previous batch is still being applied (so Prepare may run
  // concurrently with Apply, OnCommitted and OnWriteFailed of the same partition), and hands
  // the result to ApplyPrepared of the same response's entries, which are `entries` of
  // Prepare or a suffix of them. The entries outlive the result. Default: nothing to prepare.
  class Prepared {
   public:
    virtual ~Prepared() = default;
  };
  virtual std::unique_ptr<Prepared> Prepare(
      uint32_t /*partition*/, absl::Span<const ingest::v1::LogEntry* const> /*entries*/) const {
    return nullptr;
  }
  // Apply, with Prepare's result for these entries (null when Prepare made none). Default:
  // Apply.
  virtual absl::Status ApplyPrepared(uint32_t partition,
                                     absl::Span<const ingest::v1::LogEntry* const> entries,
                                     Prepared* /*prepared*/, storage::WriteBatch& batch) {
    return Apply(partition, entries, batch);
  }

  // Pipelined appliers let the consumer call Apply for the next batch while the previous
  // one is still being written: several Apply / ApplyPrepared calls may then come before one
  // OnCommitted (everything applied so far is durable) or OnWriteFailed (nothing after the
  // last OnCommitted is known to be durable: reload from the store, whose applied sequence
  // tells where the entries come again from). The consumer drains that way at least every
  // few batches and whenever it waits for the stream. Default: not pipelined (each Apply is
  // followed by its own OnCommitted / OnWriteFailed).
  virtual bool pipelined() const { return false; }

  // The batch holding everything up to `through_sequence` of `partition` is durable.
  virtual void OnCommitted(uint32_t /*partition*/, uint64_t /*through_sequence*/) {}

  // Apply of `partition` returned an error, or the write of its batch failed: nothing of that
  // Apply is durable and the same entries come again. Appliers that change memory inside
  // Apply (because later entries depend on earlier ones) undo it here, e.g. by reloading
  // their state from the store. Each Apply is followed by exactly one of OnCommitted /
  // OnWriteFailed on the same thread (for pipelined appliers one may follow several Apply
  // calls; OnCommitted also comes for batches that needed no Apply).
  virtual void OnWriteFailed(uint32_t /*partition*/) {}
};

}  // namespace clientele::log

#endif  // CLIENTELE_COMMON_LOG_LOG_APPLIER_H_
