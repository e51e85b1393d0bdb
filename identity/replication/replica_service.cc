#include "identity/replication/replica_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/grpc_status.h"
#include "identity/identity_service.h"
#include "identity/privacy/subject_exporter.h"
#include "identity/privacy/subject_resolver.h"

namespace clientele::identity {
namespace {

grpc::Status NotBootstrapped() {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      "identity read replica: not bootstrapped from the primary yet");
}

}  // namespace

ReplicaIdentityService::ReplicaIdentityService(const IdentityReplica* replica, std::string primary)
    : replica_(replica), primary_(std::move(primary)) {}

std::shared_ptr<const ReplicaState> ReplicaIdentityService::Begin(grpc::ServerContext* context,
                                                                  grpc::Status* error) const {
  std::shared_ptr<const ReplicaState> state = replica_->state();
  if (state == nullptr) {
    *error = NotBootstrapped();
    return nullptr;
  }
  const uint64_t head = replica_->primary_head();
  context->AddTrailingMetadata(kReplicaLagSeqTrailer,
                               absl::StrCat(head > state->sequence ? head - state->sequence : 0));
  context->AddTrailingMetadata(kReplicaLagMsTrailer,
                               absl::StrCat(absl::ToInt64Milliseconds(replica_->lag())));
  return state;
}

grpc::Status ReplicaIdentityService::WriteRefused(const char* method) const {
  return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                      absl::StrCat("identity read replica: ", method,
                                   " writes; send it to the identity primary at ", primary_));
}

#define CLT_REPLICA_READ(expr)                                        \
  grpc::Status error;                                                 \
  std::shared_ptr<const ReplicaState> state = Begin(context, &error); \
  if (state == nullptr) return error;                                 \
  return Reply(expr, response)

grpc::Status ReplicaIdentityService::Resolve(grpc::ServerContext* context,
                                             const v1::ResolveRequest* request,
                                             v1::ResolveResponse* response) {
  CLT_REPLICA_READ(state->resolver->Resolve(*request));
}

grpc::Status ReplicaIdentityService::GetProfile(grpc::ServerContext* context,
                                                const v1::GetProfileRequest* request,
                                                v1::GetProfileResponse* response) {
  CLT_REPLICA_READ(state->resolver->GetProfile(request->lookup()));
}

grpc::Status ReplicaIdentityService::ListProfiles(grpc::ServerContext* context,
                                                  const v1::ListProfilesRequest* request,
                                                  v1::ListProfilesResponse* response) {
  CLT_REPLICA_READ(state->resolver->ListProfiles(*request));
}

grpc::Status ReplicaIdentityService::ListMembers(grpc::ServerContext* context,
                                                 const v1::ListMembersRequest* request,
                                                 v1::ListMembersResponse* response) {
  CLT_REPLICA_READ(state->resolver->ListMembers(*request));
}

grpc::Status ReplicaIdentityService::GetAudit(grpc::ServerContext* context,
                                              const v1::GetAuditRequest* request,
                                              v1::GetAuditResponse* response) {
  CLT_REPLICA_READ(state->resolver->GetAudit(*request));
}

grpc::Status ReplicaIdentityService::ExplainMatch(grpc::ServerContext* context,
                                                  const v1::ExplainMatchRequest* request,
                                                  v1::ExplainMatchResponse* response) {
  CLT_REPLICA_READ(state->resolver->ExplainMatch(*request));
}

grpc::Status ReplicaIdentityService::GetConsents(grpc::ServerContext* context,
                                                 const v1::GetConsentsRequest* request,
                                                 v1::GetConsentsResponse* response) {
  CLT_REPLICA_READ(state->resolver->GetConsents(request->lookup()));
}

grpc::Status ReplicaIdentityService::ListByConsent(grpc::ServerContext* context,
                                                   const v1::ListByConsentRequest* request,
                                                   v1::ListByConsentResponse* response) {
  CLT_REPLICA_READ(state->resolver->ListByConsent(*request, ServerCallInterrupt(context)));
}

#undef CLT_REPLICA_READ

