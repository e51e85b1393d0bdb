// gRPC adapter of one component's part of erasure and access export (the generated
// clientele.privacy.v1.<Component>Privacy service with EraseSubjectData and ExportSubjectData),
// over the component's domain class, called by the gateway's privacy requests (roles:
// component, admin). Log lines carry the request id and counts, never a subject.
//
//   inline constexpr char kAnalytics[] = "analytics";
//   using AnalyticsPrivacyServiceImpl =
//       privacy::SubjectDataService<privacy::v1::AnalyticsPrivacy::Service, AnalyticsSubjectData,
//                                   kAnalytics>;
//
// `Data` provides
//   absl::StatusOr<int64_t> Erase(const std::vector<privacy::v1::Subject>&);
//   absl::StatusOr<std::string> Export(const privacy::v1::Subject&) const;
// Thread-safe when `Data` is.
#ifndef CLIENTELE_COMMON_PRIVACY_SUBJECT_DATA_SERVICE_H_
#define CLIENTELE_COMMON_PRIVACY_SUBJECT_DATA_SERVICE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "clientele/privacy/v1/privacy.pb.h"
#include "common/status/grpc_status.h"
#include "grpcpp/server_context.h"
#include "spdlog/spdlog.h"

namespace clientele::privacy {

template <typename ServiceBase, typename Data, const char* kComponent>
class SubjectDataService final : public ServiceBase {
 public:
  // `data` is not owned and must outlive the service.
  explicit SubjectDataService(Data* data) : data_(data) {}

  grpc::Status EraseSubjectData(grpc::ServerContext* /*context*/,
                                const v1::EraseSubjectDataRequest* request,
                                v1::EraseSubjectDataResponse* response) override {
    const std::vector<v1::Subject> subjects(request->subjects().begin(), request->subjects().end());
    absl::StatusOr<int64_t> deleted = data_->Erase(subjects);
    if (!deleted.ok()) {
      spdlog::warn("{} privacy: erasure {} failed: {}", kComponent, request->request_id(),
                   deleted.status().ToString());
      return ToGrpcStatus(deleted.status());
    }
    spdlog::info("{} privacy: erasure {}: {} subjects, {} keys deleted", kComponent,
                 request->request_id(), subjects.size(), *deleted);
    response->set_keys_deleted(*deleted);
    return grpc::Status::OK;
  }

  grpc::Status ExportSubjectData(grpc::ServerContext* /*context*/,
                                 const v1::ExportSubjectDataRequest* request,
                                 v1::ExportSubjectDataResponse* response) override {
    absl::StatusOr<std::string> json = data_->Export(request->subject());
    if (!json.ok()) return ToGrpcStatus(json.status());
    response->set_json(*std::move(json));
    return grpc::Status::OK;
  }

 private:
  Data* const data_;
};

}  // namespace clientele::privacy

#endif  // CLIENTELE_COMMON_PRIVACY_SUBJECT_DATA_SERVICE_H_
