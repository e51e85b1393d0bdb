#include "analytics/analytics_service.h"

#include <utility>

#include "common/proto_check/grpc_request_parsing.h"
#include "common/status/grpc_status.h"

namespace clientele::analytics {
AnalyticsServiceImpl::AnalyticsServiceImpl(JobManager* jobs, const AnalyticsQueries* queries)
    : jobs_(jobs), queries_(queries) {
  // Requests are parsed here, so that one protobuf refuses fails with INVALID_ARGUMENT naming
  // the field instead of INTERNAL with an empty message (docs/decisions.md).
  const auto& service =
      *v1::StartJobRequest::descriptor()->file()->FindServiceByName("AnalyticsService");
  auto checked = [this, &service](std::string_view method, grpc::internal::MethodHandler* handler) {
    MarkMethodStreamed(proto_check::MethodIndex(service, method), handler);
  };
  checked("StartJob", proto_check::NewCheckedUnaryHandler(this, &AnalyticsServiceImpl::StartJob));
  checked("GetJob", proto_check::NewCheckedUnaryHandler(this, &AnalyticsServiceImpl::GetJob));
  checked("ListJobs", proto_check::NewCheckedUnaryHandler(this, &AnalyticsServiceImpl::ListJobs));
  checked("CancelJob", proto_check::NewCheckedUnaryHandler(this, &AnalyticsServiceImpl::CancelJob));
  checked("GetCustomerAnalytics",
          proto_check::NewCheckedUnaryHandler(this, &AnalyticsServiceImpl::GetCustomerAnalytics));
  checked("ListSegments",
          proto_check::NewCheckedUnaryHandler(this, &AnalyticsServiceImpl::ListSegments));
  checked("ListCustomersInSegment",
          proto_check::NewCheckedUnaryHandler(this, &AnalyticsServiceImpl::ListCustomersInSegment));
  checked("GetModel", proto_check::NewCheckedUnaryHandler(this, &AnalyticsServiceImpl::GetModel));
  checked("PredictCluster",
          proto_check::NewCheckedUnaryHandler(this, &AnalyticsServiceImpl::PredictCluster));
  checked("ListRfm", proto_check::NewCheckedUnaryHandler(this, &AnalyticsServiceImpl::ListRfm));
}

grpc::Status AnalyticsServiceImpl::StartJob(grpc::ServerContext* /*context*/,
                                            const v1::StartJobRequest* request,
                                            v1::StartJobResponse* response) {
  absl::StatusOr<StartedJob> started = jobs_->StartJob(request->spec(), request->idempotency_key());
  if (!started.ok()) return ToGrpcStatus(started.status());
  *response->mutable_job() = std::move(started->job);
  response->set_existing(started->existing);
  return grpc::Status::OK;
}

grpc::Status AnalyticsServiceImpl::GetJob(grpc::ServerContext* /*context*/,
                                          const v1::GetJobRequest* request,
                                          v1::GetJobResponse* response) {
  absl::StatusOr<v1::Job> job = jobs_->GetJob(request->job_id());
  if (!job.ok()) return ToGrpcStatus(job.status());
  *response->mutable_job() = std::move(*job);
  return grpc::Status::OK;
}

grpc::Status AnalyticsServiceImpl::ListJobs(grpc::ServerContext* /*context*/,
                                            const v1::ListJobsRequest* request,
                                            v1::ListJobsResponse* response) {
  absl::StatusOr<JobPage> page = jobs_->ListJobs(request->page_size(), request->page_token());
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (v1::Job& job : page->jobs) *response->add_jobs() = std::move(job);
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status AnalyticsServiceImpl::CancelJob(grpc::ServerContext* /*context*/,
                                             const v1::CancelJobRequest* request,
                                             v1::CancelJobResponse* response) {
  absl::StatusOr<v1::Job> job = jobs_->CancelJob(request->job_id());
  if (!job.ok()) return ToGrpcStatus(job.status());
  *response->mutable_job() = std::move(*job);
  return grpc::Status::OK;
}

grpc::Status AnalyticsServiceImpl::GetCustomerAnalytics(
    grpc::ServerContext* /*context*/, const v1::GetCustomerAnalyticsRequest* request,
    v1::GetCustomerAnalyticsResponse* response) {
  return Reply(queries_->GetCustomerAnalytics(*request), response);
}

grpc::Status AnalyticsServiceImpl::ListSegments(grpc::ServerContext* /*context*/,
                                                const v1::ListSegmentsRequest* request,
                                                v1::ListSegmentsResponse* response) {
  return Reply(queries_->ListSegments(*request), response);
}

grpc::Status AnalyticsServiceImpl::ListCustomersInSegment(
    grpc::ServerContext* context, const v1::ListCustomersInSegmentRequest* request,
    v1::ListCustomersInSegmentResponse* response) {
  return Reply(queries_->ListCustomersInSegment(*request, ServerCallInterrupt(context)), response);
}

grpc::Status AnalyticsServiceImpl::GetModel(grpc::ServerContext* /*context*/,
                                            const v1::GetModelRequest* request,
                                            v1::GetModelResponse* response) {
  return Reply(queries_->GetModel(*request), response);
}

grpc::Status AnalyticsServiceImpl::PredictCluster(grpc::ServerContext* /*context*/,
                                                  const v1::PredictClusterRequest* request,
                                                  v1::PredictClusterResponse* response) {
  return Reply(queries_->PredictCluster(*request), response);
}

grpc::Status AnalyticsServiceImpl::ListRfm(grpc::ServerContext* context,
                                           const v1::ListRfmRequest* request,
                                           v1::ListRfmResponse* response) {
  return Reply(queries_->ListRfm(*request, ServerCallInterrupt(context)), response);
}

}  // namespace clientele::analytics
