#include "analytics/analytics_service.h"

#include <utility>

#include "common/proto_check/grpc_request_parsing.h"
#include "common/status/grpc_status.h"

namespace clientele::analytics {
AnalyticsServiceImpl::AnalyticsServiceImpl(const AnalyticsQueries* queries) : queries_(queries) {
  // Requests are parsed here, so that one protobuf refuses fails with INVALID_ARGUMENT naming
  // the field instead of INTERNAL with an empty message (docs/decisions.md).
  const auto& service =
      *v1::GetModelRequest::descriptor()->file()->FindServiceByName("AnalyticsService");
  auto checked = [this, &service](std::string_view method, grpc::internal::MethodHandler* handler) {
    MarkMethodStreamed(proto_check::MethodIndex(service, method), handler);
  };
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
  checked("ListCustomerOrders",
          proto_check::NewCheckedUnaryHandler(this, &AnalyticsServiceImpl::ListCustomerOrders));
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

grpc::Status AnalyticsServiceImpl::ListCustomerOrders(grpc::ServerContext* /*context*/,
                                                      const v1::ListCustomerOrdersRequest* request,
                                                      v1::ListCustomerOrdersResponse* response) {
  return Reply(queries_->ListCustomerOrders(*request), response);
}

}  // namespace clientele::analytics
