#include "analytics/privacy/analytics_privacy_service.h"

#include <string>
#include <utility>
#include <vector>

#include "common/status/grpc_status.h"
#include "spdlog/spdlog.h"

namespace clientele::analytics {

grpc::Status AnalyticsPrivacyServiceImpl::EraseSubjectData(
    grpc::ServerContext* /*context*/, const privacy::v1::EraseSubjectDataRequest* request,
    privacy::v1::EraseSubjectDataResponse* response) {
  const std::vector<privacy::v1::Subject> subjects(request->subjects().begin(),
                                                   request->subjects().end());
  absl::StatusOr<int64_t> removed = data_->Erase(subjects);
  if (!removed.ok()) {
    spdlog::warn("analytics privacy: erasure {} failed: {}", request->request_id(),
                 removed.status().ToString());
    return ToGrpcStatus(removed.status());
  }
  // No PII in the log line: the request id and counts only.
  spdlog::info("analytics privacy: erasure {}: {} subjects, {} keys deleted", request->request_id(),
               subjects.size(), *removed);
  response->set_keys_deleted(*removed);
  return grpc::Status::OK;
}

grpc::Status AnalyticsPrivacyServiceImpl::ExportSubjectData(
    grpc::ServerContext* /*context*/, const privacy::v1::ExportSubjectDataRequest* request,
    privacy::v1::ExportSubjectDataResponse* response) {
  absl::StatusOr<std::string> json = data_->Export(request->subject());
  if (!json.ok()) return ToGrpcStatus(json.status());
  response->set_json(*std::move(json));
  return grpc::Status::OK;
}

}  // namespace clientele::analytics
