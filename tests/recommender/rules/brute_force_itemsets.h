// Reference implementations for the rules tests: frequent itemsets by enumerating every subset
// of the item universe (small universes only), and rules derived from them.
#ifndef CLIENTELE_TESTS_RECOMMENDER_RULES_BRUTE_FORCE_ITEMSETS_H_
#define CLIENTELE_TESTS_RECOMMENDER_RULES_BRUTE_FORCE_ITEMSETS_H_

#include <cstdint>
#include <map>
#include <vector>

#include "recommender/rules/fp_growth.h"
#include "recommender/rules/transactions.h"

namespace clientele::recommender::testing {

// itemset (ascending) -> count, for every itemset with count >= min_count (and count >= 1),
// of size <= max_length (0 = any). Requires num_items <= 20.
inline std::map<std::vector<int32_t>, int32_t> BruteForceItemsets(const Transactions& db,
                                                                  int64_t min_count,
                                                                  int32_t max_length = 0) {
  std::map<std::vector<int32_t>, int32_t> result;
  const int32_t m = db.num_items();
  for (uint32_t mask = 1; mask < (1u << m); ++mask) {
    std::vector<int32_t> set;
    for (int32_t i = 0; i < m; ++i) {
      if (mask & (1u << i)) set.push_back(i);
    }
    if (max_length > 0 && static_cast<int32_t>(set.size()) > max_length) continue;
    int32_t count = 0;
    for (int32_t t = 0; t < db.size(); ++t) {
      absl::Span<const int32_t> items = db[t];
      bool all = true;
      for (int32_t item : set) {
        if (!std::binary_search(items.begin(), items.end(), item)) {
          all = false;
          break;
        }
      }
      count += all ? 1 : 0;
    }
    if (count >= std::max<int64_t>(min_count, 1)) result[set] = count;
  }
  return result;
}

inline std::map<std::vector<int32_t>, int32_t> AsMap(const FrequentItemsets& sets) {
  std::map<std::vector<int32_t>, int32_t> result;
  for (int32_t i = 0; i < sets.size(); ++i) {
    absl::Span<const int32_t> items = sets.items(i);
    result[std::vector<int32_t>(items.begin(), items.end())] = sets.count(i);
  }
  return result;
}

}  // namespace clientele::recommender::testing

#endif  // CLIENTELE_TESTS_RECOMMENDER_RULES_BRUTE_FORCE_ITEMSETS_H_
