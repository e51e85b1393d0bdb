#include "analytics/analytics_queries.h"

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analytics/clustering/cluster_predictor.h"
#include "analytics/features/preprocessor.h"
#include "analytics/orders/customer_order.h"
#include "analytics/rfm/rfm.h"
#include "analytics/rfm/rfm_reference.h"
#include "common/status/status_macros.h"

namespace clientele::analytics {
namespace {

const char* KindText(v1::JobKind kind) { return kind == v1::JOB_KIND_RFM ? "rfm" : "recluster"; }

absl::StatusOr<int> PageSize(int requested, int default_size, int max_size) {
  if (requested < 0 || requested > max_size) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be between 0 and ", max_size));
  }
  return requested == 0 ? default_size : requested;
}

}  // namespace

absl::StatusOr<v1::Model> AnalyticsQueries::ModelOf(v1::JobKind kind, uint64_t version,
                                                    const char* field) const {
  CLT_ASSIGN_OR_RETURN(const uint64_t active, store_->ActiveVersion(kind));
  if (version == 0) {
    if (active == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "no ", KindText(kind), " model yet: run a `", KindText(kind), "` job first"));
    }
    version = active;
  }
  CLT_ASSIGN_OR_RETURN(std::optional<v1::Model> model, store_->GetModel(version));
  if (!model) return absl::NotFoundError(absl::StrCat(field, ": no model version ", version));
  if (model->kind() != kind) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": model version ", version, " is not a ", KindText(kind), " model"));
  }
  model->set_active(version == active);
  return std::move(*model);
}

absl::StatusOr<v1::GetCustomerAnalyticsResponse> AnalyticsQueries::GetCustomerAnalytics(
    const v1::GetCustomerAnalyticsRequest& request) const {
  CLT_ASSIGN_OR_RETURN(const uint64_t rfm_version, store_->ActiveVersion(v1::JOB_KIND_RFM));
  CLT_ASSIGN_OR_RETURN(const uint64_t cluster_version,
                       store_->ActiveVersion(v1::JOB_KIND_RECLUSTER));
  if (rfm_version == 0 && cluster_version == 0) {
    return absl::FailedPreconditionError("no model yet: run an `rfm` or `recluster` job first");
  }
  std::string rfm_profile, cluster_profile, shown;
  if (request.who_case() == v1::GetCustomerAnalyticsRequest::kProfileId) {
    if (request.profile_id().empty()) return absl::InvalidArgumentError("profile_id: empty");
    rfm_profile = cluster_profile = shown = request.profile_id();
  } else if (request.who_case() == v1::GetCustomerAnalyticsRequest::kSourceKey) {
    const common::v1::SourceKey& key = request.source_key();
    if (key.system().empty() || key.id().empty()) {
      return absl::InvalidArgumentError("source_key: system and id are required");
    }
    shown = FormatSourceKey(key);
    // Without a members entry the source key was its own profile (or not in the model).
    rfm_profile = cluster_profile = shown;
    if (rfm_version != 0) {
      CLT_ASSIGN_OR_RETURN(std::optional<std::string> p, store_->GetMember(rfm_version, key));
      if (p) rfm_profile = *p;
    }
    if (cluster_version != 0) {
      CLT_ASSIGN_OR_RETURN(std::optional<std::string> p, store_->GetMember(cluster_version, key));
      if (p) cluster_profile = *p;
    }
  } else {
    return absl::InvalidArgumentError("profile_id or source_key: one is required");
  }
  v1::GetCustomerAnalyticsResponse response;
  response.set_cluster(-1);
  bool found = false;
  if (rfm_version != 0 && !rfm_profile.empty()) {
    CLT_ASSIGN_OR_RETURN(std::optional<v1::RfmRow> row,
                         store_->GetRfmRow(rfm_version, rfm_profile));
    if (row) {
      found = true;
      response.set_profile_id(row->profile_id());
      *response.mutable_source_ids() = row->source_ids();
      response.set_rfm_model_version(rfm_version);
      CLT_ASSIGN_OR_RETURN(std::optional<v1::Model> model, store_->GetModel(rfm_version));
      if (model) {
        auto it = model->rfm().strategies().find(row->segment());
        if (it != model->rfm().strategies().end()) response.set_strategy(it->second);
      }
      *response.mutable_rfm() = std::move(*row);
    }
  }
  if (cluster_version != 0 && !cluster_profile.empty()) {
    CLT_ASSIGN_OR_RETURN(std::optional<int32_t> cluster,
                         store_->GetClusterRow(cluster_version, cluster_profile));
    if (cluster) {
      found = true;
      if (response.profile_id().empty()) response.set_profile_id(cluster_profile);
      response.set_cluster(*cluster);
      response.set_cluster_model_version(cluster_version);
    }
  }
  if (!found) {
    return absl::NotFoundError(absl::StrCat(
        request.who_case() == v1::GetCustomerAnalyticsRequest::kProfileId ? "profile_id: "
                                                                          : "source_key: ",
        "'", shown, "' is not in the active models"));
  }
  return response;
}

