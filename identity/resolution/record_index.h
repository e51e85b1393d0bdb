// RecordIndex: the resolver's in-memory view of every source record and profile.
//
// Records are numbered densely in arrival order (a record's index never changes) and hold the
// normalized PersonRecord, the profile they belong to and their consent events. Profiles are
// numbered densely too (NewProfileNumber counts up) and hold their members, creation time and
// aliases (profiles merged into them). Beside them: the source key -> record map, the blocking
// index (blocking key -> records) and the e-mail / phone -> records maps for lookups.
//
// Memory only: the stored form is written by the parts that change it (ProfileWriter, the
// log application); Load rebuilds everything from the store. The blocking index derives from
// the records (BlockingKeys is a pure function of the PersonRecord), so it is not stored.
//
//   RecordIndex index;
//   CLT_RETURN_IF_ERROR(index.Load(store, matcher));
//   const uint32_t* r = index.FindRecord("shop/42");
//   uint64_t profile = r ? index.record(*r).profile : 0;
//
// Not thread-safe: the Resolver guards it with its lock (const methods under the reader lock).
// References to records stay valid until Clear (records never move); references to profiles
// until a profile with a larger number is created.
#ifndef CLIENTELE_IDENTITY_RESOLUTION_RECORD_INDEX_H_
#define CLIENTELE_IDENTITY_RESOLUTION_RECORD_INDEX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "clientele/identity/v1/identity.pb.h"
#include "common/storage/kv_store.h"
#include "identity/matching/person_record.h"
#include "identity/resolution/internal/blocking_index.h"
#include "identity/resolution/internal/chunked_vector.h"
#include "identity/resolution/internal/dense_id_map.h"
#include "identity/resolution/record_matcher.h"

namespace clientele::identity {

struct IndexedRecord {
  std::string key;  // "system/id"
  PersonRecord person;
  uint64_t profile = 0;
  std::vector<v1::ConsentEvent> consents;  // Ledger order.
};

struct IndexedProfile {
  std::vector<uint32_t> members;  // Record indexes, in joining order.
  absl::Time created_at;
  std::vector<uint64_t> aliases;  // Sorted.
};

class RecordIndex {
 public:
  using Profiles = resolution_internal::DenseIdMap<IndexedProfile>;

  RecordIndex() = default;
  RecordIndex(const RecordIndex&) = delete;
  RecordIndex& operator=(const RecordIndex&) = delete;

  // ---- Records ----
  size_t record_count() const { return records_.size(); }
  // REQUIRES: index < record_count().
  IndexedRecord& record(uint32_t index) { return records_[index]; }
  const IndexedRecord& record(uint32_t index) const { return records_[index]; }
  // The index of the record with source key `key`, or nullptr. Valid until the next AddRecord.
  const uint32_t* FindRecord(const std::string& key) const {
    auto it = record_index_.find(key);
    return it == record_index_.end() ? nullptr : &it->second;
  }
  bool HasRecord(const std::string& key) const { return record_index_.contains(key); }
  // Starts loading the key map's slot of `key` into the cache (the map is far larger than it).
  void PrefetchKey(const std::string& key) const { record_index_.prefetch(key); }
  // Appends a record with source key `key` (not present yet), in no profile, and returns its
  // index.
  uint32_t AddRecord(const std::string& key);

  // ---- Blocking and contact indexes ----
  const resolution_internal::BlockingIndex& blocking() const { return blocks_; }
  resolution_internal::BlockingIndex& blocking() { return blocks_; }
  // Adds record `index` to (add) or removes it from the e-mail and phone maps, under its
  // current PersonRecord's values.
  void IndexContacts(uint32_t index, bool add);
  // The records with this normalized e-mail (phone: E.164), in indexing order; nullptr if none.
  const std::vector<uint32_t>* RecordsWithEmail(const std::string& email) const;
  const std::vector<uint32_t>* RecordsWithPhone(const std::string& phone) const;

  // ---- Profiles ----
  Profiles& profiles() { return profiles_; }
  const Profiles& profiles() const { return profiles_; }
  size_t profile_count() const { return profiles_.size(); }
  // Resolves an alias to its survivor; `number` itself if it is a profile; 0 otherwise.
  uint64_t Canonical(uint64_t number) const {
    if (profiles_.count(number)) return number;
    auto it = aliases_.find(number);
    return it == aliases_.end() ? 0 : it->second;
  }
  // Records that `alias` now resolves to `survivor`.
  void SetAlias(uint64_t alias, uint64_t survivor) { aliases_[alias] = survivor; }
  // The next profile number (counting up from 1); the caller creates the profile.
  uint64_t NewProfileNumber() { return next_profile_++; }
  uint64_t next_profile() const { return next_profile_; }
  void set_next_profile(uint64_t next) { next_profile_ = next; }
  // The persons of the first `cap` members of `profile` (none if it does not exist). Pointers
  // stay valid while the records exist.
  std::vector<const PersonRecord*> MemberPersons(uint64_t profile, size_t cap) const;

  // ---- Lifecycle ----
  // Forgets everything (next_profile back to 1).
  void Clear();
  // Clears, then loads the records, their profiles (record_profile for records stored before
  // StoredRecord held it), the profiles and the aliases from `store`, and rebuilds the blocking
  // index with `matcher`'s keys and the contact maps. Not the consents nor the counter (their
  // owners load them). DataLoss naming the entry for a corrupt store.
  absl::Status Load(storage::KvStore& store, const RecordMatcher& matcher);

 private:
  // Appending never moves the entries (see ChunkedVector).
  resolution_internal::ChunkedVector<IndexedRecord> records_;
  absl::flat_hash_map<std::string, uint32_t> record_index_;
  resolution_internal::BlockingIndex blocks_;
  absl::flat_hash_map<std::string, std::vector<uint32_t>> by_email_;
  absl::flat_hash_map<std::string, std::vector<uint32_t>> by_phone_;
  // By number (dense: NewProfileNumber counts up): one index per lookup, ordered for paging.
  Profiles profiles_;
  absl::flat_hash_map<uint64_t, uint64_t> aliases_;  // -> survivor
  uint64_t next_profile_ = 1;
};

// DataLoss "identity store: <what>", the error of every corrupt-store check.
absl::Status CorruptIdentityStore(const std::string& what);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_RECORD_INDEX_H_
