#include "recommender/recommender_applier.h"

#include <optional>
#include <utility>

#include "common/status/status_macros.h"
#include "common/time/proto_time.h"

namespace clientele::recommender {
namespace {

bool IsSet(const common::v1::SourceKey& key) { return !key.system().empty() || !key.id().empty(); }

// a < b in time, the later log sequence breaking ties (consents that arrive later win).

}  // namespace

void MergeProductUpsert(const common::v1::ProductUpsert& update,
                        common::v1::ProductUpsert* stored) {
  stored->set_sku(update.sku());
  if (!update.name().empty()) stored->set_name(update.name());
  if (!update.description().empty()) stored->set_description(update.description());
  if (!update.category().empty()) stored->set_category(update.category());
  if (update.has_price()) *stored->mutable_price() = update.price();
}

std::vector<common::v1::PayloadType> RecommenderApplier::PayloadTypes() const {
  return {common::v1::PAYLOAD_TYPE_ORDER, common::v1::PAYLOAD_TYPE_INTERACTION,
          common::v1::PAYLOAD_TYPE_PRODUCT_UPSERT, common::v1::PAYLOAD_TYPE_CUSTOMER_UPSERT,
          common::v1::PAYLOAD_TYPE_CONSENT_CHANGE};
}

absl::Status RecommenderApplier::Apply(uint32_t partition,
                                       absl::Span<const ingest::v1::LogEntry* const> entries,
                                       storage::WriteBatch& batch) {
  absl::flat_hash_map<std::string, common::v1::ProductUpsert> products;
  absl::flat_hash_map<std::string, std::pair<common::v1::SourceKey, v1::ConsentRecord>> consents;
  absl::flat_hash_map<std::string, common::v1::SourceKey> customers;
  for (const ingest::v1::LogEntry* entry : entries) {
    const common::v1::Event& event = entry->event();
    switch (event.payload_case()) {
      case common::v1::Event::kOrder:
        store_->PutOrder(batch, event);
        if (IsSet(event.order().customer())) {
          customers.emplace(EncodeSourceKey(event.order().customer()), event.order().customer());
          if (!event.order().cancellation()) {
            v1::PurchasedItems items;
            for (const common::v1::OrderLine& line : event.order().lines()) {
              if (!line.sku().empty() && line.quantity() > 0) items.add_skus(line.sku());
            }
            if (items.skus_size() > 0) {
              store_->PutPurchase(batch, event.order().customer(), partition, entry->sequence(),
                                  items);
            }
          }
        }
        break;
      case common::v1::Event::kInteraction: {
        store_->PutInteraction(batch, entry->sequence(), event);
        customers.emplace(EncodeSourceKey(event.source()), event.source());
        const common::v1::InteractionType type = event.interaction().type();
        if (!event.interaction().sku().empty() && (type == common::v1::INTERACTION_TYPE_PURCHASE ||
                                                   type == common::v1::INTERACTION_TYPE_RATING)) {
          v1::PurchasedItems items;
          items.add_skus(event.interaction().sku());
          store_->PutPurchase(batch, event.source(), partition, entry->sequence(), items);
        }
        break;
      }
      case common::v1::Event::kCustomerUpsert:
        customers.emplace(EncodeSourceKey(event.source()), event.source());
        break;
      case common::v1::Event::kProductUpsert: {
        const std::string& sku = event.product_upsert().sku();
        auto it = products.find(sku);
        if (it == products.end()) {
          CLT_ASSIGN_OR_RETURN(std::optional<common::v1::ProductUpsert> stored,
                               store_->GetProduct(sku));
          it = products.emplace(sku, stored ? std::move(*stored) : common::v1::ProductUpsert())
                   .first;
        }
        MergeProductUpsert(event.product_upsert(), &it->second);
        break;
      }
      case common::v1::Event::kConsentChange: {
        customers.emplace(EncodeSourceKey(event.source()), event.source());
        if (event.consent_change().purpose() != common::v1::CONSENT_PURPOSE_PROFILING) break;
        const std::string key = EncodeSourceKey(event.source());
        auto it = consents.find(key);
        if (it == consents.end()) {
          CLT_ASSIGN_OR_RETURN(std::optional<v1::ConsentRecord> stored,
                               store_->GetConsent(event.source()));
          v1::ConsentRecord record;
          if (stored) record = std::move(*stored);
          it = consents.emplace(key, std::make_pair(event.source(), std::move(record))).first;
        }
        v1::ConsentRecord& record = it->second.second;
        if (record.status() == 0 ||
            FromProtoTimestamp(event.occurred_at()) >= FromProtoTimestamp(record.time())) {
          record.set_status(event.consent_change().status());
          *record.mutable_time() = event.occurred_at();
        }
        break;
      }
      default:
        break;
    }
  }
  for (const auto& [key, source] : customers) store_->PutCustomer(batch, source);
  for (const auto& [sku, product] : products) store_->PutProduct(batch, product);
  ConsentChanges changes;
  for (const auto& [key, value] : consents) {
    store_->PutConsent(batch, value.first, value.second);
    changes.emplace_back(FormatSourceKey(value.first), value.second);
  }
  if (!changes.empty()) {
    // Several Applies may precede one OnCommitted (the consumer pipelines writes).
    absl::MutexLock l(&mu_);
    ConsentChanges& pending = pending_[partition];
    for (auto& change : changes) pending.push_back(std::move(change));
  }
  return absl::OkStatus();
}

void RecommenderApplier::OnCommitted(uint32_t partition, uint64_t /*through_sequence*/) {
  ConsentChanges changes;
  {
    absl::MutexLock l(&mu_);
    auto it = pending_.find(partition);
    if (it == pending_.end()) return;
    changes = std::move(it->second);
    pending_.erase(it);
  }
  if (listener_ && !changes.empty()) listener_(changes);
}

void RecommenderApplier::OnWriteFailed(uint32_t partition) {
  ConsentChanges withdrawals;
  {
    absl::MutexLock l(&mu_);
    auto it = pending_.find(partition);
    if (it == pending_.end()) return;
    for (auto& change : it->second) {
      if (change.second.status() != common::v1::CONSENT_STATUS_GRANTED) {
        withdrawals.push_back(std::move(change));
      }
    }
    pending_.erase(it);
  }
  if (listener_ && !withdrawals.empty()) listener_(withdrawals);
}

}  // namespace clientele::recommender
