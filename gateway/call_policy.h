// The one place where the gateway decides what a call may do: authentication (API keys,
// client certificates), authorization (the role table), rate limits, and what happens to a
// response that carries personal data (masking or an audit entry). The gRPC front
// (gateway/front/) and the HTTP/JSON endpoint ask it about every call; they do nothing of
// this themselves.
//
//   absl::StatusOr<Caller> caller = policy.Admit(credentials,
//   "/clientele.identity.v1.IdentityService/GetProfile"); if (!caller.ok()) return
//   finish(caller.status());     // UNAUTHENTICATED, PERMISSION_DENIED, ...
//   ... forward the call ...
//   if (policy.InspectsResponses(*caller, method)) {
//     parse the reply; CLT_RETURN_IF_ERROR(policy.FilterResponse(*caller, method, reply));
//   }
#ifndef CLIENTELE_GATEWAY_CALL_POLICY_H_
#define CLIENTELE_GATEWAY_CALL_POLICY_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/caller.h"
#include "google/protobuf/message.h"

namespace clientele::gateway {

// Methods are named as gRPC names them on the wire: "/<package>.<Service>/<Method>".
//
// Thread-safe: every method may be called from many threads at once.
class CallPolicy {
 public:
  virtual ~CallPolicy() = default;

  // Authenticates the credentials, authorizes `method` for the caller's role and charges one
  // call to the caller's rate limit. Errors (their messages never help an attacker):
  //   UNAUTHENTICATED    missing, malformed, unknown, revoked or expired credentials;
  //   PERMISSION_DENIED  the role may not call the method (the message names both);
  //   RESOURCE_EXHAUSTED over the key's rate; the status carries the retry delay
  //                      (gateway/ratelimit/retry_delay.h) for the front to send as details.
  virtual absl::StatusOr<Caller> Admit(const CallCredentials& credentials,
                                       std::string_view method) = 0;

  // Whether FilterResponse must see the responses of `method` for this caller: false when
  // the response type holds no PII field (at any depth), or the caller is a component. When
  // false, the front forwards response bytes without parsing them.
  virtual bool InspectsResponses(const Caller& caller, std::string_view method) const = 0;

  // For a caller whose role lacks pii:read: masks every PII field of `response` in place
  // (gateway/pii/pii_guard.h). For one that has it: appends an audit entry when the
  // response carried PII. An error (the audit entry could not be written) means the response
  // must not be sent.
  virtual absl::Status FilterResponse(const Caller& caller, std::string_view method,
                                      google::protobuf::Message& response) = 0;
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_CALL_POLICY_H_
