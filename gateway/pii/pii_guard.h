// PII in responses, by reflection over the `(clientele.common.v1.pii)` field option: which
// message types can carry it, masking it in place, and what a response carried (for the
// audit of unmasked reads). No per-field code: a new PII field in any proto is covered.
#ifndef CLIENTELE_GATEWAY_PII_PII_GUARD_H_
#define CLIENTELE_GATEWAY_PII_PII_GUARD_H_

#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace clientele::gateway {

// What one response carried: the PII fields that were set (full field names, e.g.
// "clientele.identity.v1.GoldenRecord.email", each once) and the profile ids the response is
// about (the values of fields named "profile_id" at any depth, each once).
struct PiiReport {
  std::vector<std::string> fields;
  std::vector<std::string> profile_ids;
  bool empty() const { return fields.empty(); }
};

// True when a message of this type can hold a PII field, directly or in a nested message
// (repeated and map fields included). Cached per descriptor; thread-safe.
bool MayCarryPii(const google::protobuf::Descriptor* type);

// Masks every set PII field of `message` in place and reports what was set. Masked forms
// never contain the original value: e-mail "c***@example.com" (first letter, domain kept),
// phone "***********01" (last two digits), names their first letter, street lines and other
// free text removed (cleared). Thread-safe (no shared state besides the cache).
PiiReport MaskPii(google::protobuf::Message& message);

// Reports the set PII fields of `message` without changing it.
PiiReport FindPii(const google::protobuf::Message& message);

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_PII_PII_GUARD_H_
