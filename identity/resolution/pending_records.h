// PendingRecords: the stored form (StoredRecord) of the records that the batch in progress
// read or changed. Log application writes batch N while it applies N + 1, so the newest state
// of a record may not be in the store yet: it is here, until the batch commits or aborts
// (Clear). Records marked changed are put into a WriteBatch once each by PutChanged.
//
//   CLT_ASSIGN_OR_RETURN(resolution::StoredRecord* stored, pending.ForChange(index));
//   stored->set_profile(p);
//   pending.MarkChanged(index);
//   ...
//   pending.PutChanged(batch);  // Then, once the batch is written or dropped:
//   pending.Clear();
//
// The messages live on `arena` (not owned; Clear resets it, so the arena must hold nothing
// that outlives the batch). Keys come from `index` (not owned). Both must outlive this object.
// Not thread-safe: the Resolver guards it with its lock (Get under the reader lock).
#ifndef CLIENTELE_IDENTITY_RESOLUTION_PENDING_RECORDS_H_
#define CLIENTELE_IDENTITY_RESOLUTION_PENDING_RECORDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "clientele/identity/resolution/identity_state.pb.h"
#include "common/storage/kv_store.h"
#include "google/protobuf/arena.h"
#include "identity/resolution/record_index.h"

namespace clientele::identity {

class PendingRecords {
 public:
  PendingRecords(storage::KvStore* store, const RecordIndex* index, google::protobuf::Arena* arena)
      : store_(store), index_(index), arena_(arena) {}
  PendingRecords(const PendingRecords&) = delete;
  PendingRecords& operator=(const PendingRecords&) = delete;

  // A copy of the newest stored form of record `index`: the pending one, else the store's.
  // DataLoss if the store has none or it does not parse.
  absl::StatusOr<resolution::StoredRecord> Get(uint32_t index) const;
  // The stored record of `index` for changing in the batch in progress: its pending entry,
  // else parsed from the store onto the arena and entered as pending. DataLoss as Get.
  absl::StatusOr<resolution::StoredRecord*> ForChange(uint32_t index);
  // A new empty message on the arena, for Add.
  resolution::StoredRecord* New() {
    return google::protobuf::Arena::CreateMessage<resolution::StoredRecord>(arena_);
  }
  // Enters `stored` (on the arena) as the pending stored record of `index`.
  void Add(uint32_t index, resolution::StoredRecord* stored) { pending_[index].stored = stored; }
  // The pending record of `index` (REQUIRES: entered) changed: PutChanged writes it.
  void MarkChanged(uint32_t index);
  // Puts every record marked changed since the last call into `batch` ("records" family),
  // once each.
  void PutChanged(storage::WriteBatch& batch);
  // Forgets the pending records (they are written, or memory is being reloaded) and resets
  // the arena.
  void Clear();

 private:
  struct Entry {
    resolution::StoredRecord* stored = nullptr;  // On arena_.
    bool changed = false;
  };

  storage::KvStore* const store_;         // Not owned.
  const RecordIndex* const index_;        // Not owned.
  google::protobuf::Arena* const arena_;  // Not owned.
  absl::flat_hash_map<uint32_t, Entry> pending_;
  std::vector<uint32_t> changed_;  // Marked since the last PutChanged.
  std::string serialized_;         // Serialization buffer, reused.
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_PENDING_RECORDS_H_
