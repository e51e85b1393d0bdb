// gRPC adapter of identity's part of data subject rights (privacy.v1.IdentityPrivacy, called by
// the gateway's privacy requests): ResolveSubject, EraseSubjectData, ExportSubjectData over
// subject_resolver.h, subject_eraser.h and subject_exporter.h. Thread-safe.
#ifndef CLIENTELE_IDENTITY_PRIVACY_IDENTITY_PRIVACY_SERVICE_H_
#define CLIENTELE_IDENTITY_PRIVACY_IDENTITY_PRIVACY_SERVICE_H_

#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "common/storage/kv_store.h"
#include "identity/resolution/resolver.h"

namespace clientele::identity {

class IdentityPrivacyServiceImpl final : public privacy::v1::IdentityPrivacy::Service {
 public:
  // `resolver` and its `store` are not owned and must outlive the service.
  IdentityPrivacyServiceImpl(Resolver* resolver, storage::KvStore* store);

  grpc::Status ResolveSubject(grpc::ServerContext* context,
                              const privacy::v1::ResolveSubjectRequest* request,
                              privacy::v1::ResolveSubjectResponse* response) override;
  // At most 10,000 subjects per call.
  grpc::Status EraseSubjectData(grpc::ServerContext* context,
                                const privacy::v1::EraseSubjectDataRequest* request,
                                privacy::v1::EraseSubjectDataResponse* response) override;
  grpc::Status ExportSubjectData(grpc::ServerContext* context,
                                 const privacy::v1::ExportSubjectDataRequest* request,
                                 privacy::v1::ExportSubjectDataResponse* response) override;

 private:
  Resolver* const resolver_;       // Not owned.
  storage::KvStore* const store_;  // Not owned.
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_PRIVACY_IDENTITY_PRIVACY_SERVICE_H_
