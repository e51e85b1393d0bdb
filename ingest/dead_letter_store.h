// Keeps every distinct rejected event (or unparsable file row) with its reason, oldest first.
// Dead letters are never dropped; ids are 1, 2, 3 ... in rejection order. A letter holds a
// bounded excerpt (an event above kMaxDeadLetterEventBytes is kept as the start of its JSON),
// and the same rejection coming again (a re-import of the same bad row) is counted on the
// stored letter (`repeats`) instead of being stored again.
//
// Not thread-safe on its own: EventLog serializes Add under its append lock; List may run
// concurrently with Add (it reads a snapshot).
#ifndef CLIENTELE_INGEST_DEAD_LETTER_STORE_H_
#define CLIENTELE_INGEST_DEAD_LETTER_STORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "clientele/ingest/v1/ingest.pb.h"
#include "common/storage/kv_store.h"

namespace clientele::ingest {

// Events larger than this are kept as an excerpt of their JSON of this many bytes.
inline constexpr size_t kMaxDeadLetterEventBytes = 4096;

class DeadLetterStore {
 public:
  // Recovers the last id from `store`.
  static absl::StatusOr<DeadLetterStore> Open(storage::KvStore* store);
  DeadLetterStore(DeadLetterStore&& other) noexcept
      : store_(other.store_),
        last_id_(other.last_id_.load()),
        pending_(std::move(other.pending_)) {}

  // Adds `letter` to `batch`: with the next id if it is new, else as one more repeat of the
  // stored one. Letters added since the last Commit/Rollback are known to later Adds. The id
  // becomes visible to List once the batch is written; then call Commit(), or Rollback(ids)
  // if the write failed.
  absl::Status Add(v1::DeadLetter letter, storage::WriteBatch& batch);
  void Commit() { pending_.clear(); }
  void Rollback(uint64_t last_id_before) {
    last_id_.store(last_id_before);
    pending_.clear();
  }
  uint64_t last_id() const { return last_id_.load(); }

  // One page, oldest first. page_token is the decimal id to start from ("" = the first).
  // A page ends before its letters' encoding exceeds `max_bytes` (0: 1 MiB; at most 4 MiB),
  // with at least one letter.
  absl::StatusOr<v1::ListRejectedResponse> List(int page_size, const std::string& page_token,
                                                int max_bytes = 0) const;

  // Adds to `batch` the deletion of every stored letter `doomed` accepts (and of its dedup
  // key); returns how many keys that deletes. Scans the whole store. Call under the same
  // serialization as Add (EventLog's append lock).
  absl::StatusOr<int64_t> DeleteIf(const std::function<bool(const v1::DeadLetter&)>& doomed,
                                   storage::WriteBatch& batch) const;

  // The identity of a rejection: source, row, event id, field, code and content.
  static uint64_t Fingerprint(const v1::DeadLetter& letter);

 private:
  DeadLetterStore(storage::KvStore* store, uint64_t last_id) : store_(store), last_id_(last_id) {}

  storage::KvStore* store_;  // Not owned.
  std::atomic<uint64_t> last_id_;
  // Letters added to the batch being built: fingerprint -> the letter (with its id).
  absl::flat_hash_map<uint64_t, v1::DeadLetter> pending_;
};

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_DEAD_LETTER_STORE_H_
