#include "ingest/privacy/ingest_privacy_service.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "spdlog/spdlog.h"

namespace clientele::ingest::privacy {
namespace {

// INVALID_ARGUMENT naming `field` when the key lacks its system or id.
grpc::Status CheckSourceKey(const common::v1::SourceKey& key, const std::string& field) {
  if (key.system().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat(field, ".system: required"));
  }
  if (key.id().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, absl::StrCat(field, ".id: required"));
  }
  return grpc::Status::OK;
}

}  // namespace

IngestPrivacyServiceImpl::IngestPrivacyServiceImpl(EventLog* log, std::function<absl::Time()> clock)
    : log_(log), clock_(clock ? std::move(clock) : [] { return absl::Now(); }) {}

grpc::Status IngestPrivacyServiceImpl::EraseSubjectData(
    grpc::ServerContext* /*context*/, const privacy_v1::EraseSubjectDataRequest* request,
    privacy_v1::EraseSubjectDataResponse* response) {
  std::vector<common::v1::SourceKey> keys;
  for (int i = 0; i < request->subjects_size(); ++i) {
    const privacy_v1::Subject& subject = request->subjects(i);
    for (int j = 0; j < subject.source_keys_size(); ++j) {
      if (grpc::Status s = CheckSourceKey(subject.source_keys(j),
                                          absl::StrCat("subjects[", i, "].source_keys[", j, "]"));
          !s.ok()) {
        return s;
      }
      keys.push_back(subject.source_keys(j));
    }
  }
  absl::StatusOr<EraseResult> erased = log_->EraseSubjects(keys, request->request_id(), clock_());
  if (!erased.ok()) return ToGrpcStatus(erased.status());
  response->set_keys_deleted(erased->keys_deleted);
  for (const auto& [partition, last] : erased->last_sequences) {
    (*response->mutable_last_sequences())[partition] = last;
  }
  spdlog::info("privacy request {}: ingest erased {} source keys' log data ({} keys deleted)",
               request->request_id(), keys.size(), erased->keys_deleted);
  return grpc::Status::OK;
}

grpc::Status IngestPrivacyServiceImpl::ListSuppressions(
    grpc::ServerContext* /*context*/, const privacy_v1::ListSuppressionsRequest* request,
    privacy_v1::ListSuppressionsResponse* response) {
  if (log_->keys() == nullptr) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "ingest runs without a key store");
  }
  return Reply(log_->keys()->ListSuppressions(request->page_size(), request->page_token()),
               response);
}

grpc::Status IngestPrivacyServiceImpl::LiftSuppression(
    grpc::ServerContext* /*context*/, const privacy_v1::LiftSuppressionRequest* request,
    privacy_v1::LiftSuppressionResponse* response) {
  if (grpc::Status s = CheckSourceKey(request->source_key(), "source_key"); !s.ok()) return s;
  absl::StatusOr<bool> lifted = log_->LiftSuppression(request->source_key());
  if (!lifted.ok()) return ToGrpcStatus(lifted.status());
  response->set_lifted(*lifted);
  if (*lifted) spdlog::warn("a suppression of an erased source key was lifted");
  return grpc::Status::OK;
}

grpc::Status IngestPrivacyServiceImpl::GetSubjectKeys(
    grpc::ServerContext* /*context*/, const privacy_v1::GetSubjectKeysRequest* request,
    privacy_v1::GetSubjectKeysResponse* response) {
  constexpr int kMaxRefs = 4096;
  if (request->refs_size() > kMaxRefs) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("refs: at most ", kMaxRefs, " per call"));
  }
  SubjectKeyStore* keys = log_->keys();
  if (keys == nullptr) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "the log was opened without a key store");
  }
  for (const std::string& ref : request->refs()) {
    privacy_v1::SubjectDataKey* out = response->add_keys();
    out->set_ref(ref);
    absl::StatusOr<std::optional<DataKey>> key = keys->Find(ref);
    if (!key.ok()) return ToGrpcStatus(key.status());
    if (key->has_value()) {
      out->set_key(reinterpret_cast<const char*>((*key)->data()), (*key)->size());
    }
  }
  return grpc::Status::OK;
}

}  // namespace clientele::ingest::privacy
