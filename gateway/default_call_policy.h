// The gateway's CallPolicy (call_policy.h): API keys and certificates (auth/authenticator.h),
// the role table (authz/role_table.h), per-key rate limits (ratelimit/rate_limiter.h) and the
// PII step (pii_step.h: masking for roles without pii:read, an audit entry for each unmasked
// read). Built by OpenGatewaySecurity (gateway_security.h).
//
// Admit, in order:
//   1. --auth=none: every call is admitted as Caller{name = "anonymous", role = "admin"}:
//      every method, no rate limit, PII unmasked and audited (allowed on loopback only).
//   2. public methods (grpc.health.v1): admitted without credentials, as "anonymous" with
//      no role.
//   3. authentication: UNAUTHENTICATED for any bad or missing credential. A verified client
//      certificate makes a component: admitted to every method, not rate limited.
//   4. the key's rate limit: RESOURCE_EXHAUSTED with a retry delay.
//   5. the role table: PERMISSION_DENIED naming the method and the role.
#ifndef CLIENTELE_GATEWAY_DEFAULT_CALL_POLICY_H_
#define CLIENTELE_GATEWAY_DEFAULT_CALL_POLICY_H_

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "gateway/auth/authenticator.h"
#include "gateway/authz/role_table.h"
#include "gateway/call_policy.h"
#include "gateway/pii_step.h"
#include "gateway/ratelimit/rate_limiter.h"
#include "google/protobuf/descriptor.h"

namespace clientele::gateway {

enum class AuthMode { kRequired, kNone };

// "required" or "none" (clienteled --auth); InvalidArgument naming --auth otherwise.
absl::StatusOr<AuthMode> ParseAuthMode(std::string_view text);

struct DefaultCallPolicyOptions {
  AuthMode auth_mode = AuthMode::kRequired;
  // Where methods' response types are found. Default: the generated pool (every proto this
  // binary links).
  const google::protobuf::DescriptorPool* pool = nullptr;
};

// Thread-safe.
class DefaultCallPolicy final : public CallPolicy {
 public:
  // Not owned, must outlive the policy: authenticator, table, limiter.
  DefaultCallPolicy(const Authenticator* authenticator, const RoleTable* table,
                    RateLimiter* limiter, PiiStep pii, PiiAuditSink audit,
                    DefaultCallPolicyOptions options = {});

  absl::StatusOr<Caller> Admit(const CallCredentials& credentials,
                               std::string_view method) override;
  bool InspectsResponses(const Caller& caller, std::string_view method) const override;
  absl::Status FilterResponse(const Caller& caller, std::string_view method,
                              google::protobuf::Message& response) override;

 private:
  // Whether responses of `method` may carry PII; false for a method of no known service.
  bool ResponsesMayCarryPii(std::string_view method) const;

  const Authenticator* const authenticator_;
  const RoleTable* const table_;
  RateLimiter* const limiter_;
  const PiiStep pii_;
  const PiiAuditSink audit_;
  const AuthMode auth_mode_;
  const google::protobuf::DescriptorPool* const pool_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, bool> may_carry_pii_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_DEFAULT_CALL_POLICY_H_
