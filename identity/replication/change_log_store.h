// ChangeLogStore: identity's store with its change log (docs/identity.md, "Read replicas").
//
// A KvStore decorator over the primary's RocksDB store. Every write batch that changes a
// replicated column family becomes one identity.v1.Change with the next change sequence
// (1, 2, ...), put into the change log column family *in the same batch* (so a change is in the
// log exactly when it is committed), together with the head sequence. The log keeps the last
// `retention` changes (older ones are removed by a range deletion every `trim_every` writes).
// Replicas read it (ReadChanges, WaitForChange) and bootstrap from a consistent snapshot of the
// replicated families (OpenSnapshot).
//
// Erasure: a batch that deletes from an `erasure_families` family (records, consents: only
// erasure deletes them) is an erasure change. PurgeDeleted (which the eraser calls after writing
// it) first removes every change up to and including the last erasure change from the log, so
// that no copy of the erased values, nor the erased keys, stays in the log; then purges the base
// store's files, the log's family included. A replica that had not applied that change finds its
// position gone (OutOfRange) and bootstraps again from the erased state.
//
//   CLT_ASSIGN_OR_RETURN(auto store, ChangeLogStore::Open(std::move(base), options));
//   Resolver::Open(store.get(), ...);               // every write is logged
//   CLT_ASSIGN_OR_RETURN(std::vector<v1::Change> changes, store->ReadChanges(after, 1 << 20));
//
// Thread-safe (writes are serialized by its lock so that sequences follow commit order).
#ifndef CLIENTELE_IDENTITY_REPLICATION_CHANGE_LOG_STORE_H_
#define CLIENTELE_IDENTITY_REPLICATION_CHANGE_LOG_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clientele/identity/v1/replication.pb.h"
#include "common/storage/kv_store.h"

namespace clientele::identity {

struct ChangeLogOptions {
  // The registry of the base store (names by ColumnFamilyId).
  std::vector<storage::ColumnFamilySpec> families;
  // [u64 sequence] -> Change. Must be declared with range_deletions.
  storage::ColumnFamilyId changes_cf = -1;
  // Where the head sequence and the last erasure change are kept (keys "change_log/head" and
  // "change_log/erasure"); a family that is not replicated.
  storage::ColumnFamilyId position_cf = -1;
  // Families whose writes are not logged nor in snapshots (the consumer's progress; the log).
  std::vector<storage::ColumnFamilyId> not_replicated;
  // A batch deleting from one of these is an erasure change.
  std::vector<storage::ColumnFamilyId> erasure_families;
  // Changes kept; 0: no change log (writes pass through, ReadChanges fails
  // FailedPrecondition).
  uint64_t retention = 10000;
  uint64_t trim_every = 256;  // Writes between two trims of the log.
};

// The change log of identity's own store (IdentityColumnFamilies): the consumer's progress and
// the log itself are not replicated, and a delete from the records or the consents is an
// erasure. Keeps `retention` changes.
ChangeLogOptions IdentityChangeLogOptions(uint64_t retention);

// A consistent view of every replicated family at one change sequence.
struct ChangeSnapshot {
  uint64_t sequence = 0;
  // (family, iterator over all of it), in registry order.
  std::vector<std::pair<storage::ColumnFamilyId, std::unique_ptr<storage::KvIterator>>> families;
};

class ChangeLogStore final : public storage::KvStore {
 public:
  // Reads the head from `base` (owned from now on).
  static absl::StatusOr<std::unique_ptr<ChangeLogStore>> Open(
      std::unique_ptr<storage::KvStore> base, ChangeLogOptions options);

  // ---- KvStore (reads and maintenance pass through) ----
  std::unique_ptr<storage::WriteBatch> NewWriteBatch() const override;
  // Logs the batch (see the file comment) and writes it. REQUIRES: `batch` from NewWriteBatch.
  absl::Status Write(storage::WriteBatch& batch) override;
  absl::StatusOr<std::optional<std::string>> Get(storage::ColumnFamilyId cf,
                                                 std::string_view key) const override {
    return base_->Get(cf, key);
  }
  std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      storage::ColumnFamilyId cf, const std::vector<std::string>& keys) const override {
    return base_->MultiGet(cf, keys);
  }
  std::unique_ptr<storage::KvIterator> NewIterator(storage::ColumnFamilyId cf,
                                                   storage::IteratorBounds bounds) const override {
    return base_->NewIterator(cf, std::move(bounds));
  }
  absl::Status Flush() override { return base_->Flush(); }
  // Trims the log through the last erasure change, then purges `cfs` and the log's family.
  absl::Status PurgeDeleted(const std::vector<storage::ColumnFamilyId>& cfs) override;
  absl::Status PurgeDeletedRange(storage::ColumnFamilyId cf, std::string_view begin,
                                 std::string_view end) override {
    return base_->PurgeDeletedRange(cf, begin, end);
  }
  absl::Status Health() const override { return base_->Health(); }
  absl::Status VerifyChecksums() override { return base_->VerifyChecksums(); }
  void ReportCorruption(const absl::Status& status) override { base_->ReportCorruption(status); }

  // ---- The change log ----
  bool enabled() const { return options_.retention > 0; }
  // The last committed change sequence (0: none yet).
  uint64_t head() const;
  // Changes after `after` in order, at most about `max_bytes` of them (at least one when there
  // is one); empty when `after` is the head. OutOfRange when change after + 1 is no longer kept
  // or `after` is past the head; FailedPrecondition when the log is off.
  absl::StatusOr<std::vector<v1::Change>> ReadChanges(uint64_t after, size_t max_bytes) const;
  // True once the head is past `after`; false at `deadline`.
  bool WaitForChange(uint64_t after, absl::Time deadline) const;
  // A snapshot of every replicated family (holds the write lock only while it takes it).
  ChangeSnapshot OpenSnapshot() const;
  // The name of family `cf` in the registry ("" if unknown).
  const std::string& family_name(storage::ColumnFamilyId cf) const;

 private:
  ChangeLogStore(std::unique_ptr<storage::KvStore> base, ChangeLogOptions options);
  bool Replicated(storage::ColumnFamilyId cf) const;

  const std::unique_ptr<storage::KvStore> base_;
  const ChangeLogOptions options_;
  std::vector<bool> replicated_;  // By ColumnFamilyId.
  std::vector<bool> erasure_;     // By ColumnFamilyId.
  mutable absl::Mutex mu_;
  uint64_t head_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t last_erasure_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t writes_since_trim_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_REPLICATION_CHANGE_LOG_STORE_H_
