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
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "clientele/common/v1/event.pb.h"
#include "clientele/ingest/v1/ingest.pb.h"
#include "common/log/log_writer.h"
#include "common/storage/kv_store.h"
#include "ingest/dead_letter_store.h"
#include "ingest/privacy/subject_key_store.h"
#include "ingest/validation/event_validator.h"

namespace clientele::ingest {

struct EventLogOptions {
  uint32_t partition_count = 1;            // N of "partition p of N".
  std::vector<uint32_t> owned_partitions;  // Partitions this node serves; empty means all N.
  ValidationLimits limits;
  // The subjects' data keys and suppressions (not owned; outlives the log). When set, the
  // log entry of every event with a subject is sealed with its subject's key
  // (sealed_log_entry.h), and events of suppressed subjects are rejected ("erased_subject").
  // When null nothing is sealed (and reading a sealed entry fails with FailedPrecondition).
  privacy::SubjectKeyStore* keys = nullptr;
  // An external log (Kafka, not owned; outlives the log). When set, accepted entries go there
  // instead of into the store: validation, deduplication and dead letters stay here, an
  // event's id is recorded only once the external log acknowledged it (its sequence is the
  // external position), an event it did not take is kUnavailable, and Read fails with
  // FailedPrecondition (consumers read the external log). Entries are sealed at sequence 0
  // (their position is not known before the append; docs/ingest.md, "Kafka").
  log::LogWriter* external = nullptr;
};

// The code of events whose subject was erased (EraseSubjects) and is still suppressed.
inline constexpr char kErasedSubjectCode[] = "erased_subject";

// What EraseSubjects did.
struct EraseResult {
  int64_t keys_deleted = 0;  // Data keys, dead letters and their dedup keys deleted.
  // The last sequence of every owned partition once the keys were shredded.
  std::map<uint32_t, uint64_t> last_sequences;
};

struct AppendResult {
  // kConflict: the event_id was accepted before with another payload; not stored (a dead
  // letter with code "conflict" keeps it). kUnavailable: the external log did not take it
  // (rejection.reason says why); not stored, not recorded as seen: the caller resends it.
  enum class Outcome { kAccepted, kDuplicate, kRejected, kConflict, kUnavailable };
  Outcome outcome = Outcome::kRejected;
  uint32_t partition = 0;
  uint64_t sequence = 0;  // Accepted: assigned; duplicate, conflict: the original event's.
  Rejection rejection;    // Rejected and conflict only.
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
  // Events carrying the same file row (Origin source name and row) are all-or-nothing: when
  // one is rejected, so are the others (code "row_rejected"). A retry of an accepted
  // event_id is a duplicate when its payload is the same, a conflict when it differs.
  // Returns non-OK (and acknowledges nothing) only if the write itself failed, or DataLoss
  // while a partition of the events is fenced (FenceDataLoss).
  absl::Status Append(
      absl::Span<const common::v1::Event* const> events,
      const google::protobuf::RepeatedPtrField<v1::ClientRejection>& client_rejections,
      absl::Time now, std::vector<AppendResult>* results);

  // Erasure of subjects (customer source keys; those of partitions this node does not own are
  // ignored): suppresses them (their new events are rejected with code "erased_subject"),
  // shreds their data keys (their sealed entries read back as `erased` from then on), deletes
  // their dead letters (letters of their events, and client rejections whose raw row holds a
  // subject's id as a whole field or a quoted string), then purges what held them
  // (KvStore::PurgeDeleted of the key store and the dead-letter column families). Serialized
  // with appends: every entry up to `last_sequences` that has one of the subjects is sealed
  // with a shredded key, and no later one has them. Idempotent. FailedPrecondition without a
  // key store.
  absl::StatusOr<EraseResult> EraseSubjects(absl::Span<const common::v1::SourceKey> subjects,
                                            const std::string& request_id, absl::Time now);
  // Lets events of `subject` in again (with a new data key). False when it was not suppressed.
  absl::StatusOr<bool> LiftSuppression(const common::v1::SourceKey& subject);
  // Null when the log was opened without one.
  privacy::SubjectKeyStore* keys() const { return options_.keys; }

  // Calls `sink` with the bytes of a v1::LogEntry for each event of `partition` with
  // sequence >= from_sequence whose payload type is in `types` (empty: all), in order, up to
  // `max_entries` entries (and a bounded number of skipped ones). Plain stored entries are
  // passed as stored; sealed ones opened (or, once their key is shredded, as the `erased`
  // entry: sealed_log_entry.h); a sealed entry that does not authenticate is damage. `sink` returns
  // false when the bytes are not a LogEntry of that partition and sequence: Read then stops with
  // DataLoss naming the partition and sequence, and the store's health reports it. Nothing
  // is ever skipped. DataLoss too while the partition is fenced (FenceDataLoss).
  // FailedPrecondition (BehindRetentionError) when from_sequence is below the first retained
  // sequence (RemoveThrough).
  absl::StatusOr<ReadResult> Read(
      uint32_t partition, uint64_t from_sequence, int max_entries,
      absl::Span<const common::v1::PayloadType> types,
      const std::function<bool(uint64_t sequence, std::string_view entry)>& sink) const;

