// Frequent itemsets with FP-Growth (Han, Pei, Yin 2000) over compact arrays.
//
//   Transactions db = ...;
//   absl::StatusOr<FrequentItemsets> sets =
//       MineFrequentItemsets(db, FpGrowthOptions{.min_support = 0.001});
//   for (int32_t i = 0; i < sets->size(); ++i) Use(sets->items(i), sets->count(i));
//
// Support follows the arules convention: an itemset is frequent when
// count / num_transactions >= min_support, evaluated exactly (see MinSupportCount), so the
// result does not depend on floating-point rounding of min_support * num_transactions.
// Every frequent itemset is reported, singletons included (arules' target "frequent itemsets"
// with minlen 1); the empty itemset is not.
#ifndef CLIENTELE_RECOMMENDER_RULES_FP_GROWTH_H_
#define CLIENTELE_RECOMMENDER_RULES_FP_GROWTH_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "recommender/rules/transactions.h"

namespace clientele::recommender {

struct FpGrowthOptions {
  // Minimum relative support in [0, 1]. 0 means "every itemset that occurs at least once".
  double min_support = 0.01;
  // Largest itemset size to report; 0 = unlimited (arules' apriori defaults to maxlen 10).
  int32_t max_length = 0;
  // Most itemsets to report; 0 = unlimited. Mining stops with ResourceExhausted as soon as the
  // count would pass it, before the itemsets beyond it are built (a single-path tree's 2^n
  // subsets are counted arithmetically first), so memory stays bounded by this many itemsets.
  // Whether the cap is hit depends only on the input and the other options (not on
  // num_threads).
  int64_t max_itemsets = 1'000'000;
  // Worker threads for the top-level split (1 = run on the calling thread).
  int32_t num_threads = 1;
  // Polled now and then; when it returns true the mining stops with absl::CancelledError.
  // May be empty. Called from the worker threads.
  std::function<bool()> cancelled;
};

// The smallest count c >= 1 with c / num_transactions >= min_support, the division and the
// comparison done in IEEE double (correctly rounded, so monotonic in c). This is the
// convention's own test, not ceil(min_support * num_transactions): 0.07 * 100 evaluates to
// 7.000000000000001, but 7 / 100 == 0.07, so the minimum count is 7. Returns 1 when
// min_support is 0 or num_transactions is 0, and num_transactions + 1 when no count passes
// (cannot happen for min_support <= 1).
int64_t MinSupportCount(double min_support, int64_t num_transactions);

// An immutable collection of frequent itemsets with their absolute counts. Items within an
// itemset are ascending item indexes. Order of itemsets: unspecified but deterministic for a
// given input and options (independent of num_threads). Thread-safe for concurrent const use.
class FrequentItemsets {
 public:
  FrequentItemsets() = default;

  int32_t size() const { return static_cast<int32_t>(counts_.size()); }
  absl::Span<const int32_t> items(int32_t i) const {
    return absl::Span<const int32_t>(items_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  int32_t count(int32_t i) const { return counts_[i]; }
  double support(int32_t i) const {
    return static_cast<double>(counts_[i]) / static_cast<double>(num_transactions_);
  }
  int32_t num_transactions() const { return num_transactions_; }
  int32_t num_items() const { return num_items_; }
  int64_t min_count() const { return min_count_; }
  // Number of itemsets of each size: result[s] = itemsets with s items (result[0] = 0).
  std::vector<int32_t> CountBySize() const;

  // The count of `itemset` (ascending, no duplicates) if it is frequent; nullopt otherwise.
  // The empty itemset has count num_transactions(). O(|itemset|) expected.
  std::optional<int32_t> Find(absl::Span<const int32_t> itemset) const;

  // Compact binary form (versioned); Deserialize validates it and returns DataLoss on
  // malformed input (never crashes).
  std::string Serialize() const;
  static absl::StatusOr<FrequentItemsets> Deserialize(absl::string_view bytes);

 private:
  friend class FrequentItemsetsBuilder;
  void BuildLookup();

  int32_t num_transactions_ = 0;
  int32_t num_items_ = 0;
  int64_t min_count_ = 1;
  std::vector<int64_t> offsets_{0};
  std::vector<int32_t> items_;
  std::vector<int32_t> counts_;
  // Key: the itemset's items as raw bytes; value: index into counts_.
  absl::flat_hash_map<std::string, int32_t> lookup_;
};

// Mines all frequent itemsets of `transactions`. InvalidArgument names the option that is out
// of range (min_support outside [0, 1] or NaN, negative max_length or max_itemsets,
// num_threads < 1). ResourceExhausted when there are more than max_itemsets frequent itemsets;
// its message names min_support, max_length and max_itemsets and what to raise or set.
absl::StatusOr<FrequentItemsets> MineFrequentItemsets(const Transactions& transactions,
                                                      const FpGrowthOptions& options);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_RULES_FP_GROWTH_H_
