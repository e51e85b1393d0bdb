// The durable, ordered, partitioned event log at the heart of ingest.
//
// Append validates each event, routes it to its partition (common/log/partitioning.h),
// drops retries by event_id, assigns per-partition sequence numbers (1, 2, 3 ... without
// gaps) and writes accepted events, their dedup index entries and the dead letters of
// rejected ones in ONE atomic WriteBatch. When Append returns OK every accepted event is in
// RocksDB's write-ahead log and survives a crash of the process.
//
// Thread-safe. Appends are serialized (one writer at a time); reads and waits run
// concurrently with them.
#ifndef CLIENTELE_INGEST_EVENT_LOG_H_
#define CLIENTELE_INGEST_EVENT_LOG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "clientele/common/v1/event.pb.h"
#include "clientele/ingest/v1/ingest.pb.h"
#include "common/storage/kv_store.h"
#include "ingest/dead_letter_store.h"
#include "ingest/validation/event_validator.h"

namespace clientele::ingest {

struct EventLogOptions {
  uint32_t partition_count = 1;            // N of "partition p of N".
  std::vector<uint32_t> owned_partitions;  // Partitions this node serves; empty means all N.
  ValidationLimits limits;
};

struct AppendResult {
  enum class Outcome { kAccepted, kDuplicate, kRejected };
  Outcome outcome = Outcome::kRejected;
  uint32_t partition = 0;
  uint64_t sequence = 0;  // Accepted: assigned; duplicate: the original event's.
  Rejection rejection;    // Rejected only.
};

// What one Read call produced.
struct ReadResult {
  int entries = 0;                // Entries passed to the callback.
  uint64_t through_sequence = 0;  // All sequences <= this were delivered or filtered out.
};

class EventLog {
 public:
  // `store` must outlive the log and hold IngestColumnFamilies().
  static absl::StatusOr<std::unique_ptr<EventLog>> Open(storage::KvStore* store,
                                                        EventLogOptions options);

  // Appends `events` in order; `results` gets one entry per event. `client_rejections`
  // (file rows the client could not parse) are stored as dead letters in the same batch.
  // Returns non-OK (and acknowledges nothing) only if the write itself failed.
  absl::Status Append(
      absl::Span<const common::v1::Event* const> events,
      const google::protobuf::RepeatedPtrField<v1::ClientRejection>& client_rejections,
      absl::Time now, std::vector<AppendResult>* results);

  // Calls `sink` with the stored bytes of a v1::LogEntry for each event of `partition` with
  // sequence >= from_sequence whose payload type is in `types` (empty: all), in order, up to
  // `max_entries` entries (and a bounded number of skipped ones).
  absl::StatusOr<ReadResult> Read(uint32_t partition, uint64_t from_sequence, int max_entries,
                                  absl::Span<const common::v1::PayloadType> types,
                                  const std::function<void(std::string_view)>& sink) const;

  // Blocks until the partition's last sequence is >= `sequence`, the deadline passes, or
  // Close() is called. Returns the last sequence then.
  uint64_t WaitForSequence(uint32_t partition, uint64_t sequence, absl::Time deadline) const;

  // Wakes every waiter for good (shutdown).
  void Close();
  bool closed() const;

  uint32_t partition_count() const { return options_.partition_count; }
  const std::vector<uint32_t>& owned_partitions() const { return owned_; }
  bool Owns(uint32_t partition) const;
  // 0 when the partition is empty or not owned.
  uint64_t FirstSequence(uint32_t partition) const;
  uint64_t LastSequence(uint32_t partition) const;

  DeadLetterStore& dead_letters() { return dead_letters_; }

 private:
  EventLog(storage::KvStore* store, EventLogOptions options, std::vector<uint32_t> owned,
           std::vector<uint64_t> first, std::vector<uint64_t> last, DeadLetterStore dead_letters);

  storage::KvStore* const store_;  // Not owned.
  const EventLogOptions options_;
  const std::vector<uint32_t> owned_;
  std::vector<char> owns_;  // Indexed by partition; immutable after construction.

  absl::Mutex append_mu_;  // Serializes appends; held across the write.
  DeadLetterStore dead_letters_;

  mutable absl::Mutex state_mu_;
  std::vector<uint64_t> first_ ABSL_GUARDED_BY(state_mu_);  // Indexed by partition.
  std::vector<uint64_t> last_ ABSL_GUARDED_BY(state_mu_);
  bool closed_ ABSL_GUARDED_BY(state_mu_) = false;
};

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_EVENT_LOG_H_
