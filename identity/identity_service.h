// gRPC adapter of the identity service over the Resolver: each method checks nothing the
// domain does not, calls it, and maps the status (ToGrpcStatus). Thread-safe (the Resolver is).
#ifndef CLIENTELE_IDENTITY_IDENTITY_SERVICE_H_
#define CLIENTELE_IDENTITY_IDENTITY_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "identity/resolution/resolver.h"

namespace clientele::identity {

// How far identity's log consumer has applied the log: what GetProfileMap reports and waits
// on (min_applied). Implemented by the wiring over its LogConsumer. Thread-safe.
class LogProgress {
 public:
  virtual ~LogProgress() = default;
  // The partitions consumed and the sequence applied in each (empty before the consumer runs).
  virtual std::vector<std::pair<uint32_t, uint64_t>> Applied() const = 0;
  // True once `partition` has applied `sequence`; false at `deadline`, or at once when the
  // partition is not consumed here.
  virtual bool WaitForApplied(uint32_t partition, uint64_t sequence, absl::Time deadline) const = 0;
};

// Writes `resolver`'s profile map (of `system`, or every system when empty) to `writer` in
// chunks, stopping when the call is cancelled or a write fails: CANCELLED then, else OK. The
// body of GetProfileMap after its header, on the primary and on a read replica.
grpc::Status StreamProfileMap(const Resolver& resolver, const std::string& system,
                              grpc::ServerContext* context,
                              grpc::ServerWriter<v1::GetProfileMapResponse>* writer);

class IdentityServiceImpl final : public v1::IdentityService::Service {
 public:
  // `resolver` is not owned and must outlive the service.
  explicit IdentityServiceImpl(Resolver* resolver);

  // Where the log consumer stands (not owned; must outlive the service, may be set while
  // serving). Without it GetProfileMap reports no positions and fails a min_applied request
  // UNAVAILABLE (identity does not know how far it has applied the log).
  void SetLogProgress(const LogProgress* progress) { progress_.store(progress); }

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
  std::atomic<const LogProgress*> progress_{nullptr};
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_IDENTITY_SERVICE_H_
