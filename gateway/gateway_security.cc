#include "gateway/gateway_security.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "gateway/auth/bootstrap_key.h"
#include "gateway/gateway_store.h"

namespace clientele::gateway {

absl::StatusOr<std::unique_ptr<GatewaySecurity>> OpenGatewaySecurity(
    GatewaySecurityOptions options) {
  if (options.store == nullptr) return absl::InvalidArgumentError("store: required");
  if (!options.pii.may_carry_pii || !options.pii.mask_pii || !options.pii.find_pii) {
    return absl::InvalidArgumentError("pii: the PII step's three functions are required");
  }
  if (!options.audit) return absl::InvalidArgumentError("audit: required");
  if (!std::isfinite(options.rate_limit_rps) || options.rate_limit_rps < 0) {
    return absl::InvalidArgumentError(absl::StrCat("--rate_limit_rps: ", options.rate_limit_rps,
                                                   " is not a rate (>= 0; 0: unlimited)"));
  }
  const RoleTable& table = RoleTable::Default();
  auto security = std::make_unique<GatewaySecurity>();
  KeyStoreOptions key_options;
  key_options.roles = table.KeyRoles();
  key_options.now = options.now;
  CLT_ASSIGN_OR_RETURN(security->keys,
                       KeyStore::Open(options.store, kKeysColumnFamily, std::move(key_options)));
  CLT_ASSIGN_OR_RETURN(security->bootstrap_key_path,
                       EnsureBootstrapAdminKey(*security->keys, options.data_dir));
  security->authenticator = std::make_unique<Authenticator>(security->keys.get());
  RateLimiterOptions limiter_options;
  limiter_options.default_rps = options.rate_limit_rps;
  limiter_options.now = options.now;
  security->limiter = std::make_unique<RateLimiter>(std::move(limiter_options));
  DefaultCallPolicyOptions policy_options;
  policy_options.auth_mode = options.auth_mode;
  security->policy = std::make_unique<DefaultCallPolicy>(
      security->authenticator.get(), &table, security->limiter.get(), std::move(options.pii),
      std::move(options.audit), policy_options);
  return security;
}

}  // namespace clientele::gateway
