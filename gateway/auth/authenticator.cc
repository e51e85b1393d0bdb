#include "gateway/auth/authenticator.h"

#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/time/proto_time.h"

namespace clientele::gateway {
namespace {

// Debian's abseil has its own string_view type: std::string_view converts explicitly.
absl::string_view Sv(std::string_view text) { return absl::string_view(text.data(), text.size()); }

absl::Status Unauthenticated() {
  return absl::UnauthenticatedError(std::string(kUnauthenticatedMessage));
}

// The key of "Bearer <key>" (scheme case-insensitive, as HTTP says); nullopt otherwise.
std::optional<std::string_view> BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(Sv(authorization.substr(0, kScheme.size())), Sv(kScheme))) {
    return std::nullopt;
  }
  const absl::string_view token =
      absl::StripAsciiWhitespace(Sv(authorization.substr(kScheme.size())));
  return std::string_view(token.data(), token.size());
}

}  // namespace

absl::StatusOr<Authentication> Authenticator::Authenticate(
    const CallCredentials& credentials) const {
  if (credentials.authorization.empty()) {
    if (credentials.certificate_identity.empty()) return Unauthenticated();
    Authentication who;
    who.caller.name = std::string(credentials.certificate_identity);
    who.caller.role = std::string(kComponentRole);
    who.caller.component = true;
    return who;
  }
  std::optional<std::string_view> token = BearerToken(credentials.authorization);
  if (!token.has_value()) return Unauthenticated();
  std::optional<ApiKey> key = ParseApiKey(*token);
  if (!key.has_value()) return Unauthenticated();
  // Hash before the lookup so that unknown and known ids cost the same.
  const std::string presented = HashSecret(key->secret);
  std::optional<v1::StoredKey> stored = keys_->Find(key->key_id);
  if (!stored.has_value()) return Unauthenticated();
  if (!ConstantTimeEquals(presented, stored->secret_sha256())) return Unauthenticated();
  const v1::KeyInfo& info = stored->info();
  if (info.revoked()) return Unauthenticated();
  if (info.has_expires_at() && keys_->Now() >= FromProtoTimestamp(info.expires_at())) {
    return Unauthenticated();
  }
  Authentication who;
  who.caller.key_id = info.key_id();
  who.caller.name = info.name();
  who.caller.role = info.role();
  who.rps = info.rps();
  return who;
}

}  // namespace clientele::gateway
