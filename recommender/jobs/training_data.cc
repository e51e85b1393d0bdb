#include "recommender/jobs/training_data.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "analytics/aggregates/customer_aggregate.h"
#include "analytics/rfm/rfm.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "recommender/data/dataset_builder.h"

namespace clientele::recommender {
namespace {

double InteractionWeight(common::v1::InteractionType type) {
  switch (type) {
    case common::v1::INTERACTION_TYPE_VIEW:
      return 1;
    case common::v1::INTERACTION_TYPE_WISHLIST:
      return 2;
    case common::v1::INTERACTION_TYPE_ADD_TO_CART:
      return 3;
    case common::v1::INTERACTION_TYPE_PURCHASE:
      return 5;
    default:
      return 1;
  }
}

// Amount of a unit price in major units (only relative sizes matter for ratings).
double UnitPrice(const common::v1::Money& money) {
  return static_cast<double>(money.minor_units()) / std::pow(10.0, money.extra_decimals());
}

struct ProfileInfo {
  std::vector<std::string> source_keys;
  int32_t consent = 0;
  google::protobuf::Timestamp consent_time;
};

}  // namespace

absl::StatusOr<TrainingData> ReadTrainingData(const RecommenderStore& store,
                                              const ProfileMap& profile_map,
                                              const std::function<bool()>& cancelled) {
  DatasetBuilder builder;
  absl::flat_hash_set<std::string> with_meta;
  std::map<std::string, ProfileInfo> profiles;  // Ordered: deterministic manifests.
  absl::flat_hash_set<std::string> seen_keys;
  auto profile_of = [&](const common::v1::SourceKey& key) -> const std::string& {
    const std::string encoded = EncodeSourceKey(key);
    auto it = profile_map.find(encoded);
    std::string id = it != profile_map.end() ? it->second : FormatSourceKey(key);
    auto [p, inserted] = profiles.try_emplace(std::move(id));
    if (seen_keys.insert(encoded).second) p->second.source_keys.push_back(FormatSourceKey(key));
    return p->first;
  };
  int64_t visited = 0;
  auto check_cancel = [&]() -> absl::Status {
    if (cancelled && (++visited & 4095) == 0 && cancelled()) {
      return absl::CancelledError("cancelled");
    }
    return absl::OkStatus();
  };

  CLT_RETURN_IF_ERROR(store.ForEachProduct([&](const common::v1::ProductUpsert& p) {
    with_meta.insert(p.sku());
    return builder.SetItemMeta(p.sku(), ItemMeta{p.name(), p.description(), p.category()});
  }));

  std::vector<std::vector<std::string>> baskets;
  std::map<std::string, analytics::CustomerOrderAggregate> orders_by_user;  // For RFM segments.
  CLT_RETURN_IF_ERROR(store.ForEachOrder([&](const common::v1::Event& event) -> absl::Status {
    CLT_RETURN_IF_ERROR(check_cancel());
    const common::v1::Order& order = event.order();
    const bool has_customer = !order.customer().system().empty() || !order.customer().id().empty();
    const std::string user = has_customer ? profile_of(order.customer()) : std::string();
    const std::string order_id = FormatSourceKey(event.source());
    const absl::Time time = FromProtoTimestamp(event.occurred_at());
    std::vector<std::string> basket;
    for (const common::v1::OrderLine& line : order.lines()) {
      if (line.sku().empty()) continue;
      if (with_meta.insert(line.sku()).second) {
        CLT_RETURN_IF_ERROR(
            builder.SetItemMeta(line.sku(), ItemMeta{line.description(), "", line.category()}));
      }
      if (has_customer) {
        const double quantity = static_cast<double>(line.quantity());
        CLT_RETURN_IF_ERROR(builder.AddOrderLine(user, order_id, line.sku(), quantity,
                                                 quantity * UnitPrice(line.unit_price()), time));
      }
      if (!order.cancellation() && line.quantity() > 0) basket.push_back(line.sku());
    }
    // An order the aggregate rejects (another currency, a bad price) leaves it unchanged.
    if (has_customer) orders_by_user[user].AddOrder(order, time).IgnoreError();
    if (!basket.empty()) baskets.push_back(std::move(basket));
    return absl::OkStatus();
  }));

  CLT_RETURN_IF_ERROR(store.ForEachInteraction([&](const common::v1::Event& event) -> absl::Status {
    CLT_RETURN_IF_ERROR(check_cancel());
    const common::v1::Interaction& interaction = event.interaction();
    const std::string& user = profile_of(event.source());
    const absl::Time time = FromProtoTimestamp(event.occurred_at());
    if (with_meta.insert(interaction.sku()).second) {
      CLT_RETURN_IF_ERROR(builder.SetItemMeta(interaction.sku(), ItemMeta{}));
    }
    if (interaction.type() == common::v1::INTERACTION_TYPE_RATING) {
      return builder.AddRating(user, interaction.sku(), interaction.rating(), time);
    }
    return builder.AddInteraction(user, interaction.sku(), InteractionWeight(interaction.type()),
                                  time);
  }));

  CLT_RETURN_IF_ERROR(store.ForEachCustomer([&](const common::v1::SourceKey& key) {
    profile_of(key);
    return absl::OkStatus();
  }));
  CLT_RETURN_IF_ERROR(
      store.ForEachConsent([&](const common::v1::SourceKey& key, const v1::ConsentRecord& record) {
        ProfileInfo& info = profiles[profile_of(key)];
        const bool newer = info.consent == 0 || FromProtoTimestamp(record.time()) >=
                                                    FromProtoTimestamp(info.consent_time);
        if (newer) {
          info.consent = record.status() == common::v1::CONSENT_STATUS_GRANTED ? 1 : 2;
          info.consent_time = record.time();
        }
        return absl::OkStatus();
      }));

  TrainingData out;
  CLT_ASSIGN_OR_RETURN(out.data, builder.Build());
  for (int32_t i = 0; i < out.data.num_items(); ++i) {
    v1::CatalogItem* item = out.manifest.add_catalog();
    item->set_sku(out.data.item_id(i));
    const ItemMeta& meta = out.data.item_meta(i);
    item->set_name(meta.name.empty() ? out.data.item_id(i) : meta.name);
    item->set_category(meta.category);
  }
  for (auto& [id, info] : profiles) {
    v1::ServingProfile* p = out.manifest.add_profiles();
    p->set_profile_id(id);
    for (std::string& key : info.source_keys) p->add_source_keys(std::move(key));
    p->set_profiling_consent(info.consent);
    *p->mutable_consent_time() = info.consent_time;
  }
  // RFM segments. The tie-breaking key: the profile's smallest member source key.
  std::vector<analytics::CustomerAggregate> rfm_inputs;
  std::vector<const std::string*> rfm_users;
  absl::Time last_purchase = absl::InfinitePast();
  for (const auto& [user, aggregate] : orders_by_user) {
    std::optional<analytics::CustomerAggregate> input =
        aggregate.ToRfmInput(user, analytics::RfmConvention::kNotebook);
    if (!input) continue;
    auto p = profiles.find(user);
    if (p != profiles.end() && !p->second.source_keys.empty()) {
      input->key = *std::min_element(p->second.source_keys.begin(), p->second.source_keys.end());
    }
    last_purchase = std::max(last_purchase, input->last_purchase);
    rfm_inputs.push_back(std::move(*input));
    rfm_users.push_back(&user);
  }
  if (!rfm_inputs.empty()) {
    const absl::CivilDay day = absl::ToCivilDay(last_purchase, absl::UTCTimeZone());
    const std::vector<analytics::RfmScore> scores =
        analytics::ScoreRfm(rfm_inputs, absl::FromCivil(day + 1, absl::UTCTimeZone()));
    for (size_t i = 0; i < scores.size(); ++i) {
      if (!scores[i].segment.empty()) out.user_segments[*rfm_users[i]] = scores[i].segment;
    }
  }

  std::vector<int32_t> items;
  for (const std::vector<std::string>& basket : baskets) {
    items.clear();
    for (const std::string& sku : basket) {
      if (std::optional<int32_t> item = out.data.FindItem(sku)) items.push_back(*item);
    }
    out.baskets.Add(items);
  }
  return out;
}

}  // namespace clientele::recommender
