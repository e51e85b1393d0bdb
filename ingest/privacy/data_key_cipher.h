// AES-256-GCM sealing of log entry payloads with a subject's data key (OpenSSL EVP).
//
//   sealed = [12-byte random nonce][ciphertext][16-byte tag]
//
// The additional authenticated data (AAD) is not stored: the caller passes the same bytes to
// Seal and Open (for log entries: the entry's position and plaintext header), so a sealed
// payload opens only where it was sealed. Stateless and thread-safe.
#ifndef CLIENTELE_INGEST_PRIVACY_DATA_KEY_CIPHER_H_
#define CLIENTELE_INGEST_PRIVACY_DATA_KEY_CIPHER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace clientele::ingest::privacy {

inline constexpr size_t kDataKeyBytes = 32;  // AES-256.
inline constexpr size_t kNonceBytes = 12;    // 96-bit GCM nonce, random per sealed payload.
inline constexpr size_t kTagBytes = 16;      // GCM authentication tag.
inline constexpr size_t kSealOverhead = kNonceBytes + kTagBytes;

using DataKey = std::array<uint8_t, kDataKeyBytes>;

// A fresh random key (OpenSSL RAND_bytes). Internal error if the generator fails.
absl::Status NewDataKey(DataKey* key);

// SHA-256 of `a` followed by `b` into `out` (32 bytes), with the digest fetched once per process
// (OpenSSL 3's one-shot SHA256() fetches it on every call).
void Sha256(std::string_view a, std::string_view b, unsigned char* out);

// Fills `out` with `n` random bytes (nonces for a whole batch at once).
absl::Status RandomBytes(size_t n, std::string* out);

// Appends nonce + ciphertext + tag of `plaintext` to `out`, with `nonce` (kNonceBytes, never
// reused with the same key: take it from RandomBytes).
absl::Status Seal(const DataKey& key, std::string_view nonce, std::string_view aad,
                  std::string_view plaintext, std::string* out);

// Appends the plaintext of `sealed` (as Seal wrote it) to `out`. DataLoss when the tag does
// not verify (wrong key, other AAD, or damaged bytes); `out` is then left as it was.
absl::Status Open(const DataKey& key, std::string_view aad, std::string_view sealed,
                  std::string* out);

}  // namespace clientele::ingest::privacy

#endif  // CLIENTELE_INGEST_PRIVACY_DATA_KEY_CIPHER_H_
