#include "gateway/auth/api_key.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"

namespace clientele::gateway {
namespace {

constexpr std::string_view kKeyIdPrefix = "key-";
constexpr size_t kKeyIdRandomBytes = 8;

absl::StatusOr<std::string> RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    return absl::InternalError("the random generator (RAND_bytes) failed");
  }
  return absl::BytesToHexString(raw);
}

bool IsLowerHex(std::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string ApiKey::Text() const {
  std::string text(kApiKeyPrefix);
  text += key_id;
  text += '_';
  text += secret;
  return text;
}

absl::StatusOr<ApiKey> GenerateApiKey() {
  ApiKey key;
  absl::StatusOr<std::string> id = RandomHex(kKeyIdRandomBytes);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::string> secret = RandomHex(kSecretBytes);
  if (!secret.ok()) return secret.status();
  key.key_id = std::string(kKeyIdPrefix) + *id;
  key.secret = *std::move(secret);
  return key;
}

std::optional<ApiKey> ParseApiKey(std::string_view text) {
  if (text.substr(0, kApiKeyPrefix.size()) != kApiKeyPrefix) return std::nullopt;
  text.remove_prefix(kApiKeyPrefix.size());
  const size_t separator = text.find('_');
  if (separator == std::string_view::npos) return std::nullopt;
  std::string_view key_id = text.substr(0, separator);
  std::string_view secret = text.substr(separator + 1);
  if (key_id.substr(0, kKeyIdPrefix.size()) != kKeyIdPrefix ||
      !IsLowerHex(key_id.substr(kKeyIdPrefix.size()), 2 * kKeyIdRandomBytes) ||
      !IsLowerHex(secret, 2 * kSecretBytes)) {
    return std::nullopt;
  }
  return ApiKey{std::string(key_id), std::string(secret)};
}

std::string HashSecret(std::string_view secret) {
  std::string digest(kSha256Bytes, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace clientele::gateway
