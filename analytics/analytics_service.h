// gRPC adapter of the analytics service (clientele.analytics.v1.AnalyticsService) over
// AnalyticsQueries (reads). Each method converts, calls the domain and maps the status at one
// place (ToGrpcStatus). Jobs (rfm, recluster) are served by clientele.common.v1.JobService
// (common/jobs/job_service.h). Thread-safe.
#ifndef CLIENTELE_ANALYTICS_ANALYTICS_SERVICE_H_
#define CLIENTELE_ANALYTICS_ANALYTICS_SERVICE_H_

#include "analytics/analytics_queries.h"
#include "clientele/analytics/v1/analytics.grpc.pb.h"

namespace clientele::analytics {

class AnalyticsServiceImpl final : public v1::AnalyticsService::Service {
 public:
  // `queries` is not owned and must outlive the service.
  explicit AnalyticsServiceImpl(const AnalyticsQueries* queries);

  grpc::Status GetCustomerAnalytics(grpc::ServerContext* context,
                                    const v1::GetCustomerAnalyticsRequest* request,
                                    v1::GetCustomerAnalyticsResponse* response) override;
  grpc::Status ListSegments(grpc::ServerContext* context, const v1::ListSegmentsRequest* request,
                            v1::ListSegmentsResponse* response) override;
  grpc::Status ListCustomersInSegment(grpc::ServerContext* context,
                                      const v1::ListCustomersInSegmentRequest* request,
                                      v1::ListCustomersInSegmentResponse* response) override;
  grpc::Status GetModel(grpc::ServerContext* context, const v1::GetModelRequest* request,
                        v1::GetModelResponse* response) override;
  grpc::Status PredictCluster(grpc::ServerContext* context,
                              const v1::PredictClusterRequest* request,
                              v1::PredictClusterResponse* response) override;
  grpc::Status ListRfm(grpc::ServerContext* context, const v1::ListRfmRequest* request,
                       v1::ListRfmResponse* response) override;
  grpc::Status ListCustomerOrders(grpc::ServerContext* context,
                                  const v1::ListCustomerOrdersRequest* request,
                                  v1::ListCustomerOrdersResponse* response) override;

 private:
  const AnalyticsQueries* const queries_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_ANALYTICS_SERVICE_H_
