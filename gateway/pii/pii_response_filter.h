// What the call policy does with a response that may carry personal data: masks it for a
// caller whose role lacks pii:read, or records an audit entry when a caller that has it
// received PII unmasked. Components (mutual TLS) get responses untouched and unaudited.
//
// The policy (gateway/call_policy.h) delegates to it:
//
//   bool InspectsResponses(const Caller& caller, std::string_view method) const override {
//     return pii_filter_.Inspects(caller, ResponseTypeOf(method));
//   }
//   absl::Status FilterResponse(const Caller& caller, std::string_view method,
//                               google::protobuf::Message& response) override {
//     return pii_filter_.Filter(caller, method, roles_.Allows(caller.role, "pii:read"), response);
//   }
#ifndef CLIENTELE_GATEWAY_PII_PII_RESPONSE_FILTER_H_
#define CLIENTELE_GATEWAY_PII_PII_RESPONSE_FILTER_H_

#include <string_view>

#include "absl/status/status.h"
#include "gateway/caller.h"
#include "gateway/pii/pii_audit_log.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace clientele::gateway {

// Thread-safe (as thread-safe as the audit log, which is).
class PiiResponseFilter {
 public:
  // `audit_log` is not owned and must outlive the filter.
  explicit PiiResponseFilter(PiiAuditLog* audit_log) : audit_log_(audit_log) {}

  // Whether Filter must see responses of this type for this caller: false for a component
  // and for a type that holds no PII at any depth (MayCarryPii); a null type (an unknown
  // method) is inspected. Cheap: a cached lookup.
  bool Inspects(const Caller& caller, const google::protobuf::Descriptor* response_type) const;

  // For a component: nothing. When `may_read_pii` is false: masks every PII field of
  // `response` in place (pii_guard.h). When true: appends an audit entry (caller's key id, key
  // name, role, `method`, the profile ids and PII fields the response carried) if the response
  // carried any PII; an error means the entry was not written and the response must not be
  // sent (UNAVAILABLE, naming the audit).
  absl::Status Filter(const Caller& caller, std::string_view method, bool may_read_pii,
                      google::protobuf::Message& response) const;

 private:
  PiiAuditLog* const audit_log_;
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_PII_PII_RESPONSE_FILTER_H_
