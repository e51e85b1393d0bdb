#include "analytics/privacy/analytics_subject_data.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "analytics/analytics_schema.h"
#include "analytics/orders/customer_order.h"
#include "common/privacy/subject_set.h"
#include "common/source_key/source_key.h"
#include "common/status/status_macros.h"
#include "nlohmann/json.hpp"

namespace clientele::analytics {
namespace {

bool SameKey(const common::v1::SourceKey& a, const common::v1::SourceKey& b) {
  return a.system() == b.system() && a.id() == b.id();
}

absl::StatusOr<nlohmann::json> ToJson(const google::protobuf::Message& message) {
  return privacy::ProtoToJson(message, /*print_zero_values=*/true);
}

}  // namespace

absl::StatusOr<int64_t> AnalyticsSubjectData::Erase(
    const std::vector<privacy::v1::Subject>& subjects) {
  CLT_ASSIGN_OR_RETURN(const privacy::SubjectSet set, privacy::CollectSubjects(subjects));
  absl::MutexLock lock(&erase_mu_);
  storage::KvStore& kv = *store_->kv();
  std::unique_ptr<storage::WriteBatch> batch = kv.NewWriteBatch();
  int64_t deleted = 0;
  for (const common::v1::SourceKey& key : set.keys) {
    CLT_ASSIGN_OR_RETURN(const int64_t n, store_->DeleteCustomer(*batch, key));
    deleted += n;
  }
  const absl::flat_hash_set<std::string>& subject_profiles = set.profile_id_set;
  CLT_ASSIGN_OR_RETURN(const uint64_t last, store_->LastAllocatedVersion());
  for (uint64_t version = 1; version <= last; ++version) {
    absl::flat_hash_set<std::string> profiles = subject_profiles;
    for (const common::v1::SourceKey& key : set.keys) {
      profiles.insert(FormatSourceKey(key));
      CLT_ASSIGN_OR_RETURN(std::optional<std::string> member, store_->GetMember(version, key));
      if (!member) continue;
      store_->DeleteMember(*batch, version, key);
      ++deleted;
      if (subject_profiles.contains(*member)) continue;
      // Another profile listed the key when scored (since split off): it keeps its figures
      // and loses the key.
      CLT_ASSIGN_OR_RETURN(std::optional<v1::RfmRow> row, store_->GetRfmRow(version, *member));
      if (!row) continue;
      auto* ids = row->mutable_source_ids();
      const auto end = std::remove_if(ids->begin(), ids->end(),
                                      [&](const auto& id) { return SameKey(id, key); });
      if (end == ids->end()) continue;
      ids->erase(end, ids->end());
      store_->PutRfmRow(*batch, version, *row);
      ++deleted;
    }
    for (const std::string& profile : profiles) {
      CLT_ASSIGN_OR_RETURN(const int64_t n, store_->DeleteProfileRows(*batch, version, profile));
      deleted += n;
    }
  }
  if (batch->Count() > 0) CLT_RETURN_IF_ERROR(kv.Write(*batch));
  // Always: a retry after a failed purge finds nothing left to delete but must still purge.
  CLT_RETURN_IF_ERROR(kv.PurgeDeleted(
      {kAggregatesCf, kAttributesCf, kOrdersCf, kRfmRowsCf, kClusterRowsCf, kMembersCf}));
  return deleted;
}

absl::StatusOr<std::string> AnalyticsSubjectData::Export(
    const privacy::v1::Subject& subject) const {
  CLT_ASSIGN_OR_RETURN(const privacy::SubjectSet set, privacy::CollectSubjects({subject}));
  std::vector<v1::CustomerOrder> orders;
  for (const common::v1::SourceKey& key : set.keys) {
    CLT_ASSIGN_OR_RETURN(std::vector<v1::CustomerOrder> of_key,
                         store_->LatestOrders(key, std::numeric_limits<int>::max()));
    for (v1::CustomerOrder& order : of_key) orders.push_back(std::move(order));
  }
  const size_t count = orders.size();
  nlohmann::json orders_json = nlohmann::json::array();
  for (const v1::CustomerOrder& order : NewestOrders(std::move(orders), static_cast<int>(count))) {
    CLT_ASSIGN_OR_RETURN(nlohmann::json json, ToJson(order));
    orders_json.push_back(std::move(json));
  }

  // The subject's profile in a model version: a profile id of the subject with a row, else
  // the profile a source key was scored as (members row, or the key itself).
  auto profile_in = [&](uint64_t version,
                        const std::function<absl::StatusOr<bool>(const std::string&)>& has_row)
      -> absl::StatusOr<std::optional<std::string>> {
    for (const std::string& id : set.profile_ids) {
      CLT_ASSIGN_OR_RETURN(const bool found, has_row(id));
      if (found) return std::optional<std::string>(id);
    }
    for (const common::v1::SourceKey& key : set.keys) {
      CLT_ASSIGN_OR_RETURN(std::optional<std::string> member, store_->GetMember(version, key));
      const std::string id = member ? *member : FormatSourceKey(key);
      CLT_ASSIGN_OR_RETURN(const bool found, has_row(id));
      if (found) return std::optional<std::string>(id);
    }
    return std::optional<std::string>();
  };

  nlohmann::json rfm = nlohmann::json::object();
  nlohmann::json segment = nlohmann::json::object();
  CLT_ASSIGN_OR_RETURN(const uint64_t rfm_version, store_->ActiveVersion(v1::JOB_KIND_RFM));
  if (rfm_version != 0) {
    std::optional<v1::RfmRow> row;
    CLT_ASSIGN_OR_RETURN(
        std::optional<std::string> profile,
        profile_in(rfm_version, [&](const std::string& id) -> absl::StatusOr<bool> {
          CLT_ASSIGN_OR_RETURN(row, store_->GetRfmRow(rfm_version, id));
          return row.has_value();
        }));
    if (profile && row) {
      CLT_ASSIGN_OR_RETURN(rfm, ToJson(*row));
      CLT_ASSIGN_OR_RETURN(std::optional<v1::Model> model, store_->GetModel(rfm_version));
      if (model) {
        for (const v1::SegmentSummary& summary : model->rfm().segments()) {
          if (summary.segment() == row->segment()) {
            CLT_ASSIGN_OR_RETURN(segment, ToJson(summary));
          }
        }
      }
    }
  }
  nlohmann::json cluster = nlohmann::json::object();
  CLT_ASSIGN_OR_RETURN(const uint64_t cluster_version,
                       store_->ActiveVersion(v1::JOB_KIND_RECLUSTER));
  if (cluster_version != 0) {
    std::optional<int32_t> assigned;
    CLT_ASSIGN_OR_RETURN(
        std::optional<std::string> profile,
        profile_in(cluster_version, [&](const std::string& id) -> absl::StatusOr<bool> {
          CLT_ASSIGN_OR_RETURN(assigned, store_->GetClusterRow(cluster_version, id));
          return assigned.has_value();
        }));
    if (profile && assigned) {
      CLT_ASSIGN_OR_RETURN(std::optional<v1::Model> model, store_->GetModel(cluster_version));
      v1::Cluster described;
      described.set_cluster(*assigned);
      if (model) {
        for (const v1::Cluster& c : model->cluster().clusters()) {
          if (c.cluster() == *assigned) described = c;
        }
      }
      CLT_ASSIGN_OR_RETURN(cluster, ToJson(described));
    }
  }
  nlohmann::json out = nlohmann::json::object();
  out["orders"] = std::move(orders_json);
  out["rfm"] = std::move(rfm);
  out["segment"] = std::move(segment);
  out["cluster"] = std::move(cluster);
  return out.dump();
}

}  // namespace clientele::analytics
