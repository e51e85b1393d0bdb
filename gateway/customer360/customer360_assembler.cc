#include "gateway/customer360/customer360_assembler.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/source_key/source_key.h"

namespace clientele::gateway {
namespace {

absl::StatusOr<int> Limit(int value, const char* field) {
  if (value < 0 || value > kMaxCustomer360Items) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be between 0 and ",
                                                   kMaxCustomer360Items, " (0 means ",
                                                   kDefaultCustomer360Items, "), got ", value));
  }
  return value == 0 ? kDefaultCustomer360Items : value;
}

v1::PartStatus Ok(std::string message = "") {
  v1::PartStatus status;
  status.set_code(v1::PartStatus::OK);
  status.set_message(std::move(message));
  return status;
}

}  // namespace

v1::PartStatus ToPartStatus(const absl::Status& status, const std::string& backend) {
  if (status.ok()) return Ok();
  v1::PartStatus part;
  const int code = static_cast<int>(status.code());
  part.set_code(v1::PartStatus::Code_IsValid(code) ? static_cast<v1::PartStatus::Code>(code)
                                                   : v1::PartStatus::UNKNOWN);
  part.set_message(absl::StrCat(backend, ": ", status.message()));
  return part;
}

absl::StatusOr<Customer360Assembler> Customer360Assembler::Start(
    const v1::GetCustomer360Request& request) {
  Customer360Assembler assembler;
  identity::v1::ProfileLookup& lookup = *assembler.profile_request_.mutable_lookup();
  switch (request.lookup_case()) {
    case v1::GetCustomer360Request::kProfileId:
      if (request.profile_id().empty()) return absl::InvalidArgumentError("profile_id: empty");
      lookup.set_profile_id(request.profile_id());
      break;
    case v1::GetCustomer360Request::kEmail:
      if (request.email().empty()) return absl::InvalidArgumentError("email: empty");
      lookup.set_email(request.email());
      break;
    case v1::GetCustomer360Request::kPhone:
      if (request.phone().empty()) return absl::InvalidArgumentError("phone: empty");
      lookup.set_phone(request.phone());
      break;
    case v1::GetCustomer360Request::kSourceKey: {
      absl::StatusOr<common::v1::SourceKey> key =
          ParseSourceKey(request.source_key(), "source_key");
      if (!key.ok()) return key.status();
      *lookup.mutable_source() = *std::move(key);
      break;
    }
    case v1::GetCustomer360Request::LOOKUP_NOT_SET:
      return absl::InvalidArgumentError("lookup: give one of profile_id, email, phone, source_key");
  }
  assembler.lookup_case_ = request.lookup_case();
  absl::StatusOr<int> orders = Limit(request.orders_limit(), "orders_limit");
  if (!orders.ok()) return orders.status();
  absl::StatusOr<int> recommendations =
      Limit(request.recommendations_limit(), "recommendations_limit");
  if (!recommendations.ok()) return recommendations.status();
  assembler.orders_limit_ = *orders;
  assembler.recommendations_limit_ = *recommendations;
  return assembler;
}

absl::Status Customer360Assembler::SetProfile(
    absl::StatusOr<identity::v1::GetProfileResponse> result) {
  const identity::v1::ProfileLookup& lookup = profile_request_.lookup();
  if (absl::IsNotFound(result.status())) {
    // Identity's message may quote the e-mail or phone: name the kind of lookup only.
    switch (lookup_case_) {
      case v1::GetCustomer360Request::kProfileId:
        return absl::NotFoundError(
            absl::StrCat("profile_id: no profile '", lookup.profile_id(), "'"));
      case v1::GetCustomer360Request::kSourceKey:
        return absl::NotFoundError(
            absl::StrCat("source_key: no profile has '", FormatSourceKey(lookup.source()), "'"));
      case v1::GetCustomer360Request::kEmail:
        return absl::NotFoundError("email: no profile has this e-mail");
      default:
        return absl::NotFoundError("phone: no profile has this phone");
    }
  }
  profile_set_ = true;
  recommender::v1::RecommendRequest recommend;
  recommend.set_k(recommendations_limit_);
  // The recommender gives popular items to a profile without a profiling consent.
  recommend.set_respect_consent(true);
  analytics::v1::GetCustomerAnalyticsRequest analytics;
  analytics::v1::ListCustomerOrdersRequest orders;
  orders.set_limit(orders_limit_);

  if (result.ok()) {
    identity::v1::Profile& profile = *result->mutable_profile();
    *response_.mutable_status()->mutable_profile() =
        result->other_profile_ids().empty()
            ? Ok()
            : Ok(absl::StrCat("also matching: ", absl::StrJoin(result->other_profile_ids(), ", "),
                              " (the oldest profile is shown)"));
    const std::string profile_id = profile.profile_id();
    identity::v1::GetConsentsRequest consents;
    consents.mutable_lookup()->set_profile_id(profile_id);
    consents_request_ = std::move(consents);
    analytics.set_profile_id(profile_id);
    analytics_request_ = std::move(analytics);
    recommend.set_profile_id(profile_id);
    recommend_request_ = std::move(recommend);
    for (const common::v1::SourceKey& member : profile.members()) {
      if (orders.source_keys_size() == kMaxOrderSourceKeys) {
        orders_note_ = absl::StrCat("orders of the first ", kMaxOrderSourceKeys, " of ",
                                    profile.members_size(), " member records");
        break;
      }
      *orders.add_source_keys() = member;
    }
    if (orders.source_keys().empty()) {
      orders_set_ = true;
      *response_.mutable_status()->mutable_orders() = Ok("the profile has no member records");
    } else {
      orders_request_ = std::move(orders);
    }
    *response_.mutable_profile() = std::move(profile);
    return absl::OkStatus();
  }

  // Identity could not resolve the lookup: go on with what needs no profile.
  const v1::PartStatus failed = ToPartStatus(result.status(), "identity");
  *response_.mutable_status()->mutable_profile() = failed;
  consents_set_ = true;
  *response_.mutable_status()->mutable_consents() = failed;
  if (lookup_case_ == v1::GetCustomer360Request::kProfileId) {
    analytics.set_profile_id(lookup.profile_id());
    recommend.set_profile_id(lookup.profile_id());
  } else if (lookup_case_ == v1::GetCustomer360Request::kSourceKey) {
    *analytics.mutable_source_key() = lookup.source();
    *recommend.mutable_source_key() = lookup.source();
    *orders.add_source_keys() = lookup.source();
    orders_note_ = "only the looked-up record's orders: identity could not list the members";
    orders_request_ = std::move(orders);
  } else {
    rfm_set_ = recommendations_set_ = true;
    *response_.mutable_status()->mutable_rfm() = failed;
    *response_.mutable_status()->mutable_recommendations() = failed;
  }
  if (!orders_request_) {
    orders_set_ = true;
    v1::PartStatus orders_status = failed;
    orders_status.set_message(
        absl::StrCat("the profile's member records are needed: ", failed.message()));
    *response_.mutable_status()->mutable_orders() = std::move(orders_status);
  }
  if (!rfm_set_) analytics_request_ = std::move(analytics);
  if (!recommendations_set_) recommend_request_ = std::move(recommend);
  return absl::OkStatus();
}

