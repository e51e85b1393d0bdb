// gRPC adapter of clientele.privacy.v1.AnalyticsPrivacy over AnalyticsSubjectData: the analytics
// part of erasure and access export, called by the gateway's privacy requests (roles: component,
// admin). Thread-safe.
#ifndef CLIENTELE_ANALYTICS_PRIVACY_ANALYTICS_PRIVACY_SERVICE_H_
#define CLIENTELE_ANALYTICS_PRIVACY_ANALYTICS_PRIVACY_SERVICE_H_

#include "analytics/privacy/analytics_subject_data.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "common/privacy/subject_data_service.h"

namespace clientele::analytics {

inline constexpr char kAnalyticsPrivacyComponent[] = "analytics";

using AnalyticsPrivacyServiceImpl =
    privacy::SubjectDataService<privacy::v1::AnalyticsPrivacy::Service, AnalyticsSubjectData,
                                kAnalyticsPrivacyComponent>;

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_PRIVACY_ANALYTICS_PRIVACY_SERVICE_H_
