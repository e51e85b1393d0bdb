// The gRPC services of an identity read replica over its IdentityReplica: IdentityService's
// reads answered from the replica's state, with how far behind the primary it is in the
// trailing metadata (x-clientele-replica-lag-seq: changes, x-clientele-replica-lag-ms), and
// IdentityPrivacy (ResolveSubject and ExportSubjectData read; EraseSubjectData waits until
// the replica has applied and purged everything the primary had committed when it was called).
// Writes (MergeProfiles, SplitProfile) fail FAILED_PRECONDITION naming the primary. Every call
// fails UNAVAILABLE until the replica has bootstrapped. Thread-safe.
#ifndef CLIENTELE_IDENTITY_REPLICATION_REPLICA_SERVICE_H_
#define CLIENTELE_IDENTITY_REPLICATION_REPLICA_SERVICE_H_

#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "clientele/identity/v1/replication.grpc.pb.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "grpcpp/channel.h"
#include "identity/replication/identity_replica.h"

namespace clientele::identity {

inline constexpr char kReplicaLagSeqTrailer[] = "x-clientele-replica-lag-seq";
inline constexpr char kReplicaLagMsTrailer[] = "x-clientele-replica-lag-ms";

class ReplicaIdentityService final : public v1::IdentityService::Service {
 public:
  // `replica` is not owned and must outlive the service; `primary` is the --primary address
  // named in the errors of writes.
  ReplicaIdentityService(const IdentityReplica* replica, std::string primary);

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
  // The state to answer from, with the lag trailers added; null (and *error set) before the
  // first bootstrap.
  std::shared_ptr<const ReplicaState> Begin(grpc::ServerContext* context,
                                            grpc::Status* error) const;
  grpc::Status WriteRefused(const char* method) const;

  const IdentityReplica* const replica_;  // Not owned.
  const std::string primary_;
};

class ReplicaPrivacyService final : public privacy::v1::IdentityPrivacy::Service {
 public:
  // `replica` is not owned and must outlive the service.
  explicit ReplicaPrivacyService(const IdentityReplica* replica) : replica_(replica) {}
  // The channel to the primary's IdentityReplication (its head, for EraseSubjectData); until
  // it is set EraseSubjectData fails UNAVAILABLE.
  void SetPrimary(std::shared_ptr<grpc::Channel> primary) {
    absl::MutexLock lock(&mu_);
    primary_ = std::move(primary);
  }

  grpc::Status ResolveSubject(grpc::ServerContext* context,
                              const privacy::v1::ResolveSubjectRequest* request,
                              privacy::v1::ResolveSubjectResponse* response) override;
  grpc::Status EraseSubjectData(grpc::ServerContext* context,
                                const privacy::v1::EraseSubjectDataRequest* request,
                                privacy::v1::EraseSubjectDataResponse* response) override;
  grpc::Status ExportSubjectData(grpc::ServerContext* context,
                                 const privacy::v1::ExportSubjectDataRequest* request,
                                 privacy::v1::ExportSubjectDataResponse* response) override;

 private:
  const IdentityReplica* const replica_;  // Not owned.
  absl::Mutex mu_;
  std::shared_ptr<grpc::Channel> primary_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_REPLICATION_REPLICA_SERVICE_H_
