#include "recommender/data/dataset.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace clientele::recommender {

int32_t IdIndex::Add(absl::string_view id) {
  auto [it, inserted] = index_.try_emplace(std::string(id), static_cast<int32_t>(ids_.size()));
  if (inserted) ids_.emplace_back(id);
  return it->second;
}

std::optional<int32_t> IdIndex::Find(absl::string_view id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<Dataset> Dataset::FromTriplets(IdIndex users, IdIndex items,
                                              std::vector<ItemMeta> item_meta,
                                              std::vector<Triplet> cells) {
  if (!item_meta.empty() && item_meta.size() != static_cast<size_t>(items.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("item_meta: ", item_meta.size(), " entries for ", items.size(), " items"));
  }
  for (size_t n = 0; n < cells.size(); ++n) {
    const Triplet& c = cells[n];
    if (c.user < 0 || c.user >= users.size() || c.item < 0 || c.item >= items.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("cell ", n, ": user ", c.user, " or item ", c.item, " out of range"));
    }
  }
  std::sort(cells.begin(), cells.end(), [](const Triplet& a, const Triplet& b) {
    return a.user != b.user ? a.user < b.user : a.item < b.item;
  });
  Dataset d;
  d.users_ = std::move(users);
  d.items_ = std::move(items);
  d.item_meta_ = std::move(item_meta);
  d.item_meta_.resize(d.items_.size());
  d.row_offsets_.assign(d.users_.size() + 1, 0);
  d.item_index_.reserve(cells.size());
  d.values_.reserve(cells.size());
  d.times_.reserve(cells.size());
  for (size_t n = 0; n < cells.size(); ++n) {
    const Triplet& c = cells[n];
    if (n > 0 && cells[n - 1].user == c.user && cells[n - 1].item == c.item) {
      return absl::InvalidArgumentError(absl::StrCat(
          "duplicate cell for user ", d.users_.id(c.user), " and item ", d.items_.id(c.item)));
    }
    ++d.row_offsets_[c.user + 1];
    d.item_index_.push_back(c.item);
    d.values_.push_back(c.value);
    d.times_.push_back(c.time);
    if (n == 0 || c.time < d.min_time_) d.min_time_ = c.time;
    if (n == 0 || c.time > d.max_time_) d.max_time_ = c.time;
  }
  for (int32_t u = 0; u < d.users_.size(); ++u) d.row_offsets_[u + 1] += d.row_offsets_[u];
  return d;
}

std::vector<Triplet> Dataset::ToTriplets() const {
  std::vector<Triplet> out;
  out.reserve(item_index_.size());
  for (int32_t u = 0; u < num_users(); ++u) {
    for (int64_t n = row_offsets_[u]; n < row_offsets_[u + 1]; ++n) {
      out.push_back({u, item_index_[n], values_[n], times_[n]});
    }
  }
  return out;
}

}  // namespace clientele::recommender
