// gRPC adapter of clientele.gateway.v1.AuditService over the PII audit log
// (gateway/pii/pii_audit_log.h). Who may call it (admin, steward) is the call policy's
// business, not this class's. Thread-safe.
#ifndef CLIENTELE_GATEWAY_AUDIT_SERVICE_H_
#define CLIENTELE_GATEWAY_AUDIT_SERVICE_H_

#include "clientele/gateway/v1/audit.grpc.pb.h"
#include "gateway/pii/pii_audit_log.h"

namespace clientele::gateway {

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  // `log` is not owned and must outlive the service.
  explicit AuditServiceImpl(const PiiAuditLog* log) : log_(log) {}

  grpc::Status ListPiiAudit(grpc::ServerContext* context, const v1::ListPiiAuditRequest* request,
                            v1::ListPiiAuditResponse* response) override;

 private:
  const PiiAuditLog* const log_;
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_AUDIT_SERVICE_H_
