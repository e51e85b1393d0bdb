#include "recommender/rules/association_rules.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "recommender/rules/internal/binary_io.h"

namespace clientele::recommender {
namespace {

constexpr uint32_t kFormatVersion = 1;

void FillMeasures(int32_t num_transactions, AssociationRule* rule) {
  const double n = static_cast<double>(num_transactions);
  rule->support = n > 0 ? rule->count / n : 0;
  rule->confidence =
      rule->antecedent_count > 0 ? static_cast<double>(rule->count) / rule->antecedent_count : 0;
  const double consequent_support = n > 0 ? rule->consequent_count / n : 0;
  rule->lift = consequent_support > 0 ? rule->confidence / consequent_support : 0;
}

}  // namespace

bool RuleOrder(const AssociationRule& a, const AssociationRule& b) {
  if (a.confidence != b.confidence) return a.confidence > b.confidence;
  if (a.lift != b.lift) return a.lift > b.lift;
  if (a.count != b.count) return a.count > b.count;
  if (a.antecedent.size() != b.antecedent.size()) {
    return a.antecedent.size() < b.antecedent.size();
  }
  if (a.antecedent != b.antecedent) return a.antecedent < b.antecedent;
  return a.consequent < b.consequent;
}

AssociationRules::AssociationRules(std::vector<AssociationRule> rules, int32_t num_transactions,
                                   int32_t num_items)
    : rules_(std::move(rules)), num_transactions_(num_transactions), num_items_(num_items) {
  std::sort(rules_.begin(), rules_.end(), RuleOrder);
}

std::string AssociationRules::Serialize() const {
  std::string out = "CLTARS";
  internal::Writer w(&out);
  w.Varint(kFormatVersion);
  w.Varint(static_cast<uint64_t>(num_transactions_));
  w.Varint(static_cast<uint64_t>(num_items_));
  w.Varint(rules_.size());
  for (const AssociationRule& rule : rules_) {
    w.Varint(rule.antecedent.size());
    for (int32_t item : rule.antecedent) w.Varint(static_cast<uint64_t>(item));
    w.Varint(static_cast<uint64_t>(rule.consequent));
    w.Varint(static_cast<uint64_t>(rule.count));
    w.Varint(static_cast<uint64_t>(rule.antecedent_count));
    w.Varint(static_cast<uint64_t>(rule.consequent_count));
  }
  return out;
}

absl::StatusOr<AssociationRules> AssociationRules::Deserialize(absl::string_view bytes) {
  if (bytes.substr(0, 6) != "CLTARS") return absl::DataLossError("association rules: bad magic");
  internal::Reader r(bytes.substr(6));
  if (r.Varint() != kFormatVersion || !r.ok()) {
    return absl::DataLossError("association rules: unsupported format version");
  }
  const auto num_transactions = static_cast<int32_t>(r.Bounded(INT32_MAX));
  const auto num_items = static_cast<int32_t>(r.Bounded(INT32_MAX));
  const uint64_t max_item = num_items > 0 ? static_cast<uint64_t>(num_items - 1) : 0;
  const uint64_t n = r.Bounded(r.remaining());
  std::vector<AssociationRule> rules;
  rules.reserve(n);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    AssociationRule rule;
    const uint64_t len = r.Bounded(r.remaining());
    for (uint64_t j = 0; j < len && r.ok(); ++j) {
      rule.antecedent.push_back(static_cast<int32_t>(r.Bounded(max_item)));
      if (j > 0 && rule.antecedent[j] <= rule.antecedent[j - 1]) {
        return absl::DataLossError("association rules: antecedent not ascending");
      }
    }
    rule.consequent = static_cast<int32_t>(r.Bounded(max_item));
    rule.count = static_cast<int32_t>(r.Bounded(static_cast<uint64_t>(num_transactions)));
    rule.antecedent_count =
        static_cast<int32_t>(r.Bounded(static_cast<uint64_t>(num_transactions)));
    rule.consequent_count =
        static_cast<int32_t>(r.Bounded(static_cast<uint64_t>(num_transactions)));
    if (!r.ok()) break;
    if (std::binary_search(rule.antecedent.begin(), rule.antecedent.end(), rule.consequent)) {
      return absl::DataLossError("association rules: consequent inside the antecedent");
    }
    FillMeasures(num_transactions, &rule);
    rules.push_back(std::move(rule));
  }
  if (!r.done()) return absl::DataLossError("association rules: truncated or trailing bytes");
  return AssociationRules(std::move(rules), num_transactions, num_items);
}

absl::StatusOr<AssociationRules> GenerateRules(const FrequentItemsets& itemsets,
                                               const RuleOptions& options) {
  if (!(options.min_confidence >= 0 && options.min_confidence <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("min_confidence must be in [0, 1], got ", options.min_confidence));
  }
  if (!(options.min_lift >= 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("min_lift must be >= 0, got ", options.min_lift));
  }
  if (options.max_rules < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_rules must be >= 0, got ", options.max_rules));
  }
  const int32_t n = itemsets.num_transactions();
  std::vector<AssociationRule> rules;
  std::vector<int32_t> antecedent;
  for (int32_t i = 0; i < itemsets.size(); ++i) {
    absl::Span<const int32_t> set = itemsets.items(i);
    if (set.size() < 2 && !(set.size() == 1 && options.include_empty_antecedent)) continue;
    const int32_t count = itemsets.count(i);
    for (size_t j = 0; j < set.size(); ++j) {
      antecedent.assign(set.begin(), set.end());
      antecedent.erase(antecedent.begin() + static_cast<std::ptrdiff_t>(j));
      const std::optional<int32_t> antecedent_count = itemsets.Find(antecedent);
      const std::optional<int32_t> consequent_count = itemsets.Find(set.subspan(j, 1));
      if (!antecedent_count || !consequent_count || *antecedent_count == 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "itemsets are not downward closed: a subset of itemset ", i, " is missing"));
      }
      if (static_cast<double>(count) / *antecedent_count < options.min_confidence) continue;
      AssociationRule rule;
      rule.antecedent = antecedent;
      rule.consequent = set[j];
      rule.count = count;
      rule.antecedent_count = *antecedent_count;
      rule.consequent_count = *consequent_count;
      FillMeasures(n, &rule);
      if (rule.lift < options.min_lift) continue;
      rules.push_back(std::move(rule));
    }
  }
  std::sort(rules.begin(), rules.end(), RuleOrder);
  if (options.max_rules > 0 && static_cast<int32_t>(rules.size()) > options.max_rules) {
    rules.resize(static_cast<size_t>(options.max_rules));
  }
  return AssociationRules(std::move(rules), n, itemsets.num_items());
}

}  // namespace clientele::recommender
