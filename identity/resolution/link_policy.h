// LinkPolicy: when a record may join a profile and when two profiles may merge automatically,
// and the do-not-link constraints (vetoes) that manual splits leave behind.
//
// A record may join a profile (JoinVeto == kNone) unless one of its do-not-link records is a
// member, the profile already has max_auto_profile_size members, or a pair of the record and
// a member disagrees clearly (a score below conflict_weight, or a household conflict). Two
// profiles may merge (MergeVeto == kNone) unless a member of one has a do-not-link record in
// the other or together they pass max_auto_profile_size (kForbidden), or a pair of their
// members disagrees clearly (kDisagree). At most conflict_sample members per side are compared.
// Manual merges ignore the policy and remove the constraints between the two profiles.
//
// The constraints are kept in memory per record and stored as pairs in the do_not_link family
// ([source key a][0x00][source key b], a < b): AddDoNotLink / RemoveDoNotLinkBetween put the
// change into the caller's WriteBatch, Load reads them all.
//
// Reads `index` and `matcher` (not owned; both outlive this object). Not thread-safe: the
// Resolver guards it with its lock (const methods under the reader lock).
#ifndef CLIENTELE_IDENTITY_RESOLUTION_LINK_POLICY_H_
#define CLIENTELE_IDENTITY_RESOLUTION_LINK_POLICY_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "common/storage/kv_store.h"
#include "identity/matching/person_record.h"
#include "identity/resolution/record_index.h"
#include "identity/resolution/record_matcher.h"
#include "identity/resolution/resolver_options.h"

namespace clientele::identity {

class LinkPolicy {
 public:
  enum class Veto {
    kNone,
    kForbidden,  // A do-not-link constraint or the size cap.
    kDisagree,   // A pair of records disagrees clearly.
  };

  LinkPolicy(const RecordIndex* index, const RecordMatcher* matcher, const ResolverOptions& options)
      : index_(index),
        matcher_(matcher),
        conflict_weight_(options.conflict_weight),
        conflict_sample_(options.conflict_sample),
        max_auto_profile_size_(options.max_auto_profile_size) {}
  LinkPolicy(const LinkPolicy&) = delete;
  LinkPolicy& operator=(const LinkPolicy&) = delete;

  // Whether record `record` may join `profile` automatically (see the file comment).
  Veto JoinVeto(uint32_t record, uint64_t profile) const;
  // Whether profiles `a` and `b` may merge automatically. kForbidden if `a` does not exist.
  Veto MergeVeto(uint64_t a, uint64_t b) const;

  // False if a do-not-link record of `record` is a member of `profile`.
  bool MayJoin(uint32_t record, uint64_t profile) const;
  // False if some pair of `persons` x the first conflict_sample members of `profile`
  // disagrees clearly.
  bool Compatible(const std::vector<const PersonRecord*>& persons, uint64_t profile) const;

  // Records `a` and `b` must never be linked automatically again; puts the pair into `batch`.
  // Callers add a pair once.
  void AddDoNotLink(uint32_t a, uint32_t b, storage::WriteBatch& batch);
  // Removes every constraint between a member of `a` and a member of `b` (from memory and,
  // as deletes, from `batch`).
  void RemoveDoNotLinkBetween(uint64_t a, uint64_t b, storage::WriteBatch& batch);
  // The do-not-link records of `record` (empty if none).
  const std::vector<uint32_t>& DoNotLink(uint32_t record) const;

  void Clear() { do_not_link_.clear(); }
  // Clears, then loads the pairs of the do_not_link family. REQUIRES: the index is loaded.
  // DataLoss for a bad key or a pair naming an unknown record.
  absl::Status Load(storage::KvStore& store);

 private:
  const RecordIndex* const index_;      // Not owned.
  const RecordMatcher* const matcher_;  // Not owned.
  const double conflict_weight_;
  const size_t conflict_sample_;
  const size_t max_auto_profile_size_;
  // Record -> its do-not-link records (both directions). Only records with constraints.
  absl::flat_hash_map<uint32_t, std::vector<uint32_t>> do_not_link_;
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_LINK_POLICY_H_