absl::StatusOr<v1::ListSegmentsResponse> AnalyticsQueries::ListSegments(
    const v1::ListSegmentsRequest& request) const {
  CLT_ASSIGN_OR_RETURN(v1::Model model,
                       ModelOf(v1::JOB_KIND_RFM, request.model_version(), "model_version"));
  v1::ListSegmentsResponse response;
  response.set_model_version(model.version());
  *response.mutable_segments() = model.rfm().segments();
  response.set_profiles(model.rfm().profiles());
  *response.mutable_reference_date() = model.rfm().reference_date();
  return response;
}

absl::StatusOr<v1::ListCustomersInSegmentResponse> AnalyticsQueries::ListCustomersInSegment(
    const v1::ListCustomersInSegmentRequest& request, const Interrupt& interrupt) const {
  if (request.segment().empty()) return absl::InvalidArgumentError("segment: required");
  CLT_ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size(), 100, 1000));
  CLT_ASSIGN_OR_RETURN(v1::Model model,
                       ModelOf(v1::JOB_KIND_RFM, request.model_version(), "model_version"));
  if (!model.rfm().strategies().contains(request.segment())) {
    return absl::NotFoundError(absl::StrCat("segment: no segment '", request.segment(), "'"));
  }
  CLT_ASSIGN_OR_RETURN(
      std::vector<v1::RfmRow> rows,
      store_->RfmRowsAfter(
          model.version(), request.page_token(), page_size + 1,
          [&](const v1::RfmRow& row) { return row.segment() == request.segment(); }, interrupt));
  v1::ListCustomersInSegmentResponse response;
  if (static_cast<int>(rows.size()) > page_size) {
    rows.pop_back();
    response.set_next_page_token(rows.back().profile_id());
  }
  for (v1::RfmRow& row : rows) *response.add_customers() = std::move(row);
  return response;
}

absl::StatusOr<v1::GetModelResponse> AnalyticsQueries::GetModel(
    const v1::GetModelRequest& request) const {
  if (!v1::JobKind_IsValid(request.kind())) return absl::InvalidArgumentError("kind: unknown");
  v1::JobKind kind = request.kind();
  if (kind == v1::JOB_KIND_UNSPECIFIED) {
    kind = v1::JOB_KIND_RECLUSTER;
    if (request.version() != 0) {
      CLT_ASSIGN_OR_RETURN(std::optional<v1::Model> stored, store_->GetModel(request.version()));
      if (!stored) {
        return absl::NotFoundError(absl::StrCat("version: no model version ", request.version()));
      }
      kind = stored->kind();
    }
  }
  CLT_ASSIGN_OR_RETURN(v1::Model model, ModelOf(kind, request.version(), "version"));
  v1::GetModelResponse response;
  *response.mutable_model() = std::move(model);
  return response;
}

