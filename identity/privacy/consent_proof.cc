#include "identity/privacy/consent_proof.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <optional>

#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "common/time/proto_time.h"
#include "identity/resolution/identity_schema.h"

namespace clientele::identity {
namespace {

constexpr char kSaltKey[] = "consent_proof_salt";
constexpr size_t kSaltBytes = 32;

}  // namespace

absl::StatusOr<std::string> ConsentProofSalt(storage::KvStore& store, storage::WriteBatch& batch) {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> salt, store.Get(kMetaCf, kSaltKey));
  if (salt.has_value()) {
    if (salt->size() != kSaltBytes) {
      return absl::DataLossError("identity store: meta consent_proof_salt has a bad size");
    }
    return *salt;
  }
  std::string fresh(kSaltBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(fresh.data()), static_cast<int>(kSaltBytes)) !=
      1) {
    return absl::InternalError("the random generator (RAND_bytes) failed");
  }
  batch.Put(kMetaCf, kSaltKey, fresh);
  return fresh;
}

std::string ConsentProofSubjectHash(std::string_view salt, std::string_view source_key) {
  std::string input(salt);
  input.append(source_key);
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string ConsentProofKey(std::string_view salt, std::string_view source_key,
                            uint64_t ledger_id) {
  std::string key = ConsentProofSubjectHash(salt, source_key);
  storage::AppendUint64(key, ledger_id);
  return key;
}

resolution::ConsentProof ConsentProofOf(const v1::ConsentEvent& event, absl::Time erased_at) {
  resolution::ConsentProof proof;
  proof.set_purpose(event.purpose());
  proof.set_status(event.status());
  *proof.mutable_occurred_at() = event.occurred_at();
  proof.set_channel(event.channel());
  proof.set_evidence(event.evidence());
  proof.set_ledger_id(event.ledger_id());
  ToProtoTimestamp(erased_at, proof.mutable_erased_at());
  return proof;
}

absl::StatusOr<std::vector<resolution::ConsentProof>> ReadConsentProofs(
    const storage::KvStore& store, std::string_view source_key) {
  std::vector<resolution::ConsentProof> out;
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> salt, store.Get(kMetaCf, kSaltKey));
  if (!salt.has_value()) return out;
  const std::string prefix = ConsentProofSubjectHash(*salt, source_key);
  auto it = store.NewIterator(kConsentProofsCf, {prefix, storage::PrefixSuccessor(prefix)});
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (!out.emplace_back().ParseFromArray(it->value().data(),
                                           static_cast<int>(it->value().size()))) {
      return absl::DataLossError("identity store: a consent proof does not parse");
    }
  }
  CLT_RETURN_IF_ERROR(it->status());
  return out;
}

}  // namespace clientele::identity
