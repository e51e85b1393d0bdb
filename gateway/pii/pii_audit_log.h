// The audit of PII reads: an append-only store of entries (time, key id, key name, role,
// method, profile ids, field names) in column families of the gateway's RocksDB store
// (<data_dir>/gateway), with queries by key, by profile and by time, paged.
//
// The log does not open a store of its own: whoever opens the gateway's store includes
// PiiAuditColumnFamilySpecs() in its registry and hands the log the store and the ids those
// families got, so API keys and the audit share one RocksDB instance:
//
//   std::vector<storage::ColumnFamilySpec> specs = {{"api_keys", true}};  // The store's own.
//   const storage::ColumnFamilyId first = specs.size();
//   for (const auto& spec : PiiAuditColumnFamilySpecs()) specs.push_back(spec);
//   storage::RocksDbOptions options;
//   options.path = data_dir + "/gateway";
//   options.column_families = specs;
//   CLT_ASSIGN_OR_RETURN(std::unique_ptr<storage::KvStore> store, OpenRocksDbStore(options));
//   CLT_ASSIGN_OR_RETURN(auto log, PiiAuditLog::Open(store.get(),
//                                                    PiiAuditColumnFamilies::Starting(first)));
//
// Key layout (big-endian: bytewise order is time order):
//   pii_audit             [u64 unix micros][u64 sequence]                -> v1.PiiAuditEntry
//   pii_audit_by_key      [u32 length][key id][u64 micros][u64 sequence]     -> ""
//   pii_audit_by_profile  [u32 length][profile id][u64 micros][u64 sequence] -> ""
// The sequence counts appends over the store's life (restored on open), so two entries of the
// same microsecond keep their order and never collide. Nothing is ever deleted or rewritten.
#ifndef CLIENTELE_GATEWAY_PII_PII_AUDIT_LOG_H_
#define CLIENTELE_GATEWAY_PII_PII_AUDIT_LOG_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clientele/gateway/v1/audit.pb.h"
#include "common/storage/kv_store.h"

namespace clientele::gateway {

// The audit's column families, in this order: "pii_audit", "pii_audit_by_key",
// "pii_audit_by_profile".
std::vector<storage::ColumnFamilySpec> PiiAuditColumnFamilySpecs();

// Where PiiAuditColumnFamilySpecs() landed in the store's registry.
struct PiiAuditColumnFamilies {
  storage::ColumnFamilyId entries = 0;
  storage::ColumnFamilyId by_key = 1;
  storage::ColumnFamilyId by_profile = 2;
  // The ids when the three specs were appended, in order, at index `first`.
  static PiiAuditColumnFamilies Starting(storage::ColumnFamilyId first) {
    return {first, first + 1, first + 2};
  }
};

// Thread-safe: Append and List may be called from many threads at once.
class PiiAuditLog {
 public:
  using Clock = std::function<absl::Time()>;

  // `store` is not owned and must outlive the log; its column families `families` must be
  // the ones PiiAuditColumnFamilySpecs() declares. `clock` stamps the entries.
  static absl::StatusOr<std::unique_ptr<PiiAuditLog>> Open(storage::KvStore* store,
                                                           PiiAuditColumnFamilies families,
                                                           Clock clock = absl::Now);

  // Appends one entry. `at` is kept when set and valid (the time of the read, as the caller
  // saw it), else set from the clock; `sequence` is set here (a given one is ignored). OK once
  // the entry is in the store's write-ahead log (it survives a crash of the process); an
  // error (the store's) means nothing was written.
  absl::Status Append(v1::PiiAuditEntry entry);

  // Entries oldest first that match every filter of `request` (key_id, profile_id, since),
  // at most page_size (0: 100, more than 1000: 1000), and the token of the next page.
  // INVALID_ARGUMENT naming the field for a negative page_size, an invalid `since` or a page
  // token this log did not make.
  absl::StatusOr<v1::ListPiiAuditResponse> List(const v1::ListPiiAuditRequest& request) const;

 private:
  PiiAuditLog(storage::KvStore* store, PiiAuditColumnFamilies families, Clock clock,
              uint64_t next_sequence);

  storage::KvStore* const store_;
  const PiiAuditColumnFamilies families_;
  const Clock clock_;
  std::atomic<uint64_t> next_sequence_;
  // Appends write one at a time: RocksDB would otherwise merge concurrent batches in one
  // writer's thread (group commit), synchronized inside the uninstrumented library, which
  // ThreadSanitizer reports as a race on the other thread's batch. An audit entry per PII read
  // is far below the rate where group commit would matter.
  absl::Mutex write_mu_;
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_PII_PII_AUDIT_LOG_H_
