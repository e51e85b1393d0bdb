// AuditLog: the identity service's audit trail, one entry per decision that created, linked,
// merged, split or held back a profile, numbered 1, 2, 3, ... and indexed by profile.
//
// Stored forms: audit [u64 id] -> v1::AuditEntry; audit_by_profile [u64 profile][u64 id] -> ""
// for each profile id the entry names; the counter meta "next_audit" is put by the Resolver
// with the others (next_id / set_next_id). An automatic decision's explanation is not stored
// whole: its entry carries a StoredAuditExplanation (the scored pair's comparison pattern and
// the version of the model snapshot that decided it, "em/<version>" in the model family) and
// Read expands it with that model, as the model was then.
//
//   v1::AuditEntry& entry = audit.NewEntry();  // On the batch arena.
//   entry.set_action(v1::AUDIT_ACTION_LINK);
//   audit.Append(entry, batch);
//
// Append and NewEntry: under the Resolver's write lock. Read reads the store only (no lock
// needed; the caller resolves the profile and its aliases under the reader lock). `store`,
// `matcher` and `arena` are not owned and outlive this object; entries from NewEntry live until
// the arena is reset (when the batch ends).
#ifndef CLIENTELE_IDENTITY_RESOLUTION_AUDIT_LOG_H_
#define CLIENTELE_IDENTITY_RESOLUTION_AUDIT_LOG_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clientele/identity/v1/identity.pb.h"
#include "common/storage/kv_store.h"
#include "google/protobuf/arena.h"
#include "identity/resolution/record_matcher.h"

namespace clientele::identity {

class AuditLog {
 public:
  AuditLog(storage::KvStore* store, const RecordMatcher* matcher, google::protobuf::Arena* arena)
      : store_(store), matcher_(matcher), arena_(arena) {}
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // An empty entry on the arena (log application: freed when the batch ends).
  v1::AuditEntry& NewEntry() {
    return *google::protobuf::Arena::CreateMessage<v1::AuditEntry>(arena_);
  }
  // Sets `entry`'s id to the next one and puts it, and its profile index entries, into
  // `batch`. Profile ids that do not parse are not indexed.
  void Append(v1::AuditEntry& entry, storage::WriteBatch& batch);
  // The same, storing the explanation as `pattern` decided by the model snapshot
  // `model_version` (stored already or in `batch`).
  void AppendExplained(v1::AuditEntry& entry, uint64_t pattern, uint32_t model_version,
                       storage::WriteBatch& batch);

  // The entries of `profiles` (a profile and its aliases) from id `from` on, in id order, at
  // most `page_size`; next_page_token is the next id when more remain. Compact explanations
  // are expanded. DataLoss for a missing or corrupt entry or model snapshot.
  absl::StatusOr<v1::GetAuditResponse> Read(const std::vector<uint64_t>& profiles, uint64_t from,
                                            int page_size) const;

  // Entries appended by action since the last TakeDecisionCounts (or ClearDecisionCounts, when
  // the batch they were in is dropped): the decisions a commit publishes.
  std::array<uint64_t, v1::AuditAction_ARRAYSIZE> TakeDecisionCounts() {
    std::array<uint64_t, v1::AuditAction_ARRAYSIZE> counts = decisions_;
    decisions_.fill(0);
    return counts;
  }
  void ClearDecisionCounts() { decisions_.fill(0); }

  // The id the next entry gets (meta "next_audit").
  uint64_t next_id() const { return next_id_; }
  void set_next_id(uint64_t next) { next_id_ = next; }

 private:
  void Put(v1::AuditEntry& entry, const uint64_t* pattern, uint32_t model_version,
           storage::WriteBatch& batch);

  storage::KvStore* const store_;         // Not owned.
  const RecordMatcher* const matcher_;    // Not owned.
  google::protobuf::Arena* const arena_;  // Not owned.
  uint64_t next_id_ = 1;
  std::array<uint64_t, v1::AuditAction_ARRAYSIZE> decisions_ = {};  // By action.
  std::string serialized_;                                          // Serialization buffer, reused.
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_AUDIT_LOG_H_
