#include "gateway/pii/pii_response_filter.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/pii/pii_guard.h"

namespace clientele::gateway {

bool PiiResponseFilter::Inspects(const Caller& caller,
                                 const google::protobuf::Descriptor* response_type) const {
  if (caller.component) return false;
  return response_type == nullptr || MayCarryPii(response_type);
}

absl::Status PiiResponseFilter::Filter(const Caller& caller, std::string_view method,
                                       bool may_read_pii,
                                       google::protobuf::Message& response) const {
  if (caller.component) return absl::OkStatus();
  if (!may_read_pii) {
    MaskPii(response);
    return absl::OkStatus();
  }
  PiiReport report = FindPii(response);
  if (report.empty()) return absl::OkStatus();
  v1::PiiAuditEntry entry;
  entry.set_key_id(caller.key_id);
  entry.set_key_name(caller.name);
  entry.set_role(caller.role);
  entry.set_method(std::string(method));
  for (std::string& id : report.profile_ids) entry.add_profile_ids(std::move(id));
  for (std::string& field : report.fields) entry.add_fields(std::move(field));
  absl::Status written = audit_log_->Append(std::move(entry));
  if (!written.ok()) {
    return absl::UnavailableError(
        absl::StrCat("the audit of PII reads could not record this response: ", written.message()));
  }
  return absl::OkStatus();
}

}  // namespace clientele::gateway
