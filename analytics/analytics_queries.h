// The read side of the analytics service (no gRPC): answers GetCustomerAnalytics,
// ListSegments, ListCustomersInSegment, GetModel, PredictCluster and ListRfm from the stored
// models, and ListCustomerOrders from the order history. Each call reads the active version pointer
// once, so it sees one consistent model even while a job switches versions.
//
// Errors: InvalidArgument naming the field; NotFound for unknown profiles, source keys and
// model versions; FailedPrecondition when no model of the needed kind is active yet.
// Thread-safe; `store` is not owned and must outlive the object.
#ifndef CLIENTELE_ANALYTICS_ANALYTICS_QUERIES_H_
#define CLIENTELE_ANALYTICS_ANALYTICS_QUERIES_H_

#include "absl/status/statusor.h"
#include "analytics/state/analytics_store.h"
#include "clientele/analytics/v1/analytics.pb.h"

namespace clientele::analytics {

class AnalyticsQueries {
 public:
  explicit AnalyticsQueries(const AnalyticsStore* store) : store_(store) {}

  absl::StatusOr<v1::GetCustomerAnalyticsResponse> GetCustomerAnalytics(
      const v1::GetCustomerAnalyticsRequest& request) const;
  absl::StatusOr<v1::ListSegmentsResponse> ListSegments(
      const v1::ListSegmentsRequest& request) const;
  // The paging calls scan stored rows (a rare segment: many of them); they stop with
  // interrupt.Check()'s status (DeadlineExceeded, Cancelled) when the caller stops waiting.
  absl::StatusOr<v1::ListCustomersInSegmentResponse> ListCustomersInSegment(
      const v1::ListCustomersInSegmentRequest& request,
      const Interrupt& interrupt = NoInterrupt()) const;
  absl::StatusOr<v1::GetModelResponse> GetModel(const v1::GetModelRequest& request) const;
  absl::StatusOr<v1::PredictClusterResponse> PredictCluster(
      const v1::PredictClusterRequest& request) const;
  absl::StatusOr<v1::ListRfmResponse> ListRfm(const v1::ListRfmRequest& request,
                                              const Interrupt& interrupt = NoInterrupt()) const;
  // Needs no model: the order history is kept as orders arrive.
  absl::StatusOr<v1::ListCustomerOrdersResponse> ListCustomerOrders(
      const v1::ListCustomerOrdersRequest& request) const;

 private:
  // The model `version` (0: the active one of `kind`), checked to be of `kind`.
  absl::StatusOr<v1::Model> ModelOf(v1::JobKind kind, uint64_t version, const char* field) const;

  const AnalyticsStore* const store_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_ANALYTICS_QUERIES_H_
