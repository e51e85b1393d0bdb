// The subjects' data keys and the suppressions of erased subjects: ingest's key store, its own
// RocksDB (<data_dir>/ingest-keys, opened with sync_writes so that a key is on disk before the
// log entry sealed with it).
//
//   data_keys    [32-byte subject reference] -> 32 random bytes (the AES-256 data key)
//   suppressions [32-byte subject reference] -> privacy.v1.Suppression bytes (no hash field)
//   meta         "salt"                      -> 32 random bytes, written once per node
//
// A subject is a customer source key (docs/ingest.md, "Sealed entries"). It is never stored:
// its reference is SHA-256(salt || system || 0x1f || id), the same salted hash that names its
// suppression, so neither this store nor a sealed log entry holds the key itself.
//
// Invariant: a reference has a data key or a suppression, never both (Shred deletes the key
// and adds the suppression in one write; a key is only created when there is no suppression).
//
// Thread-safety: Find may be called from any thread. LookupForAppend, CreateKeys, Shred and
// Lift must be serialized by the caller (EventLog's append lock), so that no event is sealed
// with a key a concurrent Shred deletes. ListSuppressions runs concurrently with all of them.
#ifndef CLIENTELE_INGEST_PRIVACY_SUBJECT_KEY_STORE_H_
#define CLIENTELE_INGEST_PRIVACY_SUBJECT_KEY_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clientele/common/v1/types.pb.h"
#include "clientele/privacy/v1/privacy.pb.h"
#include "common/storage/kv_store.h"
#include "ingest/privacy/data_key_cipher.h"

namespace clientele::ingest::privacy {

namespace privacy_v1 = ::clientele::privacy::v1;

inline constexpr size_t kSubjectRefBytes = 32;
inline constexpr char kKeyStoreDir[] = "ingest-keys";

enum KeyStoreColumnFamily : storage::ColumnFamilyId {
  kDataKeysCf = 0,
  kSuppressionsCf = 1,
  kKeyMetaCf = 2,
};

std::vector<storage::ColumnFamilySpec> KeyStoreColumnFamilies();

class SubjectKeyStore {
 public:
  // `store` (holding KeyStoreColumnFamilies()) must outlive the result. Reads the node's salt,
  // or makes and writes it when the store is new.
  static absl::StatusOr<std::unique_ptr<SubjectKeyStore>> Open(storage::KvStore* store);

  // The subject's reference (kSubjectRefBytes): the key of its data key and its suppression.
  std::string Reference(const common::v1::SourceKey& subject) const;

  // What the append path knows of one reference.
  struct Lookup {
    std::optional<DataKey> key;  // Set when the subject has a data key.
    bool suppressed = false;     // The subject was erased; its events are rejected.
  };
  // One Lookup per reference, from the cache and one MultiGet per column family for the rest.
  absl::Status LookupForAppend(const std::vector<std::string>& refs,
                               std::vector<Lookup>* out) const;
  // Writes new data keys (synced, in one write) and caches them.
  absl::Status CreateKeys(const std::vector<std::pair<std::string, DataKey>>& keys);

  // The data key of `ref`, or nullopt once it is shredded (or was never made).
  absl::StatusOr<std::optional<DataKey>> Find(std::string_view ref) const;

  // Erasure: deletes the data keys of `subjects` (reference, partition) and suppresses them,
  // in one synced write; the cache forgets them. Returns how many data keys were deleted.
  // Suppressions already present keep their first date and request.
  absl::StatusOr<int64_t> Shred(const std::vector<std::pair<std::string, uint32_t>>& subjects,
                                const std::string& request_id, absl::Time now);
  // Deletes the suppression of `ref`; false when there was none.
  absl::StatusOr<bool> Lift(std::string_view ref);

  // One page in hash order; page_token is the hex hash to start from ("": the first).
  absl::StatusOr<privacy_v1::ListSuppressionsResponse> ListSuppressions(
      int page_size, const std::string& page_token) const;

  // Leaves no byte of a shredded key or lifted suppression in the store's files
  // (KvStore::PurgeDeleted of both column families).
  absl::Status PurgeDeleted();

 private:
  SubjectKeyStore(storage::KvStore* store, std::string salt)
      : store_(store), salt_(std::move(salt)) {}

  // Caches `key` unless a Shred ran since `generation` was read.
  void Remember(std::string_view ref, const DataKey& key, uint64_t generation) const;

  storage::KvStore* const store_;  // Not owned.
  const std::string salt_;

  mutable absl::Mutex cache_mu_;
  // Bounded: cleared when it reaches its size limit.
  mutable absl::flat_hash_map<std::string, DataKey> cache_ ABSL_GUARDED_BY(cache_mu_);
  // Incremented by every Shred, so a reader that fetched a key before it cannot cache it after.
  uint64_t generation_ ABSL_GUARDED_BY(cache_mu_) = 0;
};

}  // namespace clientele::ingest::privacy

#endif  // CLIENTELE_INGEST_PRIVACY_SUBJECT_KEY_STORE_H_
