// Erasure of data subjects from identity's store (docs/identity.md, "Erasure"): everything
// identity holds about the persons, so that no read knows of them and no file of the store
// keeps their values.
//
// For each subject (privacy.v1.Subject: source keys and profile ids) it erases the records of
// the source keys and of every member of the subject's profiles, their record_profile entries,
// the profiles (when they keep no other member) and every alias pointing to them, the
// do-not-link pairs involving the records, the cached results of manual operations
// ("idem/<key>" in meta) that name the profiles, and the unused legacy families; it replaces
// each record's consent ledger by consent proofs without PII (consent_proof.h) and strips the
// audit entries about the profiles down to the decision (which profiles, when, what action, the
// score and the explanation's weights): compared values, the records' source keys and the
// free-text reason of manual operations go. Memory (blocking index, contact maps, do-not-link
// constraints, consents) is rebuilt from the store, so a later record of the same person
// starts a fresh profile. Then KvStore::PurgeDeleted compacts every family it changed.
//
// The match statistics and the model keep counts of comparison patterns only (no values):
// they stay. Idempotent: erasing again deletes nothing and returns 0.
//
//   CLT_ASSIGN_OR_RETURN(int64_t deleted, EraseSubjects(resolver, store, subjects, absl::Now()));
//
// Blocks log application while it changes the store (the Resolver's write lock), not while
// it compacts. InvalidArgument naming the field for a malformed profile id or source key.
// Thread-safe.
#ifndef CLIENTELE_IDENTITY_PRIVACY_SUBJECT_ERASER_H_
#define CLIENTELE_IDENTITY_PRIVACY_SUBJECT_ERASER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "clientele/privacy/v1/privacy.pb.h"
#include "common/storage/kv_store.h"
#include "identity/resolution/resolver.h"

namespace clientele::identity {

// Returns the number of keys deleted (records, consents, profiles, aliases, pairs, cached
// results); `now` is the consent proofs' erased_at. `store` is the resolver's store.
absl::StatusOr<int64_t> EraseSubjects(Resolver& resolver, storage::KvStore& store,
                                      absl::Span<const privacy::v1::Subject> subjects,
                                      absl::Time now);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_PRIVACY_SUBJECT_ERASER_H_
