// gRPC adapter of clientele.privacy.v1.AnalyticsPrivacy over AnalyticsSubjectData: the
// analytics part of erasure and access export, called by the gateway's privacy requests
// (roles: component, admin). Thread-safe.
#ifndef CLIENTELE_ANALYTICS_PRIVACY_ANALYTICS_PRIVACY_SERVICE_H_
#define CLIENTELE_ANALYTICS_PRIVACY_ANALYTICS_PRIVACY_SERVICE_H_

#include "analytics/privacy/analytics_subject_data.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"

namespace clientele::analytics {

class AnalyticsPrivacyServiceImpl final : public privacy::v1::AnalyticsPrivacy::Service {
 public:
  // `data` is not owned and must outlive the service.
  explicit AnalyticsPrivacyServiceImpl(AnalyticsSubjectData* data) : data_(data) {}

  grpc::Status EraseSubjectData(grpc::ServerContext* context,
                                const privacy::v1::EraseSubjectDataRequest* request,
                                privacy::v1::EraseSubjectDataResponse* response) override;
  grpc::Status ExportSubjectData(grpc::ServerContext* context,
                                 const privacy::v1::ExportSubjectDataRequest* request,
                                 privacy::v1::ExportSubjectDataResponse* response) override;

 private:
  AnalyticsSubjectData* const data_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_PRIVACY_ANALYTICS_PRIVACY_SERVICE_H_
