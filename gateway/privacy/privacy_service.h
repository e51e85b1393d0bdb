// gRPC adapter of clientele.privacy.v1.PrivacyService: erasure requests (PrivacyRequestStore +
// ErasureRunner), the access export (ExportComposer), and the suppressions of the ingest nodes
// (ListSuppressions fans out over every node, LiftSuppression goes to the node owning the
// source key's partition). Who may call what is the front's call policy's business; the
// caller it admitted arrives as metadata (front/forwarding.h) and is recorded as
// `requested_by` and in the export's audit entry.
//
// Built in Open (services are served before Start) with the store; Start gives it the
// backends and runs the runner. Until then the methods but Get/List answer UNAVAILABLE.
// Thread-safe.
#ifndef CLIENTELE_GATEWAY_PRIVACY_PRIVACY_SERVICE_H_
#define CLIENTELE_GATEWAY_PRIVACY_PRIVACY_SERVICE_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "gateway/pii/pii_audit_log.h"
#include "gateway/privacy/erasure_runner.h"
#include "gateway/privacy/export_composer.h"
#include "gateway/privacy/privacy_request_store.h"

namespace clientele::gateway {

class PrivacyServiceImpl final : public privacy::v1::PrivacyService::Service {
 public:
  // `store` and `audit` are not owned and must outlive the service.
  PrivacyServiceImpl(PrivacyRequestStore* store, PiiAuditLog* audit);
  ~PrivacyServiceImpl() override;

  // Runs the erasure runner over `backends` (and the unfinished requests). Once.
  absl::Status Start(PrivacyBackends backends, ErasureOptions options = {});
  // Stops the runner (the request in flight stays RUNNING for the next start). Idempotent.
  void Stop();

  grpc::Status EraseSubject(grpc::ServerContext* context,
                            const privacy::v1::EraseSubjectRequest* request,
                            privacy::v1::EraseSubjectResponse* response) override;
  grpc::Status GetPrivacyRequest(grpc::ServerContext* context,
                                 const privacy::v1::GetPrivacyRequestRequest* request,
                                 privacy::v1::GetPrivacyRequestResponse* response) override;
  grpc::Status ListPrivacyRequests(grpc::ServerContext* context,
                                   const privacy::v1::ListPrivacyRequestsRequest* request,
                                   privacy::v1::ListPrivacyRequestsResponse* response) override;
  grpc::Status ExportSubject(grpc::ServerContext* context,
                             const privacy::v1::ExportSubjectRequest* request,
                             privacy::v1::ExportSubjectResponse* response) override;
  grpc::Status ListSuppressions(grpc::ServerContext* context,
                                const privacy::v1::ListSuppressionsRequest* request,
                                privacy::v1::ListSuppressionsResponse* response) override;
  grpc::Status LiftSuppression(grpc::ServerContext* context,
                               const privacy::v1::LiftSuppressionRequest* request,
                               privacy::v1::LiftSuppressionResponse* response) override;

 private:
  struct Started {
    PrivacyBackends backends;
    std::unique_ptr<ErasureRunner> runner;
    std::unique_ptr<ExportComposer> exporter;
  };
  std::shared_ptr<Started> started() const;

  PrivacyRequestStore* const store_;
  PiiAuditLog* const audit_;
  mutable absl::Mutex mu_;
  std::shared_ptr<Started> started_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_PRIVACY_PRIVACY_SERVICE_H_
