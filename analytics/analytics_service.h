// gRPC adapter of the analytics service (clientele.analytics.v1.AnalyticsService) over the
// JobManager (jobs) and AnalyticsQueries (reads). Each method converts, calls the domain and
// maps the status at one place (ToGrpcStatus). Jobs run on the JobManager's worker thread,
// never on the RPC thread. Thread-safe.
#ifndef CLIENTELE_ANALYTICS_ANALYTICS_SERVICE_H_
#define CLIENTELE_ANALYTICS_ANALYTICS_SERVICE_H_

#include "analytics/analytics_queries.h"
#include "analytics/jobs/job_manager.h"
#include "clientele/analytics/v1/analytics.grpc.pb.h"

namespace clientele::analytics {

class AnalyticsServiceImpl final : public v1::AnalyticsService::Service {
 public:
  // Nothing is owned; both must outlive the service.
  AnalyticsServiceImpl(JobManager* jobs, const AnalyticsQueries* queries);

  grpc::Status StartJob(grpc::ServerContext* context, const v1::StartJobRequest* request,
                        v1::StartJobResponse* response) override;
  grpc::Status GetJob(grpc::ServerContext* context, const v1::GetJobRequest* request,
                      v1::GetJobResponse* response) override;
  grpc::Status ListJobs(grpc::ServerContext* context, const v1::ListJobsRequest* request,
                        v1::ListJobsResponse* response) override;
  grpc::Status CancelJob(grpc::ServerContext* context, const v1::CancelJobRequest* request,
                         v1::CancelJobResponse* response) override;
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

 private:
  JobManager* const jobs_;
  const AnalyticsQueries* const queries_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_ANALYTICS_SERVICE_H_
