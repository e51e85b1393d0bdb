// KvStore on an embedded RocksDB instance: one per service, one column family per
// entry of the service's registry.
#ifndef CLIENTELE_COMMON_STORAGE_ROCKSDB_STORE_H_
#define CLIENTELE_COMMON_STORAGE_ROCKSDB_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/storage/kv_store.h"

namespace clientele::storage {

struct RocksDbOptions {
  std::string path;  // Created if missing, with its parents.
  // Names the store in errors ("store ingest: ..."); default: the last component of path.
  std::string name;
  std::vector<ColumnFamilySpec> column_families;
  // fsync the WAL on every write (survives power loss). Off: survives process crashes.
  bool sync_writes = false;
  size_t write_buffer_bytes = 64 << 20;
  // Opens for reading only (checks, tools): nothing is written, the WAL is replayed in
  // memory, and Write / Flush fail.
  bool read_only = false;
};

// The memory every store of this process may hold in memtables together (RocksDB's
// WriteBufferManager, shared by the stores opened after the call): when their sum passes it,
// the store being written flushes its largest memtable. Without it each column family could
// hold two 64 MiB memtables, ~1 GiB for the column families an ingest load writes, which
// looked like a leak under load (issue 12, defect 11). Default 64 MiB: a 10-minute soak then
// grows RSS 4.9% after warm-up (256 MiB: 20.3%), and a 1M-record identity import takes ~12%
// longer than with 256 MiB (bench/RESULTS.md); 0 means no bound. Call before opening stores
// (clienteled's --memtable_budget_mb).
void SetProcessMemtableBudget(size_t bytes);
size_t ProcessMemtableBudget();

// Opens (or creates) the database at options.path with exactly the given column families
// (column families found on disk but not declared are opened too and left alone).
absl::StatusOr<std::unique_ptr<KvStore>> OpenRocksDbStore(const RocksDbOptions& options);

}  // namespace clientele::storage

#endif  // CLIENTELE_COMMON_STORAGE_ROCKSDB_STORE_H_
