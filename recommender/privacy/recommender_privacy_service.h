// gRPC adapter of clientele.privacy.v1.RecommenderPrivacy over RecommenderSubjectData: the
// recommender part of erasure and access export, called by the gateway's privacy requests (roles:
// component, admin). Thread-safe.
#ifndef CLIENTELE_RECOMMENDER_PRIVACY_RECOMMENDER_PRIVACY_SERVICE_H_
#define CLIENTELE_RECOMMENDER_PRIVACY_RECOMMENDER_PRIVACY_SERVICE_H_

#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "common/privacy/subject_data_service.h"
#include "recommender/privacy/recommender_subject_data.h"

namespace clientele::recommender {

inline constexpr char kRecommenderPrivacyComponent[] = "recommender";

using RecommenderPrivacyServiceImpl =
    privacy::SubjectDataService<privacy::v1::RecommenderPrivacy::Service, RecommenderSubjectData,
                                kRecommenderPrivacyComponent>;

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_PRIVACY_RECOMMENDER_PRIVACY_SERVICE_H_