grpc::Status ReplicaIdentityService::MergeProfiles(grpc::ServerContext*,
                                                   const v1::MergeProfilesRequest*,
                                                   v1::MergeProfilesResponse*) {
  return WriteRefused("MergeProfiles");
}

grpc::Status ReplicaIdentityService::SplitProfile(grpc::ServerContext*,
                                                  const v1::SplitProfileRequest*,
                                                  v1::SplitProfileResponse*) {
  return WriteRefused("SplitProfile");
}

grpc::Status ReplicaIdentityService::GetProfileMap(
    grpc::ServerContext* context, const v1::GetProfileMapRequest* request,
    grpc::ServerWriter<v1::GetProfileMapResponse>* writer) {
  if (!request->min_applied().empty() || request->positions_only()) {
    return grpc::Status(
        grpc::StatusCode::FAILED_PRECONDITION,
        absl::StrCat("identity read replica: log positions are the primary's; ask ", primary_));
  }
  grpc::Status error;
  std::shared_ptr<const ReplicaState> state = Begin(context, &error);
  if (state == nullptr) return error;
  return StreamProfileMap(*state->resolver, request->system(), context, writer);
}

grpc::Status ReplicaPrivacyService::ResolveSubject(
    grpc::ServerContext*, const privacy::v1::ResolveSubjectRequest* request,
    privacy::v1::ResolveSubjectResponse* response) {
  std::shared_ptr<const ReplicaState> state = replica_->state();
  if (state == nullptr) return NotBootstrapped();
  return ReplyWith(ResolvePrivacySubject(*state->resolver, request->selector()),
                   [&](privacy::v1::Subject subject) { *response->mutable_subject() = subject; });
}

grpc::Status ReplicaPrivacyService::ExportSubjectData(
    grpc::ServerContext*, const privacy::v1::ExportSubjectDataRequest* request,
    privacy::v1::ExportSubjectDataResponse* response) {
  std::shared_ptr<const ReplicaState> state = replica_->state();
  if (state == nullptr) return NotBootstrapped();
  return ReplyWith(ExportSubjectJson(*state->resolver, *state->store->kv, request->subject()),
                   [&](std::string json) { response->set_json(std::move(json)); });
}

grpc::Status ReplicaPrivacyService::EraseSubjectData(
    grpc::ServerContext* context, const privacy::v1::EraseSubjectDataRequest* /*request*/,
    privacy::v1::EraseSubjectDataResponse* response) {
  // The primary erased first (the gateway's identity step): everything it has committed now
  // includes the erasure. Once the replica has applied that far, its store holds no erased
  // value: erasure changes are purged as they are applied, and a replica whose position the
  // erasure trimmed has bootstrapped again from the erased state.
  std::shared_ptr<grpc::Channel> primary;
  {
    absl::MutexLock lock(&mu_);
    primary = primary_;
  }
  if (primary == nullptr) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "identity read replica: not started");
  }
  v1::GetChangePositionResponse position;
  {
    grpc::ClientContext call;
    call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto stub = v1::IdentityReplication::NewStub(primary);
    grpc::Status s = stub->GetChangePosition(&call, v1::GetChangePositionRequest(), &position);
    if (!s.ok()) {
      return grpc::Status(
          grpc::StatusCode::UNAVAILABLE,
          absl::StrCat("identity read replica: cannot reach the primary: ", s.error_message()));
    }
  }
  absl::Time deadline = absl::FromChrono(context->deadline());
  if (deadline == absl::InfiniteFuture()) deadline = absl::Now() + absl::Minutes(10);
  if (!replica_->WaitForVisible(position.head_sequence(), deadline)) {
    return grpc::Status(
        grpc::StatusCode::UNAVAILABLE,
        absl::StrCat("identity read replica: has applied change ", replica_->visible_sequence(),
                     " of the primary's ", position.head_sequence(), " (still catching up)"));
  }
  response->set_keys_deleted(0);  // The primary counts what it deleted.
  return grpc::Status::OK;
}

}  // namespace clientele::identity
