// Keeps every rejected event (or unparsable file row) with its reason, oldest first.
// Dead letters are never dropped; ids are 1, 2, 3 ... in rejection order.
//
// Not thread-safe on its own: EventLog serializes Add under its append lock; List may run
// concurrently with Add (it reads a snapshot).
#ifndef CLIENTELE_INGEST_DEAD_LETTER_STORE_H_
#define CLIENTELE_INGEST_DEAD_LETTER_STORE_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "clientele/ingest/v1/ingest.pb.h"
#include "common/storage/kv_store.h"

namespace clientele::ingest {

class DeadLetterStore {
 public:
  // Recovers the last id from `store`.
  static absl::StatusOr<DeadLetterStore> Open(storage::KvStore* store);
  DeadLetterStore(DeadLetterStore&& other) noexcept
      : store_(other.store_), last_id_(other.last_id_.load()) {}

  // Assigns the next id to `letter` and adds it to `batch`. The id becomes visible to
  // List once the batch is written; call Rollback(ids) if the write fails.
  void Add(v1::DeadLetter letter, storage::WriteBatch& batch);
  void Rollback(uint64_t last_id_before) { last_id_.store(last_id_before); }
  uint64_t last_id() const { return last_id_.load(); }

  // One page, oldest first. page_token is the decimal id to start from ("" = the first).
  absl::StatusOr<v1::ListRejectedResponse> List(int page_size, const std::string& page_token) const;

 private:
  DeadLetterStore(storage::KvStore* store, uint64_t last_id) : store_(store), last_id_(last_id) {}

  storage::KvStore* store_;  // Not owned.
  std::atomic<uint64_t> last_id_;
};

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_DEAD_LETTER_STORE_H_
