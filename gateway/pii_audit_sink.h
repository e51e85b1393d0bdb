// The call policy's audit sink (pii_step.h) in production: every unmasked PII read becomes
// an entry of the gateway's PII audit log (gateway/pii/pii_audit_log.h).
#ifndef CLIENTELE_GATEWAY_PII_AUDIT_SINK_H_
#define CLIENTELE_GATEWAY_PII_AUDIT_SINK_H_

#include "gateway/pii/pii_audit_log.h"
#include "gateway/pii_step.h"

namespace clientele::gateway {

// A sink that appends each read to `log` (not owned; must outlive the sink), keeping the time
// of the read. Thread-safe, as the log is.
PiiAuditSink AuditSinkOf(PiiAuditLog* log);

// The audit entry of one read.
v1::PiiAuditEntry AuditEntryOf(const PiiRead& read);

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_PII_AUDIT_SINK_H_
