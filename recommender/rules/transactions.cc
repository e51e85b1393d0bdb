#include "recommender/rules/transactions.h"

#include <algorithm>

#include "common/status/status_macros.h"

namespace clientele::recommender {

void Transactions::Add(absl::Span<const int32_t> items) {
  const size_t start = items_.size();
  items_.insert(items_.end(), items.begin(), items.end());
  auto first = items_.begin() + static_cast<std::ptrdiff_t>(start);
  std::sort(first, items_.end());
  items_.erase(std::unique(first, items_.end()), items_.end());
  if (items_.size() > start) {
    CLT_CHECK(items_[start] >= 0);
    num_items_ = std::max(num_items_, items_.back() + 1);
  }
  offsets_.push_back(static_cast<int64_t>(items_.size()));
}

}  // namespace clientele::recommender
