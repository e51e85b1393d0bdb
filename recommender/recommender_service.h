// gRPC adapter of the recommender (clientele.recommender.v1.RecommenderService) over
// RecommenderQueries (reads from the in-memory snapshot) and the store (item vectors); jobs
// (train, evaluate) are served by clientele.common.v1.JobService (common/jobs/job_service.h). Each
// method converts, calls the domain and maps the status at one place (ToGrpcStatus). Thread-safe.
//
// Recommend, the hot call, uses gRPC's callback API: it is answered on the gRPC thread that
// read the request, without the hand-off to a sync-server poller thread that the other
// methods pay (on two cores that hand-off set the tail latency). It does not block, except
// for a profile the model has never seen, where the cold-start path may ask identity.
#ifndef CLIENTELE_RECOMMENDER_RECOMMENDER_SERVICE_H_
#define CLIENTELE_RECOMMENDER_RECOMMENDER_SERVICE_H_

#include "clientele/recommender/v1/recommender.grpc.pb.h"
#include "recommender/serving/recommender_queries.h"
#include "recommender/state/recommender_store.h"

namespace clientele::recommender {

class RecommenderServiceImpl final
    : public v1::RecommenderService::WithCallbackMethod_Recommend<v1::RecommenderService::Service> {
 public:
  // Nothing is owned; all must outlive the service. `store` is null on a serving replica
  // (PutItemVectors is then FAILED_PRECONDITION).
  RecommenderServiceImpl(const RecommenderQueries* queries, RecommenderStore* store);

  grpc::ServerUnaryReactor* Recommend(grpc::CallbackServerContext* context,
                                      const v1::RecommendRequest* request,
                                      v1::RecommendResponse* response) override;
  grpc::Status SimilarItems(grpc::ServerContext* context, const v1::SimilarItemsRequest* request,
                            v1::SimilarItemsResponse* response) override;
  grpc::Status CompleteBasket(grpc::ServerContext* context,
                              const v1::CompleteBasketRequest* request,
                              v1::CompleteBasketResponse* response) override;
  grpc::Status ListRules(grpc::ServerContext* context, const v1::ListRulesRequest* request,
                         v1::ListRulesResponse* response) override;
  grpc::Status GetModelInfo(grpc::ServerContext* context, const v1::GetModelInfoRequest* request,
                            v1::GetModelInfoResponse* response) override;
  grpc::Status PutItemVectors(grpc::ServerContext* context,
                              const v1::PutItemVectorsRequest* request,
                              v1::PutItemVectorsResponse* response) override;

 private:
  const RecommenderQueries* const queries_;
  RecommenderStore* const store_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_RECOMMENDER_SERVICE_H_
