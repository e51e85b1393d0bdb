// Consent proofs: what identity keeps of the consent ledger of an erased record. The law asks
// for proof that a consent was given or withdrawn (purpose, status, time, channel, evidence)
// even after the person's data is erased; the proof must not identify the person. A proof is
// stored under a salted SHA-256 of the record's source key (consent_proofs family,
// identity_schema.h), so that it can be found again by whoever names the source key, while the
// store holds neither the key nor any contact data.
//
//   CLT_ASSIGN_OR_RETURN(std::string salt, ConsentProofSalt(store, batch));
//   batch.Put(kConsentProofsCf, ConsentProofKey(salt, "shop/42", event.ledger_id()),
//             ConsentProofOf(event, now).SerializeAsString());
//   CLT_ASSIGN_OR_RETURN(auto proofs, ReadConsentProofs(store, "shop/42"));
//
// Thread-safe (the store is); ConsentProofSalt must not run concurrently with itself (the
// eraser calls it under the Resolver's write lock).
#ifndef CLIENTELE_IDENTITY_PRIVACY_CONSENT_PROOF_H_
#define CLIENTELE_IDENTITY_PRIVACY_CONSENT_PROOF_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clientele/identity/resolution/identity_state.pb.h"
#include "clientele/identity/v1/identity.pb.h"
#include "common/storage/kv_store.h"

namespace clientele::identity {

// The store's salt (meta "consent_proof_salt", 32 random bytes). Creates it, putting it into
// `batch`, when the store has none yet; the caller must write `batch` before using proofs.
absl::StatusOr<std::string> ConsentProofSalt(storage::KvStore& store, storage::WriteBatch& batch);

// SHA-256(salt || source_key): the first 32 bytes of every proof key of that source key.
std::string ConsentProofSubjectHash(std::string_view salt, std::string_view source_key);

// [ConsentProofSubjectHash][u64 ledger_id].
std::string ConsentProofKey(std::string_view salt, std::string_view source_key, uint64_t ledger_id);

// The proof of `event` (drops its source key and event id), erased at `erased_at`.
resolution::ConsentProof ConsentProofOf(const v1::ConsentEvent& event, absl::Time erased_at);

// The proofs kept for `source_key` ("system/id"), in ledger order; empty when there are none
// (or no salt yet). DataLoss for one that does not parse.
absl::StatusOr<std::vector<resolution::ConsentProof>> ReadConsentProofs(
    const storage::KvStore& store, std::string_view source_key);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_PRIVACY_CONSENT_PROOF_H_
