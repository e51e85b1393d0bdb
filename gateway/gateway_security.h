// Everything the gateway's front needs to enforce security, built in one call: the key store,
// the bootstrap admin key, the rate limiter and the CallPolicy (default_call_policy.h).
//
//   CLT_ASSIGN_OR_RETURN(std::unique_ptr<storage::KvStore> store,
//                        OpenGatewayStore(data_dir, {{"pii_audit"}}));
//   GatewaySecurityOptions options;
//   options.store = store.get();
//   options.data_dir = data_dir;
//   options.auth_mode = AuthMode::kRequired;   // --auth
//   options.rate_limit_rps = 1000;             // --rate_limit_rps
//   options.pii = PiiGuardStep();
//   options.audit = [&](const PiiRead& read) { return audit_log.Append(read); };
//   CLT_ASSIGN_OR_RETURN(std::unique_ptr<GatewaySecurity> security, OpenGatewaySecurity(options));
//   if (security->bootstrap_key_path) log "admin API key written to <path>";
//   front uses *security->policy; KeyServiceImpl(security->keys.get(), security->limiter.get())
#ifndef CLIENTELE_GATEWAY_GATEWAY_SECURITY_H_
#define CLIENTELE_GATEWAY_GATEWAY_SECURITY_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/storage/kv_store.h"
#include "gateway/auth/authenticator.h"
#include "gateway/auth/key_store.h"
#include "gateway/authz/role_table.h"
#include "gateway/default_call_policy.h"
#include "gateway/pii_step.h"
#include "gateway/ratelimit/rate_limiter.h"

namespace clientele::gateway {

struct GatewaySecurityOptions {
  // The gateway store (gateway_store.h); not owned, must outlive the GatewaySecurity.
  storage::KvStore* store = nullptr;
  // Where the bootstrap admin key file goes (<data_dir>/bootstrap-admin.key).
  std::string data_dir;
  AuthMode auth_mode = AuthMode::kRequired;
  // Calls per second of keys created without a rate; 0: unlimited.
  double rate_limit_rps = 0;
  PiiStep pii;         // PiiGuardStep() in production.
  PiiAuditSink audit;  // Required.
  // Clock of keys and rate limits. Default: absl::Now.
  std::function<absl::Time()> now;
};

struct GatewaySecurity {
  std::unique_ptr<KeyStore> keys;
  std::unique_ptr<Authenticator> authenticator;
  std::unique_ptr<RateLimiter> limiter;
  std::unique_ptr<DefaultCallPolicy> policy;
  // Set when this start created the admin key (the store had no key): log it.
  std::optional<std::string> bootstrap_key_path;
};

// Loads the keys, creates the bootstrap admin key when there is none, and builds the policy
// over RoleTable::Default(). InvalidArgument for a negative or non-finite rate, a missing
// store, PII step or audit sink; the store's and the key file's errors otherwise.
absl::StatusOr<std::unique_ptr<GatewaySecurity>> OpenGatewaySecurity(
    GatewaySecurityOptions options);

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_GATEWAY_SECURITY_H_
