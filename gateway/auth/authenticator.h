// Who is calling: an API key ("authorization: Bearer clt_…") or a verified client
// certificate. Every failure is the same UNAUTHENTICATED error, whatever went wrong (missing,
// malformed, unknown, revoked or expired key), so that it tells an attacker nothing.
//
//   Authenticator authenticator(&keys);
//   CLT_ASSIGN_OR_RETURN(Authentication who, authenticator.Authenticate(credentials));
#ifndef CLIENTELE_GATEWAY_AUTH_AUTHENTICATOR_H_
#define CLIENTELE_GATEWAY_AUTH_AUTHENTICATOR_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/auth/key_store.h"
#include "gateway/caller.h"

namespace clientele::gateway {

// The role of callers identified by a client certificate of the cluster's CA.
inline constexpr std::string_view kComponentRole = "component";

// The message of every authentication failure.
inline constexpr std::string_view kUnauthenticatedMessage =
    "authentication required: a valid API key (authorization: Bearer <key>) or client "
    "certificate";

struct Authentication {
  Caller caller;
  // The key's own rate (calls per second); 0: the server's default. Unused for components.
  double rps = 0;
};

// Thread-safe (the key store is).
class Authenticator {
 public:
  // `keys` is not owned and must outlive the authenticator.
  explicit Authenticator(const KeyStore* keys) : keys_(keys) {}

  // With an authorization value: the key's caller (key id, name, role), or UNAUTHENTICATED.
  // A key wins over a certificate, so a person using a client certificate on a mutual-TLS
  // listener keeps the key's (narrower) role. Without one: a certificate identity makes the
  // caller a component (Caller{component = true, name = identity, role = "component"});
  // nothing at all is UNAUTHENTICATED. The secret's hash is compared in constant time.
  absl::StatusOr<Authentication> Authenticate(const CallCredentials& credentials) const;

 private:
  const KeyStore* const keys_;  // Not owned.
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_AUTH_AUTHENTICATOR_H_
