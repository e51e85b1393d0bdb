#include "identity/identity_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/proto_check/grpc_request_parsing.h"
#include "common/status/grpc_status.h"
#include "common/time/proto_time.h"

namespace clientele::identity {
namespace {

constexpr size_t kProfileMapChunk = 1000;
constexpr char kCatchingUpTrailer[] = "clientele-identity-catching-up";

}  // namespace

grpc::Status StreamProfileMap(const Resolver& resolver, const std::string& system,
                              grpc::ServerContext* context,
                              grpc::ServerWriter<v1::GetProfileMapResponse>* writer) {
  bool cancelled = false;
  resolver.ForEachProfileMapChunk(system, kProfileMapChunk, [&](v1::GetProfileMapResponse& chunk) {
    if (context->IsCancelled() || !writer->Write(chunk)) {
      cancelled = true;
      return false;
    }
    return true;
  });
  if (cancelled) return grpc::Status(grpc::StatusCode::CANCELLED, "profile map stream cancelled");
  return grpc::Status::OK;
}

IdentityServiceImpl::IdentityServiceImpl(Resolver* resolver) : resolver_(resolver) {
  // Requests are parsed here, so that one protobuf refuses fails with INVALID_ARGUMENT naming
  // the field instead of INTERNAL with an empty message (docs/decisions.md).
  const auto& service =
      *v1::ResolveRequest::descriptor()->file()->FindServiceByName("IdentityService");
  auto checked = [this, &service](std::string_view method, grpc::internal::MethodHandler* handler) {
    MarkMethodStreamed(proto_check::MethodIndex(service, method), handler);
  };
  checked("Resolve", proto_check::NewCheckedUnaryHandler(this, &IdentityServiceImpl::Resolve));
  checked("GetProfile",
          proto_check::NewCheckedUnaryHandler(this, &IdentityServiceImpl::GetProfile));
  checked("ListProfiles",
          proto_check::NewCheckedUnaryHandler(this, &IdentityServiceImpl::ListProfiles));
  checked("ListMembers",
          proto_check::NewCheckedUnaryHandler(this, &IdentityServiceImpl::ListMembers));
  checked("MergeProfiles",
          proto_check::NewCheckedUnaryHandler(this, &IdentityServiceImpl::MergeProfiles));
  checked("SplitProfile",
          proto_check::NewCheckedUnaryHandler(this, &IdentityServiceImpl::SplitProfile));
  checked("GetAudit", proto_check::NewCheckedUnaryHandler(this, &IdentityServiceImpl::GetAudit));
  checked("ExplainMatch",
          proto_check::NewCheckedUnaryHandler(this, &IdentityServiceImpl::ExplainMatch));
  checked("GetConsents",
          proto_check::NewCheckedUnaryHandler(this, &IdentityServiceImpl::GetConsents));
  checked("ListByConsent",
          proto_check::NewCheckedUnaryHandler(this, &IdentityServiceImpl::ListByConsent));
}

grpc::Status IdentityServiceImpl::Resolve(grpc::ServerContext*, const v1::ResolveRequest* request,
                                          v1::ResolveResponse* response) {
  return Reply(resolver_->Resolve(*request), response);
}

grpc::Status IdentityServiceImpl::GetProfile(grpc::ServerContext*,
                                             const v1::GetProfileRequest* request,
                                             v1::GetProfileResponse* response) {
  return Reply(resolver_->GetProfile(request->lookup()), response);
}

grpc::Status IdentityServiceImpl::ListProfiles(grpc::ServerContext*,
                                               const v1::ListProfilesRequest* request,
                                               v1::ListProfilesResponse* response) {
  return Reply(resolver_->ListProfiles(*request), response);
}

grpc::Status IdentityServiceImpl::ListMembers(grpc::ServerContext*,
                                              const v1::ListMembersRequest* request,
                                              v1::ListMembersResponse* response) {
  return Reply(resolver_->ListMembers(*request), response);
}

grpc::Status IdentityServiceImpl::MergeProfiles(grpc::ServerContext*,
                                                const v1::MergeProfilesRequest* request,
                                                v1::MergeProfilesResponse* response) {
  return Reply(resolver_->MergeProfiles(*request), response);
}

grpc::Status IdentityServiceImpl::SplitProfile(grpc::ServerContext*,
                                               const v1::SplitProfileRequest* request,
                                               v1::SplitProfileResponse* response) {
  return Reply(resolver_->SplitProfile(*request), response);
}

grpc::Status IdentityServiceImpl::GetAudit(grpc::ServerContext*, const v1::GetAuditRequest* request,
                                           v1::GetAuditResponse* response) {
  return Reply(resolver_->GetAudit(*request), response);
}

grpc::Status IdentityServiceImpl::ExplainMatch(grpc::ServerContext*,
                                               const v1::ExplainMatchRequest* request,
                                               v1::ExplainMatchResponse* response) {
  return Reply(resolver_->ExplainMatch(*request), response);
}

grpc::Status IdentityServiceImpl::GetProfileMap(
    grpc::ServerContext* context, const v1::GetProfileMapRequest* request,
    grpc::ServerWriter<v1::GetProfileMapResponse>* writer) {
  const LogProgress* progress = progress_.load();
  if (!request->min_applied().empty()) {
    if (progress == nullptr) {
      return grpc::Status(
          grpc::StatusCode::UNAVAILABLE,
          "identity is not consuming the log here: its applied position is unknown");
    }
    // Leave a little of the call's deadline for the answer, so the caller gets the positions
    // rather than DEADLINE_EXCEEDED.
    absl::Time deadline = absl::Now() + FromProtoDuration(request->max_wait());
    const absl::Time call_deadline = absl::FromChrono(context->deadline());
    if (call_deadline != absl::InfiniteFuture()) {
      deadline = std::min(deadline, call_deadline - absl::Milliseconds(200));
    }
    for (const v1::LogPosition& wanted : request->min_applied()) {
      if (progress->WaitForApplied(wanted.partition(), wanted.sequence(), deadline)) continue;
      // Tells the caller that identity answered "behind" (not a transport failure): it may
      // ask again.
      context->AddTrailingMetadata(kCatchingUpTrailer, "1");
      uint64_t applied = 0;
      bool consumed = false;
      for (const auto& [partition, sequence] : progress->Applied()) {
        if (partition == wanted.partition()) {
          consumed = true;
          applied = sequence;
        }
      }
      if (!consumed) {
        return grpc::Status(
            grpc::StatusCode::UNAVAILABLE,
            absl::StrCat("identity has applied nothing of partition ", wanted.partition(),
                         " (its log consumer is not running or does not consume "
                         "that partition), the caller through ",
                         wanted.sequence()));
      }
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          absl::StrCat("identity is catching up with the log: partition ",
                                       wanted.partition(), " applied through sequence ", applied,
                                       ", the caller through ", wanted.sequence()));
    }
  }
  if (progress != nullptr || request->positions_only()) {
    v1::GetProfileMapResponse header;
    if (progress != nullptr) {
      for (const auto& [partition, sequence] : progress->Applied()) {
        v1::LogPosition* p = header.add_applied();
        p->set_partition(partition);
        p->set_sequence(sequence);
      }
    }
    if (!writer->Write(header)) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "profile map stream cancelled");
    }
    if (request->positions_only()) return grpc::Status::OK;
  }
  return StreamProfileMap(*resolver_, request->system(), context, writer);
}

grpc::Status IdentityServiceImpl::GetConsents(grpc::ServerContext*,
                                              const v1::GetConsentsRequest* request,
                                              v1::GetConsentsResponse* response) {
  return Reply(resolver_->GetConsents(request->lookup()), response);
}

grpc::Status IdentityServiceImpl::ListByConsent(grpc::ServerContext* context,
                                                const v1::ListByConsentRequest* request,
                                                v1::ListByConsentResponse* response) {
  return Reply(resolver_->ListByConsent(*request, ServerCallInterrupt(context)), response);
}

}  // namespace clientele::identity
