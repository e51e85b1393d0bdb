// The identity service's RocksDB column families (one registry, kvrocks style) and key layout.
// A source key is written "system/id" (system names hold no '/'); a profile number is the
// counter behind its id "P%010u".
//
//   records         [source key]                     -> StoredRecord
//   record_profile  [source key]                     -> [u64 profile]   (read on open for records
//                   written before StoredRecord.profile; no longer written)
//   profile_members (unused: members derive from the records' profiles on open; earlier versions
//                   wrote it, so it stays registered for their stores to open)
//   profiles        [u64 profile]                    -> StoredProfile
//   aliases         [u64 alias]                      -> [u64 surviving profile]
//   blocking        (unused: the blocking index is rebuilt from `records` on open)
//   do_not_link     [source key a][0x00][source key b] -> ""   (a < b)
//   audit           [u64 audit id]                   -> identity.v1.AuditEntry, for automatic
//                   decisions + StoredAuditExplanation (explanation as pattern + model version)
//   audit_by_profile [u64 profile][u64 audit id]     -> ""
//   consents        [source key][0x00][u64 ledger id] -> identity.v1.ConsentEvent
//   model           "em"                             -> StoredModel
//                   "em/" [u32 version]              -> the matcher's EncodeModel (a snapshot
//                   that audit entries' compact explanations refer to; never rewritten)
//   meta            "next_profile" | "next_audit" | "next_consent" -> [u64];
//                   "idem/<key>"                     -> [u8 kind] + response bytes;
//                   "consent_proof_salt"             -> 32 random bytes (made by erasure)
//   progress        (LogConsumer's applied sequences)
//   consent_proofs  [32-byte salted SHA-256 of an erased source key][u64 ledger id]
//                   -> resolution.ConsentProof (the consent ledger of an erased record without
//                   PII; the salt is meta "consent_proof_salt", identity/privacy/consent_proof.h)
//   changes         [u64 change sequence]            -> identity.v1.Change (the primary's change
//                   log for read replicas; head and last erasure change in `progress`,
//                   identity/replication/change_log_store.h)
#ifndef CLIENTELE_IDENTITY_RESOLUTION_IDENTITY_SCHEMA_H_
#define CLIENTELE_IDENTITY_RESOLUTION_IDENTITY_SCHEMA_H_

#include <vector>

#include "common/storage/kv_store.h"

namespace clientele::identity {

enum IdentityColumnFamily : storage::ColumnFamilyId {
  kRecordsCf = 0,
  kRecordProfileCf = 1,
  kProfileMembersCf = 2,
  kProfilesCf = 3,
  kAliasesCf = 4,
  kBlockingCf = 5,
  kDoNotLinkCf = 6,
  kAuditCf = 7,
  kAuditByProfileCf = 8,
  kConsentsCf = 9,
  kModelCf = 10,
  kMetaCf = 11,
  kProgressCf = 12,
  kConsentProofsCf = 13,
  kChangesCf = 14,
};

inline std::vector<storage::ColumnFamilySpec> IdentityColumnFamilies() {
  return {
      {"records", true},
      {"record_profile", true},
      {"profile_members", false},
      {"profiles", false},
      {"aliases", false},
      {"blocking", false},
      {"do_not_link", false},
      {"audit", false},
      {"audit_by_profile", false},
      {"consents", false},
      {"model", false},
      {"meta", false},
      {"progress", false},
      {"consent_proofs", false},
      {"changes", false, /*range_deletions=*/true},
  };
}

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_IDENTITY_SCHEMA_H_
