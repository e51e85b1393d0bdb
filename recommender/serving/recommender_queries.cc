#include "recommender/serving/recommender_queries.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/source_key/source_key.h"
#include "common/status/status_macros.h"
#include "recommender/serving/unknown_item.h"

namespace clientele::recommender {
namespace {

constexpr int kDefaultK = 10;
constexpr int kMaxK = 1000;
constexpr int32_t kGranted = 1;

absl::StatusOr<int> CheckK(int k, const char* field = "k") {
  if (k == 0) return kDefaultK;
  if (k < 0 || k > kMaxK) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be between 1 and ", kMaxK,
                                                   " (0 means ", kDefaultK, "), got ", k));
  }
  return k;
}

absl::Status NoModel() {
  return absl::FailedPreconditionError(
      "no trained model yet: run a train job first (clientele jobs start train)");
}

// Item filter of a category list: null when the list is empty.
std::function<bool(int32_t)> CategoryFilter(
    const ServingSnapshot& s, const google::protobuf::RepeatedPtrField<std::string>& categories) {
  if (categories.empty()) return nullptr;
  auto wanted =
      std::make_shared<absl::flat_hash_set<std::string>>(categories.begin(), categories.end());
  return [&s, wanted](int32_t item) { return wanted->contains(s.category(item)); };
}

void FillItem(const ServingSnapshot& s, int32_t item, double score, std::string reason, int rank,
              v1::RecommendedItem* out) {
  out->set_sku(s.sku(item));
  out->set_score(score);
  out->set_reason(std::move(reason));
  out->set_name(s.name(item));
  out->set_category(s.category(item));
  out->set_rank(rank);
}

// How reasons name an item: its catalog name (product name, else the description of its
// first order line), else its SKU. Every reason of every strategy names items this way.
const std::string& ItemLabel(const ServingSnapshot& s, int32_t item) {
  return s.name(item).empty() ? s.sku(item) : s.name(item);
}

// The served text of a model's reason (the model's own text names items by SKU).
std::string ServedReason(const ServingSnapshot& s, const Reason& reason) {
  const bool has_item = reason.item >= 0 && reason.item < s.num_items();
  switch (reason.kind) {
    case ReasonKind::kBoughtWith:
      return has_item ? absl::StrCat("bought with ", ItemLabel(s, reason.item)) : "bought with";
    case ReasonKind::kSimilarTo:
      return has_item ? SimilarToReason(ItemLabel(s, reason.item)) : "similar items";
    case ReasonKind::kPopularInSegment:
      return absl::StrCat("popular in your segment (", reason.segment, ")");
    case ReasonKind::kPopular:
      break;
  }
  return "popular";
}

std::string BoughtWith(const ServingSnapshot& s, const AssociationRule& rule) {
  std::vector<std::string> names;
  for (int32_t item : rule.antecedent) names.push_back(ItemLabel(s, item));
  if (names.empty()) return "popular";
  return absl::StrCat("bought with ", absl::StrJoin(names, ", "));
}

void FillRule(const ServingSnapshot& s, const AssociationRule& rule, v1::Rule* out) {
  for (int32_t item : rule.antecedent) out->add_antecedent(s.sku(item));
  out->add_consequent(s.sku(rule.consequent));
  out->set_support(rule.support);
  out->set_confidence(rule.confidence);
  out->set_lift(rule.lift);
  out->set_count(rule.count);
}

// The default strategy: EASE first (the best offline figures on MovieLens and Online Retail,
// and cheaper to serve than the hybrid that contains it); ALS where neither was trained (a
// catalog above the dense cap).
const char* const kPreference[] = {"ease", "hybrid", "als", "sar", "item_cf", "popularity"};

}  // namespace

std::string StrategyModelName(v1::Strategy strategy) {
  switch (strategy) {
    case v1::STRATEGY_POPULARITY:
      return "popularity";
    case v1::STRATEGY_ITEM_CF:
      return "item_cf";
    case v1::STRATEGY_SAR:
      return "sar";
    case v1::STRATEGY_EASE:
      return "ease";
    case v1::STRATEGY_HYBRID:
      return "hybrid";
    default:
      return "";
  }
}

