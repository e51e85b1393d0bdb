#include "recommender/rules/basket_completer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace clientele::recommender {

double CompletionScore(const AssociationRule& rule) { return rule.confidence * rule.lift; }

BasketCompleter::BasketCompleter(AssociationRules rules) : rules_(std::move(rules)) {
  // Index each rule under the antecedent item that carries the fewest rules, so a basket scans
  // short lists. Item ids beyond num_items() cannot occur (rules come from the same universe).
  int32_t num_items = rules_.num_items();
  for (const AssociationRule& rule : rules_.rules()) {
    for (int32_t item : rule.antecedent) num_items = std::max(num_items, item + 1);
    num_items = std::max(num_items, rule.consequent + 1);
  }
  std::vector<int32_t> appearances(static_cast<size_t>(num_items), 0);
  for (const AssociationRule& rule : rules_.rules()) {
    for (int32_t item : rule.antecedent) ++appearances[item];
  }
  std::vector<int32_t> key(rules_.rules().size(), -1);
  by_item_offsets_.assign(static_cast<size_t>(num_items) + 1, 0);
  for (int32_t i = 0; i < rules_.size(); ++i) {
    const AssociationRule& rule = rules_[i];
    if (rule.antecedent.empty()) {
      unconditional_.push_back(i);
      continue;
    }
    int32_t best = rule.antecedent[0];
    for (int32_t item : rule.antecedent) {
      if (appearances[item] < appearances[best]) best = item;
    }
    key[i] = best;
    ++by_item_offsets_[best + 1];
  }
  for (size_t i = 1; i < by_item_offsets_.size(); ++i) {
    by_item_offsets_[i] += by_item_offsets_[i - 1];
  }
  by_item_rules_.resize(static_cast<size_t>(by_item_offsets_.back()));
  std::vector<int32_t> fill(by_item_offsets_.begin(), by_item_offsets_.end() - 1);
  for (int32_t i = 0; i < rules_.size(); ++i) {  // Ascending i keeps each list in RuleOrder.
    if (key[i] >= 0) by_item_rules_[fill[key[i]]++] = i;
  }
}

std::vector<BasketSuggestion> BasketCompleter::Complete(absl::Span<const int32_t> basket, int32_t k,
                                                        absl::Span<const int32_t> exclude,
                                                        const std::function<bool(int32_t)>& allow,
                                                        std::optional<double> min_lift) const {
  std::vector<BasketSuggestion> result;
  if (k <= 0) return result;
  // "lift > 1" is "lift >= the smallest double above 1".
  const double lift_floor =
      min_lift ? *min_lift : std::nextafter(1.0, std::numeric_limits<double>::infinity());
  std::vector<int32_t> in_basket(basket.begin(), basket.end());
  std::sort(in_basket.begin(), in_basket.end());
  in_basket.erase(std::unique(in_basket.begin(), in_basket.end()), in_basket.end());
  std::vector<int32_t> excluded(exclude.begin(), exclude.end());
  std::sort(excluded.begin(), excluded.end());
  auto contains = [](const std::vector<int32_t>& sorted, int32_t item) {
    return std::binary_search(sorted.begin(), sorted.end(), item);
  };

  // Rules are in RuleOrder, so among rules of equal CompletionScore the lower index wins.
  auto better = [this](int32_t a, int32_t b) {
    const double score_a = CompletionScore(rules_[a]);
    const double score_b = CompletionScore(rules_[b]);
    if (score_a != score_b) return score_a > score_b;
    return a < b;
  };
  absl::flat_hash_map<int32_t, int32_t> best;  // consequent -> rule index
  auto consider = [&](int32_t i) {
    const AssociationRule& rule = rules_[i];
    if (!(rule.lift >= lift_floor)) return;
    if (contains(in_basket, rule.consequent) || contains(excluded, rule.consequent)) return;
    for (int32_t item : rule.antecedent) {
      if (!contains(in_basket, item)) return;
    }
    auto [it, inserted] = best.emplace(rule.consequent, i);
    if (!inserted && better(i, it->second)) it->second = i;
  };
  const auto num_indexed = static_cast<int32_t>(by_item_offsets_.size()) - 1;
  for (int32_t item : in_basket) {
    if (item < 0 || item >= num_indexed) continue;
    for (int32_t j = by_item_offsets_[item]; j < by_item_offsets_[item + 1]; ++j) {
      consider(by_item_rules_[j]);
    }
  }
  for (int32_t i : unconditional_) consider(i);

  std::vector<int32_t> chosen;
  chosen.reserve(best.size());
  for (const auto& [item, rule_index] : best) {
    if (!allow || allow(item)) chosen.push_back(rule_index);
  }
  if (static_cast<int32_t>(chosen.size()) > k) {
    std::partial_sort(chosen.begin(), chosen.begin() + k, chosen.end(), better);
    chosen.resize(static_cast<size_t>(k));
  } else {
    std::sort(chosen.begin(), chosen.end(), better);
  }
  result.reserve(chosen.size());
  for (int32_t i : chosen) {
    const AssociationRule& rule = rules_[i];
    result.push_back(BasketSuggestion{rule.consequent, &rule, CompletionScore(rule)});
  }
  return result;
}

}  // namespace clientele::recommender
