#include "identity/privacy/identity_privacy_service.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/proto_check/grpc_request_parsing.h"
#include "common/status/grpc_status.h"
#include "identity/privacy/subject_eraser.h"
#include "identity/privacy/subject_exporter.h"
#include "identity/privacy/subject_resolver.h"

namespace clientele::identity {
namespace {

constexpr int kMaxSubjects = 10000;

}  // namespace

IdentityPrivacyServiceImpl::IdentityPrivacyServiceImpl(Resolver* resolver, storage::KvStore* store)
    : resolver_(resolver), store_(store) {
  // Parsed here, so that a request protobuf refuses fails INVALID_ARGUMENT naming the field.
  const auto& service =
      *privacy::v1::ResolveSubjectRequest::descriptor()->file()->FindServiceByName(
          "IdentityPrivacy");
  auto checked = [this, &service](std::string_view method, grpc::internal::MethodHandler* handler) {
    MarkMethodStreamed(proto_check::MethodIndex(service, method), handler);
  };
  checked("ResolveSubject",
          proto_check::NewCheckedUnaryHandler(this, &IdentityPrivacyServiceImpl::ResolveSubject));
  checked("EraseSubjectData",
          proto_check::NewCheckedUnaryHandler(this, &IdentityPrivacyServiceImpl::EraseSubjectData));
  checked("ExportSubjectData", proto_check::NewCheckedUnaryHandler(
                                   this, &IdentityPrivacyServiceImpl::ExportSubjectData));
}

grpc::Status IdentityPrivacyServiceImpl::ResolveSubject(
    grpc::ServerContext*, const privacy::v1::ResolveSubjectRequest* request,
    privacy::v1::ResolveSubjectResponse* response) {
  return ReplyWith(ResolvePrivacySubject(*resolver_, request->selector()),
                   [&](privacy::v1::Subject subject) { *response->mutable_subject() = subject; });
}

grpc::Status IdentityPrivacyServiceImpl::EraseSubjectData(
    grpc::ServerContext*, const privacy::v1::EraseSubjectDataRequest* request,
    privacy::v1::EraseSubjectDataResponse* response) {
  if (request->subjects_size() > kMaxSubjects) {
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "subjects: at most ", kMaxSubjects, " per call, got ", request->subjects_size())));
  }
  const std::vector<privacy::v1::Subject> subjects(request->subjects().begin(),
                                                   request->subjects().end());
  return ReplyWith(EraseSubjects(*resolver_, *store_, subjects, absl::Now()),
                   [&](int64_t deleted) { response->set_keys_deleted(deleted); });
}

grpc::Status IdentityPrivacyServiceImpl::ExportSubjectData(
    grpc::ServerContext*, const privacy::v1::ExportSubjectDataRequest* request,
    privacy::v1::ExportSubjectDataResponse* response) {
  return ReplyWith(ExportSubjectJson(*resolver_, *store_, request->subject()),
                   [&](std::string json) { response->set_json(std::move(json)); });
}

}  // namespace clientele::identity