absl::StatusOr<v1::RecommendResponse> RecommenderQueries::Recommend(
    const v1::RecommendRequest& request) const {
  CLT_ASSIGN_OR_RETURN(const int k, CheckK(request.k()));
  if (!v1::Strategy_IsValid(request.strategy())) {
    return absl::InvalidArgumentError(
        absl::StrCat("strategy: unknown value ", static_cast<int>(request.strategy())));
  }
  std::string who;
  bool by_source_key = false;
  switch (request.who_case()) {
    case v1::RecommendRequest::kProfileId:
      who = request.profile_id();
      if (who.empty()) return absl::InvalidArgumentError("profile_id: required");
      break;
    case v1::RecommendRequest::kSourceKey:
      if (request.source_key().system().empty() || request.source_key().id().empty()) {
        return absl::InvalidArgumentError("source_key: system and id are required");
      }
      who = FormatSourceKey(request.source_key());
      by_source_key = true;
      break;
    default:
      return absl::InvalidArgumentError("profile_id or source_key: required");
  }
  const std::shared_ptr<const ServingSnapshot> snapshot = holder_->Get();
  if (snapshot == nullptr) return no_snapshot_.ok() ? NoModel() : no_snapshot_;
  const ServingSnapshot& s = *snapshot;

  const ServingProfile* profile = by_source_key ? s.FindBySourceKey(who) : s.FindProfile(who);
  if (profile == nullptr) {
    bool known = false;
    if (known_customer_) {
      CLT_ASSIGN_OR_RETURN(known, known_customer_(who, by_source_key));
    }
    if (!known) {
      return absl::NotFoundError(absl::StrCat(by_source_key ? "source_key" : "profile_id", ": '",
                                              who, "' is not known to the recommender"));
    }
  }

  v1::RecommendResponse response;
  response.set_profile_id(profile != nullptr ? profile->profile_id : who);
  response.set_model_version(s.version());

  // Consent: the newest of the snapshot's record and the live changes of member keys.
  bool consent_ok = true;
  if (request.respect_consent()) {
    int32_t status = profile != nullptr ? profile->consent : 0;
    int64_t time = profile != nullptr ? profile->consent_time : INT64_MIN;
    const std::shared_ptr<const ConsentMap> live = holder_->consents();
    auto check = [&](const std::string& key) {
      auto it = live->find(key);
      if (it != live->end() && (status == 0 || it->second.second >= time)) {
        status = it->second.first;
        time = it->second.second;
      }
    };
    if (profile != nullptr) {
      for (const std::string& key : profile->source_keys) check(key);
    } else if (by_source_key) {
      check(who);
    }
    consent_ok = status == kGranted;
  }

  const int32_t user = profile != nullptr && consent_ok ? profile->user : -1;
  std::vector<std::pair<int32_t, float>> history;
  std::string model_name = StrategyModelName(request.strategy());
  v1::Strategy answered = request.strategy();
  if (!consent_ok) {
    model_name = "popularity";
    answered = v1::STRATEGY_POPULARITY;
    response.set_note("no granted profiling consent: non-personalized popular items");
  } else if (user < 0) {
    response.set_note("no purchase or rating history yet: popular items (cold start)");
  }
  // STRATEGY_EASE is served by ALS when only ALS was trained (above the dense cap).
  if (model_name == "ease" && s.model("ease") == nullptr && s.model("als") != nullptr) {
    model_name = "als";
  }
  if (model_name.empty() && answered == v1::STRATEGY_UNSPECIFIED) {
    for (const char* name : kPreference) {
      if (s.model(name) != nullptr) {
        model_name = name;
        break;
      }
    }
  }

  absl::flat_hash_set<int32_t> exclude;
  for (const std::string& sku : request.exclude_skus()) {
    if (std::optional<int32_t> item = s.FindItem(sku)) exclude.insert(*item);
  }
  const bool exclude_purchased = !request.has_exclude_purchased() || request.exclude_purchased();
  if (exclude_purchased && live_purchases_) {
    // Bought since training: the member keys' live history (the snapshot has the rest).
    auto visit = [&](const std::string& sku) {
      if (std::optional<int32_t> item = s.FindItem(sku)) exclude.insert(*item);
    };
    if (profile != nullptr) {
      for (const std::string& key : profile->source_keys) {
        CLT_RETURN_IF_ERROR(live_purchases_(key, s, visit));
      }
    } else if (who.find('/') != std::string::npos) {
      // A source key, or (without identity) a profile id that is one.
      CLT_RETURN_IF_ERROR(live_purchases_(who, s, visit));
    }
  }
  std::function<bool(int32_t)> filter = CategoryFilter(s, request.categories());
  const RecommenderModel* any = s.models().empty() ? nullptr : s.models().begin()->second.get();
  if (any == nullptr) return NoModel();

  const bool rules_or_content = answered == v1::STRATEGY_RULES || answered == v1::STRATEGY_CONTENT;
  if (rules_or_content && user >= 0) {
    absl::Span<const int32_t> items = any->UserItems(user);
    absl::Span<const float> values = any->UserValues(user);
    std::vector<int32_t> excluded(exclude.begin(), exclude.end());
    if (exclude_purchased) excluded.insert(excluded.end(), items.begin(), items.end());
    int rank = 0;
    if (answered == v1::STRATEGY_RULES) {
      if (s.completer() == nullptr) {
        return absl::FailedPreconditionError("strategy: no association rules were trained");
      }
      for (const BasketSuggestion& b : s.completer()->Complete(items, k, excluded, filter)) {
        FillItem(s, b.item, b.score, BoughtWith(s, *b.rule), ++rank, response.add_items());
      }
    } else {
      if (s.similarity() == nullptr) {
        return absl::FailedPreconditionError("strategy: no item similarity index was trained");
      }
      std::vector<std::pair<int32_t, float>> weighted;
      for (size_t i = 0; i < items.size(); ++i) weighted.emplace_back(items[i], values[i]);
      for (const SimilarItem& item :
           s.similarity()->SimilarToItems(weighted, k, excluded, filter)) {
        FillItem(
            s, item.item, item.score,
            item.similar_to >= 0 ? SimilarToReason(ItemLabel(s, item.similar_to)) : "similar items",
            ++rank, response.add_items());
      }
    }
    response.set_strategy(answered);
    response.set_personalized(true);
    return response;
  }
  if (rules_or_content) model_name = "popularity";  // Nothing to start from.

  const RecommenderModel* model = s.model(model_name);
  if (model == nullptr) {
    if (model_name.empty()) return NoModel();
    return absl::FailedPreconditionError(
        absl::StrCat("strategy: model '", model_name, "' is not trained"));
  }
  RecommendRequest r;
  if (user >= 0) r.user = user;
  r.k = k;
  r.exclude_seen = exclude_purchased;
  r.exclude = std::move(exclude);
  if (request.categories_size() == 1) {
    r.category = request.categories(0);
  } else {
    r.item_filter = filter;
  }
  CLT_ASSIGN_OR_RETURN(std::vector<Recommendation> items, model->Recommend(r));
  int rank = 0;
  for (Recommendation& item : items) {
    FillItem(s, item.item, item.score, ServedReason(s, item.reason), ++rank, response.add_items());
  }
  for (v1::Strategy candidate : {v1::STRATEGY_POPULARITY, v1::STRATEGY_ITEM_CF, v1::STRATEGY_SAR,
                                 v1::STRATEGY_EASE, v1::STRATEGY_HYBRID}) {
    if (StrategyModelName(candidate) == model_name) response.set_strategy(candidate);
  }
  if (model_name == "als") response.set_strategy(v1::STRATEGY_EASE);
  response.set_personalized(user >= 0 && model_name != "popularity");
  return response;
}

