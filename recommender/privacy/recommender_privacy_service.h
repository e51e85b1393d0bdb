// gRPC adapter of clientele.privacy.v1.RecommenderPrivacy over RecommenderSubjectData: the
// recommender's part of erasure and access export, called by the gateway's privacy requests
// (roles: component, admin). Thread-safe.
#ifndef CLIENTELE_RECOMMENDER_PRIVACY_RECOMMENDER_PRIVACY_SERVICE_H_
#define CLIENTELE_RECOMMENDER_PRIVACY_RECOMMENDER_PRIVACY_SERVICE_H_

#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "recommender/privacy/recommender_subject_data.h"

namespace clientele::recommender {

class RecommenderPrivacyServiceImpl final : public privacy::v1::RecommenderPrivacy::Service {
 public:
  // `data` is not owned and must outlive the service.
  explicit RecommenderPrivacyServiceImpl(RecommenderSubjectData* data) : data_(data) {}

  grpc::Status EraseSubjectData(grpc::ServerContext* context,
                                const privacy::v1::EraseSubjectDataRequest* request,
                                privacy::v1::EraseSubjectDataResponse* response) override;
  grpc::Status ExportSubjectData(grpc::ServerContext* context,
                                 const privacy::v1::ExportSubjectDataRequest* request,
                                 privacy::v1::ExportSubjectDataResponse* response) override;

 private:
  RecommenderSubjectData* const data_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_PRIVACY_RECOMMENDER_PRIVACY_SERVICE_H_
