// A small storage interface over an ordered key-value store with column families.
// Domain code sees only this header; RocksDB types stay inside rocksdb_store.cc.
//
// Column families are declared by each service in one registry (an array of
// ColumnFamilySpec) and referred to by their index in it (ColumnFamilyId).
#ifndef CLIENTELE_COMMON_STORAGE_KV_STORE_H_
#define CLIENTELE_COMMON_STORAGE_KV_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace clientele::storage {

using ColumnFamilyId = int;

struct ColumnFamilySpec {
  std::string name;
  // Point lookups of absent keys are frequent (e.g. deduplication): keep a bloom filter.
  bool bloom_filter = false;
  // Keys are removed by ranges (WriteBatch::DeleteRange), which is refused elsewhere. Such a
  // family's memtable inserts without position hints: RocksDB 7.8 shares a memtable's hints
  // between its point and range-deletion tables, and a range deletion then corrupts the memtable
  // (an assertion in RocksDB's debug build). Keys written in order (the log) lose nothing:
  // RocksDB keeps its own position for sequential inserts.
  bool range_deletions = false;
};

// A set of changes applied atomically by KvStore::Write. Not thread-safe.
class WriteBatch {
 public:
  virtual ~WriteBatch() = default;
  virtual void Put(ColumnFamilyId cf, std::string_view key, std::string_view value) = 0;
  virtual void Delete(ColumnFamilyId cf, std::string_view key) = 0;
  // Removes every key of `cf` in [begin, end) when the batch is written (one range tombstone,
  // however many keys it covers), atomically with the batch's other changes. The removed
  // values' bytes stay in the store's files until KvStore::PurgeDeletedRange.
  // FailedPrecondition (the batch unchanged) unless `cf` was declared with range_deletions.
  // Default: Unimplemented (a batch that cannot, e.g. one that reorders its changes).
  virtual absl::Status DeleteRange(ColumnFamilyId /*cf*/, std::string_view /*begin*/,
                                   std::string_view /*end*/) {
    return absl::UnimplementedError("this write batch cannot delete key ranges");
  }
  virtual int Count() const = 0;
  virtual size_t ByteSize() const = 0;
  virtual void Clear() = 0;
};

// Iterates one column family in key order within [lower_bound, upper_bound).
class KvIterator {
 public:
  virtual ~KvIterator() = default;
  virtual void Seek(std::string_view key) = 0;
  virtual void SeekToLast() = 0;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;
  // REQUIRES: Valid(). The views stay valid until the iterator moves.
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // Non-OK if iteration stopped because of an error rather than the end of the range.
  virtual absl::Status status() const = 0;
};

struct IteratorBounds {
  std::string lower_bound;  // Inclusive; empty means the first key.
  std::string upper_bound;  // Exclusive; empty means past the last key.
};

// Thread-safe: Write, Get, MultiGet and NewIterator may be called concurrently.
class KvStore {
 public:
  virtual ~KvStore() = default;

  virtual std::unique_ptr<WriteBatch> NewWriteBatch() const = 0;

  // Applies `batch` atomically. When it returns OK the changes are in the write-ahead
  // log: they survive a crash of this process (and, with sync_writes, of the machine).
  virtual absl::Status Write(WriteBatch& batch) = 0;

  // std::nullopt when the key is absent.
  virtual absl::StatusOr<std::optional<std::string>> Get(ColumnFamilyId cf,
                                                         std::string_view key) const = 0;

  // One result per key, in order.
  virtual std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      ColumnFamilyId cf, const std::vector<std::string>& keys) const = 0;

  // The iterator sees a consistent snapshot taken now. It must not outlive the store.
  virtual std::unique_ptr<KvIterator> NewIterator(ColumnFamilyId cf,
                                                  IteratorBounds bounds = {}) const = 0;

  // Flushes memtables to SST files and syncs the WAL (graceful shutdown).
  virtual absl::Status Flush() = 0;

  // Makes data deleted before the call unrecoverable from the store's files (erasure,
  // docs/privacy.md): flushes every column family, so that the write-ahead log files that held
  // the deleted values become obsolete and are removed, then rewrites every SST file of `cfs`
  // (a full compaction with the bottommost level forced), so that no file keeps a deleted value
  // or its tombstone's shadowed version. Files still pinned by an open iterator or snapshot are
  // removed when it is released. Blocking and costly (it rewrites `cfs` whole): for erasure
  // requests, not for the write path. Default: nothing to purge.
  virtual absl::Status PurgeDeleted(const std::vector<ColumnFamilyId>& /*cfs*/) {
    return absl::OkStatus();
  }

  // PurgeDeleted for one key range: makes the values deleted from [begin, end) of `cf` before
  // the call unrecoverable from the store's files. Flushes every column family (so the
  // write-ahead log files that held them become obsolete and are removed), then compacts the
  // files of `cf` overlapping the range with the bottommost level forced, so that no SST file
  // keeps a deleted value or its range tombstone. Files pinned by an open iterator or snapshot
  // are removed when it is released. Blocking; costs what the overlapping files hold (not the
  // whole column family). Default: nothing to purge.
  virtual absl::Status PurgeDeletedRange(ColumnFamilyId /*cf*/, std::string_view /*begin*/,
                                         std::string_view /*end*/) {
    return absl::OkStatus();
  }

  // OK until the store has seen damaged data (a checksum mismatch or a malformed record in
  // a read, a write or a background compaction); from then on the first such error, as
  // DataLoss naming the store. Health checks turn NOT_SERVING on it. Default: always OK.
  virtual absl::Status Health() const { return absl::OkStatus(); }

  // Reads every stored block and compares it with its checksum (`clienteled --check`).
  // DataLoss naming the store and the damaged file on the first mismatch. Slow: reads
  // everything. Default: nothing to verify.
  virtual absl::Status VerifyChecksums() { return absl::OkStatus(); }

  // Callers that find damaged data above the storage layer (a stored record that does not
  // parse) report it here, so that Health() reports it too.
  virtual void ReportCorruption(const absl::Status& /*status*/) {}
};

}  // namespace clientele::storage

#endif  // CLIENTELE_COMMON_STORAGE_KV_STORE_H_