  // The partition's log ends before a position that a consumer has already applied: the
  // store recovered to an earlier point than its consumers (a lost WAL or SST file, an
  // older backup). From now on appends of events of `partition` and reads of it fail with
  // `status` (DataLoss) instead of handing out sequence numbers the consumer has seen, until
  // ClearDataLossFence (an operator removed the consumers that are ahead).
  void FenceDataLoss(uint32_t partition, absl::Status status);
  void ClearDataLossFence(uint32_t partition);
  // OK, or the fence of `partition`.
  absl::Status DataLossFence(uint32_t partition) const;

  // OK while every owned partition serves and the store has seen no damage.
  absl::Status Health() const;

  // Blocks until the partition's last sequence is >= `sequence`, the deadline passes, or
  // Close() is called. Returns the last sequence then.
  uint64_t WaitForSequence(uint32_t partition, uint64_t sequence, absl::Time deadline) const;

  // Wakes every waiter for good (shutdown).
  void Close();
  bool closed() const;

  uint32_t partition_count() const { return options_.partition_count; }
  // The external log, or null for the embedded one.
  log::LogWriter* external() const { return options_.external; }
  const std::vector<uint32_t>& owned_partitions() const { return owned_; }
  bool Owns(uint32_t partition) const;
  // The first retained sequence: the first stored one, or, once retention removed entries,
  // the first it kept (after it removed every entry: LastSequence() + 1, the next append's).
  // 0 when nothing was ever appended or the partition is not owned.
  uint64_t FirstSequence(uint32_t partition) const;
  // 0 when nothing was ever appended or the partition is not owned. Retention never lowers it.
  uint64_t LastSequence(uint32_t partition) const;

  // Log retention (ingest/retention/): removes the entries of `partition` with sequence <=
  // `through_sequence` in one write with the new first retained sequence (through_sequence + 1,
  // ingest/retention/log_retention_mark.h), so a restart knows they were removed on purpose.
  // From the call on, Read below it fails with FailedPrecondition. Their bytes stay in the
  // store's files until PurgeRemoved. OK and nothing done when through_sequence is below
  // FirstRetained; InvalidArgument beyond LastSequence or for a partition not owned. One
  // caller at a time (the retention sweeper); concurrent with appends and reads.
  absl::Status RemoveThrough(uint32_t partition, uint64_t through_sequence);
  // Makes the entries RemoveThrough removed from `partition` unrecoverable from the store's
  // files (KvStore::PurgeDeletedRange over them). Blocking.
  absl::Status PurgeRemoved(uint32_t partition);
  // The first sequence retention kept of `partition`; 1 while it removed nothing.
  uint64_t FirstRetained(uint32_t partition) const;

  DeadLetterStore& dead_letters() { return dead_letters_; }

 private:
  EventLog(storage::KvStore* store, EventLogOptions options, std::vector<uint32_t> owned,
           std::vector<uint64_t> first, std::vector<uint64_t> last,
           std::vector<uint64_t> first_retained, DeadLetterStore dead_letters);

  // Replaces `out` with the LogEntry bytes of the sealed `stored` at (partition, sequence):
  // false when it is damaged (malformed, or it does not authenticate).
  absl::StatusOr<bool> OpenSealed(std::string_view stored, uint32_t partition, uint64_t sequence,
                                  std::string* out) const;
  // A retry of an accepted event_id: a duplicate, or a conflict when the payload differs.
  static void MarkRetry(bool same_payload, AppendResult& r);
  // Dead letters of the rejected and conflicting events and of the client's rejections.
  absl::Status AddDeadLetters(
      absl::Span<const common::v1::Event* const> events, const std::vector<AppendResult>& results,
      const google::protobuf::RepeatedPtrField<v1::ClientRejection>& client_rejections,
      absl::Time now, storage::WriteBatch& batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);

  storage::KvStore* const store_;  // Not owned.
  const EventLogOptions options_;
  const std::vector<uint32_t> owned_;
  std::vector<char> owns_;  // Indexed by partition; immutable after construction.

  absl::Mutex append_mu_;  // Serializes appends; held across the write.
  DeadLetterStore dead_letters_;

  mutable absl::Mutex state_mu_;
  std::vector<uint64_t> first_ ABSL_GUARDED_BY(state_mu_);  // Indexed by partition.
  std::vector<uint64_t> last_ ABSL_GUARDED_BY(state_mu_);
  std::vector<absl::Status> fences_ ABSL_GUARDED_BY(state_mu_);  // Indexed by partition.
  // Indexed by partition: the first sequence retention kept (1: nothing removed).
  std::vector<uint64_t> first_retained_ ABSL_GUARDED_BY(state_mu_);
  bool closed_ ABSL_GUARDED_BY(state_mu_) = false;
};

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_EVENT_LOG_H_