absl::StatusOr<v1::SimilarItemsResponse> RecommenderQueries::SimilarItems(
    const v1::SimilarItemsRequest& request) const {
  CLT_ASSIGN_OR_RETURN(const int k, CheckK(request.k()));
  if (request.sku().empty()) return absl::InvalidArgumentError("sku: required");
  const std::shared_ptr<const ServingSnapshot> snapshot = holder_->Get();
  if (snapshot == nullptr) return no_snapshot_.ok() ? NoModel() : no_snapshot_;
  const ServingSnapshot& s = *snapshot;
  std::optional<int32_t> item = s.FindItem(request.sku());
  if (!item) return UnknownItemError(s, "sku", request.sku());
  if (s.similarity() == nullptr) {
    return absl::FailedPreconditionError("no item similarity index was trained");
  }
  CLT_ASSIGN_OR_RETURN(
      std::vector<SimilarItem> similar,
      s.similarity()->SimilarItems(*item, k, CategoryFilter(s, request.categories())));
  v1::SimilarItemsResponse response;
  response.set_model_version(s.version());
  const std::string reason = SimilarToReason(ItemLabel(s, *item));
  int rank = 0;
  for (const SimilarItem& x : similar) {
    FillItem(s, x.item, x.score, reason, ++rank, response.add_items());
  }
  return response;
}

