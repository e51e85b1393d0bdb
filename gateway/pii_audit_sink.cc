#include "gateway/pii_audit_sink.h"

#include <utility>

#include "common/time/proto_time.h"

namespace clientele::gateway {

v1::PiiAuditEntry AuditEntryOf(const PiiRead& read) {
  v1::PiiAuditEntry entry;
  ToProtoTimestamp(read.time, entry.mutable_at());
  entry.set_key_id(read.key_id);
  entry.set_key_name(read.key_name);
  entry.set_role(read.role);
  entry.set_method(read.method);
  for (const std::string& id : read.profile_ids) entry.add_profile_ids(id);
  for (const std::string& field : read.fields) entry.add_fields(field);
  return entry;
}

PiiAuditSink AuditSinkOf(PiiAuditLog* log) {
  return [log](const PiiRead& read) { return log->Append(AuditEntryOf(read)); };
}

}  // namespace clientele::gateway
