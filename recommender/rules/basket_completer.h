// Basket completion ("customers who bought X also bought Y") from association rules.
//
//   BasketCompleter completer(std::move(rules));
//   std::vector<BasketSuggestion> s = completer.Complete({milk, butter}, /*k=*/5);
//   // s[0].item is the best consequent not in the basket; s[0].rule the rule behind it,
//   // e.g. {butter, milk} => {yogurt}: reason "bought with butter, milk".
//
// A rule applies to a basket when its whole antecedent is in the basket, its consequent is not,
// and its lift passes the lift floor (by default lift > 1: a rule with lift <= 1 says the basket
// makes the item no likelier than in any basket, e.g. "other vegetables => whole milk" with
// lift 0.77 only restates that whole milk is popular). Each candidate item is scored by its best
// applicable rule under CompletionScore (confidence x lift; ties in RuleOrder); suggestions come
// best first. Items outside the rules' universe and duplicates in the basket are ignored.
//
// Immutable after construction; Complete may be called concurrently from any thread.
#ifndef CLIENTELE_RECOMMENDER_RULES_BASKET_COMPLETER_H_
#define CLIENTELE_RECOMMENDER_RULES_BASKET_COMPLETER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "recommender/rules/association_rules.h"

namespace clientele::recommender {

struct BasketSuggestion {
  int32_t item = -1;
  // The rule that supports `item` (its antecedent is the "bought with" evidence). Points into
  // the completer's rules: valid as long as the BasketCompleter lives.
  const AssociationRule* rule = nullptr;
  double score = 0;  // = CompletionScore(*rule).
};

// How basket completion ranks rules: confidence x lift = P(y|X)^2 / P(y). Confidence alone
// favours items that are in most baskets anyway (lift near or below 1); lift alone favours rare
// items seen together a handful of times (low confidence). The product keeps confidence's
// order among rules for one item and, across items, prefers the one the basket makes likelier.
double CompletionScore(const AssociationRule& rule);

class BasketCompleter {
 public:
  explicit BasketCompleter(AssociationRules rules);

  // Movable (suggestions' rule pointers stay valid across a move), not copyable.
  BasketCompleter(BasketCompleter&&) = default;
  BasketCompleter& operator=(BasketCompleter&&) = default;
  BasketCompleter(const BasketCompleter&) = delete;
  BasketCompleter& operator=(const BasketCompleter&) = delete;

  // Up to `k` suggestions (k <= 0 gives none), best first. `exclude` items are never
  // suggested (e.g. already purchased); `allow`, if set, must return true for an item to be
  // suggested (e.g. a category filter). Only rules with lift >= `min_lift` apply; without it,
  // only rules with lift > 1. Cost: proportional to the rules indexed under the basket's items.
  std::vector<BasketSuggestion> Complete(absl::Span<const int32_t> basket, int32_t k,
                                         absl::Span<const int32_t> exclude = {},
                                         const std::function<bool(int32_t)>& allow = {},
                                         std::optional<double> min_lift = std::nullopt) const;

  const AssociationRules& rules() const { return rules_; }

 private:
  AssociationRules rules_;
  // Rules indexed by one item of their antecedent (the one with the fewest rules); rules with
  // an empty antecedent are in unconditional_. CSR: by_item_offsets_[item] .. [item + 1].
  std::vector<int32_t> by_item_offsets_;
  std::vector<int32_t> by_item_rules_;
  std::vector<int32_t> unconditional_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_RULES_BASKET_COMPLETER_H_
