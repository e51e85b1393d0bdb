#include "gateway/audit_service.h"

#include "common/status/grpc_status.h"

namespace clientele::gateway {

grpc::Status AuditServiceImpl::ListPiiAudit(grpc::ServerContext* /*context*/,
                                            const v1::ListPiiAuditRequest* request,
                                            v1::ListPiiAuditResponse* response) {
  return Reply(log_->List(*request), response);
}

}  // namespace clientele::gateway
