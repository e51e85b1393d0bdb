// The form of an API key, "clt_<key_id>_<secret>", e.g.
//   clt_key-0123456789abcdef_<64 hex digits>
// key_id names the key in the store, logs and audit entries (not secret); secret is 32 random
// bytes from OpenSSL's RAND_bytes, hex-encoded. Only SHA-256(secret) is ever stored: the
// secret has 256 bits of entropy, so a plain hash needs no stretching.
#ifndef CLIENTELE_GATEWAY_AUTH_API_KEY_H_
#define CLIENTELE_GATEWAY_AUTH_API_KEY_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace clientele::gateway {

inline constexpr std::string_view kApiKeyPrefix = "clt_";
inline constexpr size_t kSecretBytes = 32;
inline constexpr size_t kSha256Bytes = 32;

struct ApiKey {
  std::string key_id;  // "key-" and 16 hex digits.
  std::string secret;  // 64 hex digits.

  // "clt_<key_id>_<secret>".
  std::string Text() const;
};

// A fresh key: a random key id and secret. Internal error when the random generator fails.
absl::StatusOr<ApiKey> GenerateApiKey();

// Splits "clt_<key_id>_<secret>"; nullopt when `text` does not have that form (wrong prefix,
// key id or secret of the wrong length or alphabet).
std::optional<ApiKey> ParseApiKey(std::string_view text);

// SHA-256 of `secret`: kSha256Bytes raw bytes.
std::string HashSecret(std::string_view secret);

// Compares two equally long byte strings in time independent of where they differ
// (CRYPTO_memcmp); false when the lengths differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_AUTH_API_KEY_H_
