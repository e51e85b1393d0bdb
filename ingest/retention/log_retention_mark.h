// The durable record of what log retention removed: per partition, the first sequence it
// keeps ("first retained sequence"), in the log_retention column family (ingest_schema.h).
// Every entry below it was removed on purpose, so a log whose stored entries start at the
// mark (or that holds none, its end being mark - 1) lost nothing: EventLog::Open computes the
// log's end from it, and the data-loss fence (log_fence.h) compares consumers with that end.
// The mark and the range deletion are written in one batch (EventLog::RemoveThrough).
#ifndef CLIENTELE_INGEST_RETENTION_LOG_RETENTION_MARK_H_
#define CLIENTELE_INGEST_RETENTION_LOG_RETENTION_MARK_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/storage/kv_store.h"

namespace clientele::ingest {

// The first retained sequence of `partition`; 0 when retention never removed anything.
// DataLoss if the stored record is malformed.
absl::StatusOr<uint64_t> LoadFirstRetained(const storage::KvStore& store, uint32_t partition);

// Adds the record "`partition` keeps sequences >= first_retained" to `batch`.
void PutFirstRetained(uint32_t partition, uint64_t first_retained, storage::WriteBatch& batch);

// FailedPrecondition: `needed_sequence` of `partition` was removed by log retention (its first
// retained sequence is `first_retained`). Names `consumer` when not empty. The state of such a
// reader cannot be brought up to date from the log; it must be rebuilt another way
// (docs/ingest.md, "Retention").
absl::Status BehindRetentionError(uint32_t partition, uint64_t needed_sequence,
                                  uint64_t first_retained, const std::string& consumer = "");

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_RETENTION_LOG_RETENTION_MARK_H_