void Customer360Assembler::SetConsents(absl::StatusOr<identity::v1::GetConsentsResponse> result) {
  consents_set_ = true;
  *response_.mutable_status()->mutable_consents() = ToPartStatus(result.status(), "identity");
  if (!result.ok()) return;
  for (identity::v1::ConsentState& state : *result->mutable_current()) {
    *response_.add_consents() = std::move(state);
  }
}

void Customer360Assembler::SetAnalytics(
    absl::StatusOr<analytics::v1::GetCustomerAnalyticsResponse> result) {
  rfm_set_ = true;
  *response_.mutable_status()->mutable_rfm() = ToPartStatus(result.status(), "analytics");
  if (!result.ok()) return;
  v1::RfmSummary& rfm = *response_.mutable_rfm();
  if (result->has_rfm()) {
    const analytics::v1::RfmRow& row = result->rfm();
    rfm.set_recency_days(row.recency_days());
    rfm.set_frequency(row.frequency());
    rfm.set_monetary(row.monetary());
    rfm.set_r(row.r());
    rfm.set_f(row.f());
    rfm.set_m(row.m());
    rfm.set_segment(row.segment());
    if (row.has_last_purchase()) *rfm.mutable_last_purchase() = row.last_purchase();
    rfm.set_rfm_model_version(result->rfm_model_version());
    rfm.set_strategy(result->strategy());
  } else {
    response_.mutable_status()->mutable_rfm()->set_message("not in the active RFM model");
  }
  rfm.set_cluster(result->cluster());
  rfm.set_cluster_model_version(result->cluster_model_version());
}

void Customer360Assembler::SetOrders(
    absl::StatusOr<analytics::v1::ListCustomerOrdersResponse> result) {
  orders_set_ = true;
  *response_.mutable_status()->mutable_orders() =
      result.ok() ? Ok(orders_note_) : ToPartStatus(result.status(), "analytics");
  if (!result.ok()) return;
  for (analytics::v1::CustomerOrder& order : *result->mutable_orders()) {
    *response_.add_orders() = std::move(order);
  }
}

void Customer360Assembler::SetRecommendations(
    absl::StatusOr<recommender::v1::RecommendResponse> result) {
  recommendations_set_ = true;
  if (!result.ok()) {
    *response_.mutable_status()->mutable_recommendations() =
        ToPartStatus(result.status(), "recommender");
    return;
  }
  *response_.mutable_status()->mutable_recommendations() =
      result->personalized()
          ? Ok()
          : Ok(result->note().empty() ? "not personalized"
                                      : absl::StrCat("not personalized: ", result->note()));
  for (recommender::v1::RecommendedItem& item : *result->mutable_items()) {
    *response_.add_recommendations() = std::move(item);
  }
}

v1::GetCustomer360Response Customer360Assembler::Finish() && {
  v1::Customer360Status& status = *response_.mutable_status();
  const absl::Status missing = absl::InternalError("no result");
  if (!profile_set_) *status.mutable_profile() = ToPartStatus(missing, "identity");
  if (!consents_set_) *status.mutable_consents() = ToPartStatus(missing, "identity");
  if (!rfm_set_) *status.mutable_rfm() = ToPartStatus(missing, "analytics");
  if (!orders_set_) *status.mutable_orders() = ToPartStatus(missing, "analytics");
  if (!recommendations_set_) {
    *status.mutable_recommendations() = ToPartStatus(missing, "recommender");
  }
  return std::move(response_);
}

}  // namespace clientele::gateway