absl::StatusOr<v1::CompleteBasketResponse> RecommenderQueries::CompleteBasket(
    const v1::CompleteBasketRequest& request) const {
  CLT_ASSIGN_OR_RETURN(const int k, CheckK(request.k()));
  if (request.skus().empty()) return absl::InvalidArgumentError("skus: at least one item required");
  std::optional<double> min_lift;
  if (request.has_min_lift()) {
    if (!(request.min_lift() >= 0) || !std::isfinite(request.min_lift())) {
      return absl::InvalidArgumentError(
          absl::StrCat("min_lift: must be a finite number >= 0, got ", request.min_lift()));
    }
    min_lift = request.min_lift();
  }
  const std::shared_ptr<const ServingSnapshot> snapshot = holder_->Get();
  if (snapshot == nullptr) return no_snapshot_.ok() ? NoModel() : no_snapshot_;
  const ServingSnapshot& s = *snapshot;
  std::vector<int32_t> basket;
  for (int i = 0; i < request.skus_size(); ++i) {
    if (request.skus(i).empty()) {
      return absl::InvalidArgumentError(absl::StrCat("skus[", i, "]: empty"));
    }
    std::optional<int32_t> item = s.FindItem(request.skus(i));
    if (!item) return UnknownItemError(s, absl::StrCat("skus[", i, "]"), request.skus(i));
    basket.push_back(*item);
  }
  v1::CompleteBasketResponse response;
  response.set_model_version(s.version());
  if (s.completer() == nullptr || basket.empty()) return response;
  int rank = 0;
  for (const BasketSuggestion& b : s.completer()->Complete(
           basket, k, basket, CategoryFilter(s, request.categories()), min_lift)) {
    v1::BasketSuggestion* out = response.add_items();
    out->set_sku(s.sku(b.item));
    out->set_score(b.score);
    out->set_name(s.name(b.item));
    out->set_rank(++rank);
    if (b.rule != nullptr) {
      out->set_reason(BoughtWith(s, *b.rule));
      FillRule(s, *b.rule, out->mutable_rule());
    }
  }
  return response;
}

absl::StatusOr<v1::ListRulesResponse> RecommenderQueries::ListRules(
    const v1::ListRulesRequest& request) const {
  int page_size = request.page_size();
  if (page_size < 0 || page_size > 10000) {
    return absl::InvalidArgumentError("page_size: must be between 0 and 10000");
  }
  if (page_size == 0) page_size = 100;
  int64_t start = 0;
  if (!request.page_token().empty() &&
      (!absl::SimpleAtoi(request.page_token(), &start) || start < 0)) {
    return absl::InvalidArgumentError("page_token: not a token of ListRules");
  }
  const std::shared_ptr<const ServingSnapshot> snapshot = holder_->Get();
  if (snapshot == nullptr) return no_snapshot_.ok() ? NoModel() : no_snapshot_;
  const ServingSnapshot& s = *snapshot;
  v1::ListRulesResponse response;
  response.set_model_version(s.version());
  if (s.completer() == nullptr) return response;
  std::optional<int32_t> sku_item;
  if (!request.sku().empty()) {
    sku_item = s.FindItem(request.sku());
    if (!sku_item) return UnknownItemError(s, "sku", request.sku());
  }
  const std::vector<AssociationRule>& rules = s.completer()->rules().rules();
  int64_t matching = 0;
  for (const AssociationRule& rule : rules) {
    if (rule.confidence < request.min_confidence() || rule.lift < request.min_lift()) continue;
    if (sku_item && std::find(rule.antecedent.begin(), rule.antecedent.end(), *sku_item) ==
                        rule.antecedent.end()) {
      continue;
    }
    if (matching >= start && response.rules_size() < page_size) {
      FillRule(s, rule, response.add_rules());
    } else if (matching >= start && response.next_page_token().empty()) {
      response.set_next_page_token(absl::StrCat(matching));
    }
    ++matching;
  }
  response.set_total(matching);
  return response;
}

absl::StatusOr<v1::GetModelInfoResponse> RecommenderQueries::GetModelInfo() const {
  v1::GetModelInfoResponse response;
  const std::shared_ptr<const ServingSnapshot> snapshot = holder_->Get();
  if (snapshot == nullptr) return response;
  const v1::ModelManifest& m = snapshot->manifest();
  response.set_model_version(m.version());
  response.set_job_id(m.job_id());
  *response.mutable_trained_at() = m.trained_at();
  response.mutable_models()->CopyFrom(m.models());
  response.set_users(m.users());
  response.set_items(snapshot->num_items());
  response.set_itemsets(m.itemsets());
  response.set_rules(m.rules());
  response.set_profiles(snapshot->num_profiles());
  response.set_model_selection(m.model_selection());
  for (const auto& [name, model] : snapshot->models()) response.add_strategies(name);
  if (snapshot->completer() != nullptr) response.add_strategies("rules");
  if (snapshot->similarity() != nullptr) response.add_strategies("content");
  return response;
}

}  // namespace clientele::recommender
