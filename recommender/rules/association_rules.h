// Association rules X => {y} (one item on the right-hand side, as arules' apriori) derived from
// frequent itemsets, with support, confidence and lift.
//
//   CLT_ASSIGN_OR_RETURN(FrequentItemsets sets, MineFrequentItemsets(db, {.min_support = 0.001}));
//   CLT_ASSIGN_OR_RETURN(AssociationRules rules,
//                        GenerateRules(sets, RuleOptions{.min_confidence = 0.8}));
//
// For a frequent itemset I and y in I, the rule (I \ {y}) => {y} has
//   support    = count(I) / N
//   confidence = count(I) / count(I \ {y})
//   lift       = confidence / (count({y}) / N)
// and is kept when count(I) / count(X) >= min_confidence, the division and comparison in IEEE
// double as arules does (correctly rounded, so 8 / 10 passes 0.8).
// Rules with an empty left-hand side ({} => {y}, confidence = support of y) are produced only
// when RuleOptions::include_empty_antecedent is set (arules' minlen = 1 would produce them).
#ifndef CLIENTELE_RECOMMENDER_RULES_ASSOCIATION_RULES_H_
#define CLIENTELE_RECOMMENDER_RULES_ASSOCIATION_RULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "recommender/rules/fp_growth.h"

namespace clientele::recommender {

struct AssociationRule {
  std::vector<int32_t> antecedent;  // Ascending item indexes; does not contain `consequent`.
  int32_t consequent = -1;
  int32_t count = 0;             // Transactions holding antecedent and consequent.
  int32_t antecedent_count = 0;  // Transactions holding the antecedent.
  int32_t consequent_count = 0;  // Transactions holding the consequent.
  double support = 0;
  double confidence = 0;
  double lift = 0;

  friend bool operator==(const AssociationRule& a, const AssociationRule& b) {
    return a.antecedent == b.antecedent && a.consequent == b.consequent && a.count == b.count &&
           a.antecedent_count == b.antecedent_count && a.consequent_count == b.consequent_count;
  }
};

struct RuleOptions {
  double min_confidence = 0.8;  // In [0, 1].
  double min_lift = 0;          // Rules with lift < min_lift are dropped (0 keeps all).
  bool include_empty_antecedent = false;
  int32_t max_rules = 0;  // 0 = unlimited; otherwise keep the best by RuleOrder.
};

// The order used everywhere rules are listed: confidence desc, then lift desc, support desc,
// shorter antecedent first, then antecedent and consequent ascending (deterministic).
bool RuleOrder(const AssociationRule& a, const AssociationRule& b);

// An immutable, ordered (RuleOrder) list of rules over `num_transactions` transactions.
// Thread-safe for concurrent const use.
class AssociationRules {
 public:
  AssociationRules() = default;
  AssociationRules(std::vector<AssociationRule> rules, int32_t num_transactions, int32_t num_items);

  int32_t size() const { return static_cast<int32_t>(rules_.size()); }
  const AssociationRule& operator[](int32_t i) const { return rules_[i]; }
  const std::vector<AssociationRule>& rules() const { return rules_; }
  int32_t num_transactions() const { return num_transactions_; }
  int32_t num_items() const { return num_items_; }

  // Versioned binary form; Deserialize returns DataLoss on malformed input.
  std::string Serialize() const;
  static absl::StatusOr<AssociationRules> Deserialize(absl::string_view bytes);

 private:
  std::vector<AssociationRule> rules_;
  int32_t num_transactions_ = 0;
  int32_t num_items_ = 0;
};

// Derives all rules with one consequent from `itemsets` (which must be downward closed, as
// MineFrequentItemsets returns them). InvalidArgument names an option out of range.
absl::StatusOr<AssociationRules> GenerateRules(const FrequentItemsets& itemsets,
                                               const RuleOptions& options);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_RULES_ASSOCIATION_RULES_H_
