// A compact transaction database for frequent-itemset mining: each transaction (basket) is a
// set of dense item indexes (0 .. num_items()-1), stored in one CSR array pair.
//
//   Transactions db;
//   db.Add({3, 1, 3});          // stored as {1, 3}: sorted, duplicates dropped
//   db.Add({});                 // empty baskets count in the denominator of support
//   MineFrequentItemsets(db, {.min_support = 0.5});
//
// Thread safety: const methods may be called concurrently; Add must not race with anything.
#ifndef CLIENTELE_RECOMMENDER_RULES_TRANSACTIONS_H_
#define CLIENTELE_RECOMMENDER_RULES_TRANSACTIONS_H_

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "absl/types/span.h"

namespace clientele::recommender {

class Transactions {
 public:
  Transactions() = default;

  // Appends one transaction. Items are sorted and deduplicated (a basket is a set). Negative
  // indexes are a programming error (CLT_CHECK). Amortized O(size log size).
  void Add(absl::Span<const int32_t> items);
  void Add(std::initializer_list<int32_t> items) {
    Add(absl::Span<const int32_t>(items.begin(), items.size()));
  }

  // Number of transactions (the denominator of support).
  int32_t size() const { return static_cast<int32_t>(offsets_.size()) - 1; }
  // 1 + the largest item index seen (0 when there are no items).
  int32_t num_items() const { return num_items_; }
  // Total number of item occurrences.
  int64_t num_occurrences() const { return static_cast<int64_t>(items_.size()); }

  // The items of transaction `t` (0 <= t < size()), ascending. Valid until the next Add.
  absl::Span<const int32_t> operator[](int32_t t) const {
    return absl::Span<const int32_t>(items_.data() + offsets_[t], offsets_[t + 1] - offsets_[t]);
  }

 private:
  std::vector<int64_t> offsets_{0};
  std::vector<int32_t> items_;
  int32_t num_items_ = 0;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_RULES_TRANSACTIONS_H_
