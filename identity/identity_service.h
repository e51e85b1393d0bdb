// gRPC adapter of the identity service over the Resolver: each method checks nothing the
// domain does not, calls it, and maps the status (ToGrpcStatus). Thread-safe (the Resolver is).
#ifndef CLIENTELE_IDENTITY_IDENTITY_SERVICE_H_
#define CLIENTELE_IDENTITY_IDENTITY_SERVICE_H_

#include "clientele/identity/v1/identity.grpc.pb.h"
#include "identity/resolution/resolver.h"

namespace clientele::identity {

class IdentityServiceImpl final : public v1::IdentityService::Service {
 public:
  // `resolver` is not owned and must outlive the service.
  explicit IdentityServiceImpl(Resolver* resolver) : resolver_(resolver) {}

  grpc::Status Resolve(grpc::ServerContext* context, const v1::ResolveRequest* request,
                       v1::ResolveResponse* response) override;
  grpc::Status GetProfile(grpc::ServerContext* context, const v1::GetProfileRequest* request,
                          v1::GetProfileResponse* response) override;
  grpc::Status ListProfiles(grpc::ServerContext* context, const v1::ListProfilesRequest* request,
                            v1::ListProfilesResponse* response) override;
  grpc::Status ListMembers(grpc::ServerContext* context, const v1::ListMembersRequest* request,
                           v1::ListMembersResponse* response) override;
  grpc::Status MergeProfiles(grpc::ServerContext* context, const v1::MergeProfilesRequest* request,
                             v1::MergeProfilesResponse* response) override;
  grpc::Status SplitProfile(grpc::ServerContext* context, const v1::SplitProfileRequest* request,
                            v1::SplitProfileResponse* response) override;
  grpc::Status GetAudit(grpc::ServerContext* context, const v1::GetAuditRequest* request,
                        v1::GetAuditResponse* response) override;
  grpc::Status ExplainMatch(grpc::ServerContext* context, const v1::ExplainMatchRequest* request,
                            v1::ExplainMatchResponse* response) override;
  grpc::Status GetProfileMap(grpc::ServerContext* context, const v1::GetProfileMapRequest* request,
                             grpc::ServerWriter<v1::GetProfileMapResponse>* writer) override;
  grpc::Status GetConsents(grpc::ServerContext* context, const v1::GetConsentsRequest* request,
                           v1::GetConsentsResponse* response) override;
  grpc::Status ListByConsent(grpc::ServerContext* context, const v1::ListByConsentRequest* request,
                             v1::ListByConsentResponse* response) override;

 private:
  Resolver* const resolver_;  // Not owned.
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_IDENTITY_SERVICE_H_
