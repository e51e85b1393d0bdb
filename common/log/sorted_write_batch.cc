#include "common/log/sorted_write_batch.h"

#include <algorithm>
#include <numeric>

namespace clientele::log {

void SortedWriteBatch::Put(storage::ColumnFamilyId cf, std::string_view key,
                           std::string_view value) {
  ops_.push_back({cf, false, static_cast<uint32_t>(key.size()), static_cast<uint32_t>(value.size()),
                  bytes_.size()});
  bytes_.append(key);
  bytes_.append(value);
}

void SortedWriteBatch::Delete(storage::ColumnFamilyId cf, std::string_view key) {
  ops_.push_back({cf, true, static_cast<uint32_t>(key.size()), 0, bytes_.size()});
  bytes_.append(key);
}

void SortedWriteBatch::Clear() {
  ops_.clear();
  bytes_.clear();
}

void SortedWriteBatch::AppendTo(storage::WriteBatch& out) const {
  std::vector<uint32_t> order(ops_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) {
    const Op& x = ops_[a];
    const Op& y = ops_[b];
    if (x.cf != y.cf) return x.cf < y.cf;
    return KeyOf(x) < KeyOf(y);
  });
  for (uint32_t i : order) {
    const Op& op = ops_[i];
    if (op.is_delete) {
      out.Delete(op.cf, KeyOf(op));
    } else {
      out.Put(op.cf, KeyOf(op),
              std::string_view(bytes_.data() + op.offset + op.key_size, op.value_size));
    }
  }
}

}  // namespace clientele::log
