#include "analytics/analytics_applier.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "analytics/orders/customer_order.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "spdlog/spdlog.h"

namespace clientele::analytics {
void MergeCustomerUpsert(const common::v1::CustomerUpsert& update,
                         common::v1::CustomerUpsert* stored) {
  if (update.has_birth_date()) *stored->mutable_birth_date() = update.birth_date();
  if (update.gender() != common::v1::GENDER_UNSPECIFIED) stored->set_gender(update.gender());
  if (update.has_address()) {
    common::v1::Address* address = stored->mutable_address();
    const common::v1::Address& in = update.address();
    if (!in.city().empty()) address->set_city(in.city());
    if (!in.region().empty()) address->set_region(in.region());
    if (!in.country().empty()) address->set_country(in.country());
    if (!in.country_code().empty()) address->set_country_code(in.country_code());
  }
  for (const auto& [key, value] : update.attributes()) {
    (*stored->mutable_attributes())[key] = value;
  }
}

std::vector<common::v1::PayloadType> AnalyticsApplier::PayloadTypes() const {
  return {common::v1::PAYLOAD_TYPE_ORDER, common::v1::PAYLOAD_TYPE_CUSTOMER_UPSERT};
}

absl::Status AnalyticsApplier::Apply(uint32_t partition,
                                     absl::Span<const ingest::v1::LogEntry* const> entries,
                                     storage::WriteBatch& batch) {
  // What this call changed so far, by encoded source key (later entries build on it).
  absl::flat_hash_map<std::string, std::pair<common::v1::SourceKey, CustomerOrderAggregate>>
      aggregates;
  absl::flat_hash_map<std::string, std::pair<common::v1::SourceKey, common::v1::CustomerUpsert>>
      attributes;
  for (const ingest::v1::LogEntry* entry : entries) {
    const common::v1::Event& event = entry->event();
    if (event.has_order()) {
      const common::v1::Order& order = event.order();
      if (order.customer().system().empty() && order.customer().id().empty()) continue;
      // Kept whatever the aggregate makes of it (the history shows refused orders too).
      if (std::optional<v1::CustomerOrder> kept = CustomerOrderOf(event)) {
        store_->PutOrder(batch, *kept);
      }
      const std::string key = EncodeSourceKey(order.customer());
      auto it = aggregates.find(key);
      if (it == aggregates.end()) {
        CLT_ASSIGN_OR_RETURN(std::optional<CustomerOrderAggregate> stored,
                             store_->GetAggregate(order.customer()));
        it = aggregates
                 .emplace(key, std::make_pair(order.customer(), stored ? std::move(*stored)
                                                                       : CustomerOrderAggregate()))
                 .first;
      }
      // AddOrder leaves the aggregate unchanged on error.
      if (absl::Status s =
              it->second.second.AddOrder(order, FromProtoTimestamp(event.occurred_at()));
          !s.ok()) {
        skipped_orders_.fetch_add(1);
        spdlog::warn("analytics: skipped order {} of partition {} sequence {}: {}",
                     order.order_id(), partition, entry->sequence(), s.ToString());
      }
    } else if (event.has_customer_upsert()) {
      const std::string key = EncodeSourceKey(event.source());
      auto it = attributes.find(key);
      if (it == attributes.end()) {
        CLT_ASSIGN_OR_RETURN(std::optional<common::v1::CustomerUpsert> stored,
                             store_->GetAttributes(event.source()));
        it =
            attributes
                .emplace(key, std::make_pair(event.source(), stored ? std::move(*stored)
                                                                    : common::v1::CustomerUpsert()))
                .first;
      }
      MergeCustomerUpsert(event.customer_upsert(), &it->second.second);
    }
  }
  for (const auto& [key, value] : aggregates)
    store_->PutAggregate(batch, value.first, value.second);
  for (const auto& [key, value] : attributes)
    store_->PutAttributes(batch, value.first, value.second);
  return absl::OkStatus();
}

}  // namespace clientele::analytics