absl::StatusOr<v1::PredictClusterResponse> AnalyticsQueries::PredictCluster(
    const v1::PredictClusterRequest& request) const {
  for (const auto& [name, value] : request.features()) {
    if (!std::isfinite(value)) {
      return absl::InvalidArgumentError(absl::StrCat("features[", name, "]: not a finite number"));
    }
    // Whole-number figures (converted to integers for RFM scoring) must fit comfortably.
    if ((name == "recency_days" || name == "frequency") && std::fabs(value) > 1e12) {
      return absl::InvalidArgumentError(absl::StrCat("features[", name, "]: out of range"));
    }
  }
  CLT_ASSIGN_OR_RETURN(v1::Model model,
                       ModelOf(v1::JOB_KIND_RECLUSTER, request.model_version(), "model_version"));
  const v1::ClusterModel& cm = model.cluster();
  CLT_ASSIGN_OR_RETURN(Preprocessor preprocessor, Preprocessor::Decode(cm.preprocessor()));
  std::vector<FeatureValue> row;
  for (const v1::FeatureColumn& column : cm.features()) {
    if (column.categorical()) {
      auto it = request.categorical().find(column.name());
      row.push_back(it == request.categorical().end() ? FeatureValue() : FeatureValue(it->second));
    } else {
      auto it = request.features().find(column.name());
      if (it == request.features().end()) {
        row.push_back(FeatureValue());
      } else {
        // The job clamps these at 0 before log1p; do the same.
        row.push_back(column.log1p() ? std::max(0.0, it->second) : it->second);
      }
    }
  }
  for (const auto& [name, value] : request.features()) {
    bool known = false;
    for (const v1::FeatureColumn& column : cm.features()) known = known || column.name() == name;
    if (!known && name != "recency_days" && name != "frequency" && name != "monetary") {
      return absl::InvalidArgumentError(
          absl::StrCat("features[", name, "]: not a feature of model ", model.version()));
    }
  }
  const int d = cm.columns_size();
  if (d == 0 || cm.k() < 1 || cm.centroids_size() != cm.k() * d) {
    return absl::DataLossError(absl::StrCat("model ", model.version(), " is inconsistent"));
  }
  Eigen::MatrixXd centroids(cm.k(), d);
  for (int c = 0; c < cm.k(); ++c) {
    for (int j = 0; j < d; ++j) centroids(c, j) = cm.centroids(c * d + j);
  }
  // The free function of analytics/clustering/cluster_predictor.h (this method hides its name).
  absl::StatusOr<ClusterPrediction> prediction =
      ::clientele::analytics::PredictCluster(preprocessor, centroids, row);
  if (!prediction.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("features: ", prediction.status().message()));
  }
  v1::PredictClusterResponse response;
  response.set_model_version(model.version());
  response.set_cluster(prediction->cluster);
  for (int c = 0; c < prediction->distances.size(); ++c) {
    response.add_distances(prediction->distances(c));
  }
  const auto& f = request.features();
  if (f.contains("recency_days") && f.contains("frequency") && f.contains("monetary")) {
    absl::StatusOr<v1::Model> rfm = ModelOf(v1::JOB_KIND_RFM, 0, "model_version");
    if (rfm.ok()) {
      CLT_ASSIGN_OR_RETURN(RfmReference population, RfmReference::Decode(rfm->rfm().reference()));
      // A customer whose last purchase lies recency_days before the reference date.
      CustomerAggregate customer;
      customer.key = "new";
      customer.frequency = static_cast<int64_t>(f.at("frequency"));
      customer.monetary = f.at("monetary");
      customer.last_purchase = population.reference_date() -
                               absl::Hours(24) * static_cast<int64_t>(f.at("recency_days"));
      customer.first_purchase = customer.last_purchase;
      const RfmScore score = population.Score(customer);
      response.set_r(score.r);
      response.set_f(score.f);
      response.set_m(score.m);
      response.set_segment(score.segment);
    }
  }
  return response;
}

absl::StatusOr<v1::ListRfmResponse> AnalyticsQueries::ListRfm(const v1::ListRfmRequest& request,
                                                              const Interrupt& interrupt) const {
  CLT_ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size(), 1000, 10000));
  CLT_ASSIGN_OR_RETURN(v1::Model model,
                       ModelOf(v1::JOB_KIND_RFM, request.model_version(), "model_version"));
  CLT_ASSIGN_OR_RETURN(std::vector<v1::RfmRow> rows,
                       store_->RfmRowsAfter(model.version(), request.page_token(), page_size + 1,
                                            nullptr, interrupt));
  v1::ListRfmResponse response;
  response.set_model_version(model.version());
  response.set_convention(model.rfm().convention());
  if (static_cast<int>(rows.size()) > page_size) {
    rows.pop_back();
    response.set_next_page_token(rows.back().profile_id());
  }
  for (v1::RfmRow& row : rows) *response.add_rows() = std::move(row);
  return response;
}

absl::StatusOr<v1::ListCustomerOrdersResponse> AnalyticsQueries::ListCustomerOrders(
    const v1::ListCustomerOrdersRequest& request) const {
  constexpr int kMaxKeys = 100, kDefaultLimit = 10, kMaxLimit = 1000;
  if (request.source_keys().empty() || request.source_keys_size() > kMaxKeys) {
    return absl::InvalidArgumentError(absl::StrCat(
        "source_keys: give 1 to ", kMaxKeys, " source keys, got ", request.source_keys_size()));
  }
  if (request.limit() < 0 || request.limit() > kMaxLimit) {
    return absl::InvalidArgumentError(absl::StrCat("limit: must be between 0 and ", kMaxLimit,
                                                   " (0 means ", kDefaultLimit, "), got ",
                                                   request.limit()));
  }
  const int limit = request.limit() == 0 ? kDefaultLimit : request.limit();
  std::vector<v1::CustomerOrder> orders;
  for (int i = 0; i < request.source_keys_size(); ++i) {
    const common::v1::SourceKey& key = request.source_keys(i);
    if (key.system().empty() || key.id().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("source_keys[", i, "]: system and id are required"));
    }
    CLT_ASSIGN_OR_RETURN(std::vector<v1::CustomerOrder> of_key, store_->LatestOrders(key, limit));
    for (v1::CustomerOrder& order : of_key) orders.push_back(std::move(order));
  }
  v1::ListCustomerOrdersResponse response;
  for (v1::CustomerOrder& order : NewestOrders(std::move(orders), limit)) {
    *response.add_orders() = std::move(order);
  }
  return response;
}

}  // namespace clientele::analytics
