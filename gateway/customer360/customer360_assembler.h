// The domain side of Customer 360 (no gRPC): which backend calls one GetCustomer360 request
// needs, and how their results (each an absl::StatusOr) merge into one response with a status
// per part. The gRPC fan-out (customer360_fanout.h) only makes the calls it is told to and
// hands back what came back.
//
//   CLT_ASSIGN_OR_RETURN(Customer360Assembler assembler, Customer360Assembler::Start(request));
//   ... call identity GetProfile with assembler.profile_request() ...
//   CLT_RETURN_IF_ERROR(assembler.SetProfile(std::move(profile)));   // NotFound ends the call
//   ... in parallel: the *_request() that are set (unset: the part cannot be asked) ...
//   assembler.SetConsents(...); assembler.SetAnalytics(...); ...
//   GetCustomer360Response response = std::move(assembler).Finish();
//
// Parts: profile (identity GetProfile), consents (identity GetConsents), rfm (analytics
// GetCustomerAnalytics: RFM, segment, cluster), orders (analytics ListCustomerOrders over the
// profile's member source keys), recommendations (recommender Recommend, respecting the
// profiling consent). A part whose call failed is left empty with the error as its status,
// the message prefixed with the backend ("recommender: ..."). When identity cannot resolve
// the lookup (other than NotFound), the parts that can do without it still run: a profile id
// or source key lookup asks analytics and the recommender directly; an e-mail or phone lookup
// cannot.
//
// Not thread-safe: one caller drives it, in the order above. Copyable.
#ifndef CLIENTELE_GATEWAY_CUSTOMER360_CUSTOMER360_ASSEMBLER_H_
#define CLIENTELE_GATEWAY_CUSTOMER360_CUSTOMER360_ASSEMBLER_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clientele/analytics/v1/analytics.pb.h"
#include "clientele/gateway/v1/customer.pb.h"
#include "clientele/identity/v1/identity.pb.h"
#include "clientele/recommender/v1/recommender.pb.h"

namespace clientele::gateway {

inline constexpr int kDefaultCustomer360Items = 10;
inline constexpr int kMaxCustomer360Items = 100;
// ListCustomerOrders takes at most this many source keys; a profile with more members lists
// the orders of its first ones (the part's status says so).
inline constexpr int kMaxOrderSourceKeys = 100;

// The PartStatus of an absl::Status, the message prefixed with `backend` ("identity: ...").
v1::PartStatus ToPartStatus(const absl::Status& status, const std::string& backend);

class Customer360Assembler {
 public:
  // InvalidArgument naming the field: no lookup, an empty one, a source key that is not
  // "system/id", a limit outside 0..kMaxCustomer360Items.
  static absl::StatusOr<Customer360Assembler> Start(const v1::GetCustomer360Request& request);

  const identity::v1::GetProfileRequest& profile_request() const { return profile_request_; }

  // The profile call's result. Returns NotFound (the message names the lookup without its
  // personal data) when identity knows no such customer: the call fails with it. Any other
  // error becomes the profile part's status and the parts that can go on without it run.
  absl::Status SetProfile(absl::StatusOr<identity::v1::GetProfileResponse> result);

  // After SetProfile: the requests of the parallel parts; nullopt when the part cannot be
  // asked (its status is already set).
  const std::optional<identity::v1::GetConsentsRequest>& consents_request() const {
    return consents_request_;
  }
  const std::optional<analytics::v1::GetCustomerAnalyticsRequest>& analytics_request() const {
    return analytics_request_;
  }
  const std::optional<analytics::v1::ListCustomerOrdersRequest>& orders_request() const {
    return orders_request_;
  }
  const std::optional<recommender::v1::RecommendRequest>& recommend_request() const {
    return recommend_request_;
  }

  // The results of the parallel parts (each only for a request that was set).
  void SetConsents(absl::StatusOr<identity::v1::GetConsentsResponse> result);
  void SetAnalytics(absl::StatusOr<analytics::v1::GetCustomerAnalyticsResponse> result);
  void SetOrders(absl::StatusOr<analytics::v1::ListCustomerOrdersResponse> result);
  void SetRecommendations(absl::StatusOr<recommender::v1::RecommendResponse> result);

  // The response. Parts never set (a request that was set but whose result never came) get
  // INTERNAL.
  v1::GetCustomer360Response Finish() &&;

 private:
  Customer360Assembler() = default;

  v1::GetCustomer360Request::LookupCase lookup_case_ = v1::GetCustomer360Request::LOOKUP_NOT_SET;
  int orders_limit_ = kDefaultCustomer360Items;
  int recommendations_limit_ = kDefaultCustomer360Items;
  identity::v1::GetProfileRequest profile_request_;
  std::optional<identity::v1::GetConsentsRequest> consents_request_;
  std::optional<analytics::v1::GetCustomerAnalyticsRequest> analytics_request_;
  std::optional<analytics::v1::ListCustomerOrdersRequest> orders_request_;
  std::optional<recommender::v1::RecommendRequest> recommend_request_;
  // Note for the orders part when not every member's orders were asked for.
  std::string orders_note_;
  v1::GetCustomer360Response response_;
  // Which statuses have been set (the others become INTERNAL in Finish).
  bool profile_set_ = false, consents_set_ = false, rfm_set_ = false, orders_set_ = false,
       recommendations_set_ = false;
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_CUSTOMER360_CUSTOMER360_ASSEMBLER_H_
