// The PII step of the call policy, as injected functions: how responses are inspected and
// masked (gateway/pii/pii_guard.h in production: PiiGuardStep() below) and where audit
// entries of unmasked reads go (the gateway's PII audit log in production). Tests inject fakes.
#ifndef CLIENTELE_GATEWAY_PII_STEP_H_
#define CLIENTELE_GATEWAY_PII_STEP_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gateway/pii/pii_guard.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace clientele::gateway {

struct PiiStep {
  // MayCarryPii, MaskPii, FindPii of pii_guard.h. Each must be thread-safe.
  std::function<bool(const google::protobuf::Descriptor*)> may_carry_pii;
  std::function<PiiReport(google::protobuf::Message&)> mask_pii;
  std::function<PiiReport(const google::protobuf::Message&)> find_pii;
};

// The production step: pii_guard.h's functions. Inline, so that only code that calls it needs
// the pii_guard library at link time.
inline PiiStep PiiGuardStep() { return PiiStep{&MayCarryPii, &MaskPii, &FindPii}; }

// One read of unmasked PII: the audit entry the policy hands to its audit sink.
struct PiiRead {
  absl::Time time;
  std::string key_id;  // Empty when authentication is off (--auth=none).
  std::string key_name;
  std::string role;
  std::string method;                    // "/<package>.<Service>/<Method>".
  std::vector<std::string> profile_ids;  // PiiReport::profile_ids.
  std::vector<std::string> fields;       // PiiReport::fields.
};

// Appends the entry durably. An error means the response must not be sent. Thread-safe.
using PiiAuditSink = std::function<absl::Status(const PiiRead&)>;

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_PII_STEP_H_
