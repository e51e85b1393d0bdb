// Dataset: the user x item matrix every recommender model is fitted on.
//
// Users and items are dense int32 indexes [0, num_users) and [0, num_items) with maps to and
// from their string ids: a user is a source key ("system/id") or a profile id, an item is a
// SKU. The matrix is CSR by user: for user u, the entries [row_offsets()[u],
// row_offsets()[u+1]) hold item indexes (strictly increasing), a float value (an explicit
// rating, an implicit 1-5 rating from orders, or a summed interaction weight, see
// dataset_builder.h) and the time of the pair's last interaction (unix seconds).
// Items carry metadata (name, description, category); every item has an entry, possibly empty.
//
// A Dataset is immutable once built and safe for concurrent const use.
//
//   DatasetBuilder builder;
//   builder.AddRating("u1", "sku9", 4.0, absl::FromUnixSeconds(0));
//   absl::StatusOr<Dataset> data = builder.Build();
#ifndef CLIENTELE_RECOMMENDER_DATA_DATASET_H_
#define CLIENTELE_RECOMMENDER_DATA_DATASET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace clientele::recommender {

struct ItemMeta {
  std::string name;
  std::string description;
  std::string category;
};

// A string id <-> dense index map. Indexes are assigned in insertion order.
class IdIndex {
 public:
  // Returns the index of `id`, adding it when new.
  int32_t Add(absl::string_view id);
  // Returns the index of `id`, or nullopt.
  std::optional<int32_t> Find(absl::string_view id) const;
  const std::string& id(int32_t index) const { return ids_[index]; }
  int32_t size() const { return static_cast<int32_t>(ids_.size()); }
  const std::vector<std::string>& ids() const { return ids_; }

 private:
  std::vector<std::string> ids_;
  absl::flat_hash_map<std::string, int32_t> index_;
};

// One (user, item) cell of the matrix.
struct Triplet {
  int32_t user = 0;
  int32_t item = 0;
  float value = 0;
  int64_t time = 0;  // Unix seconds of the last interaction.
};

class Dataset {
 public:
  Dataset() = default;

  // Builds the CSR from cells. Duplicate (user, item) cells are an error (InvalidArgument),
  // as are indexes outside [0, users.size()) / [0, items.size()). `item_meta` is empty or has
  // one entry per item.
  static absl::StatusOr<Dataset> FromTriplets(IdIndex users, IdIndex items,
                                              std::vector<ItemMeta> item_meta,
                                              std::vector<Triplet> cells);

  int32_t num_users() const { return users_.size(); }
  int32_t num_items() const { return items_.size(); }
  int64_t num_interactions() const { return static_cast<int64_t>(item_index_.size()); }

  const IdIndex& users() const { return users_; }
  const IdIndex& items() const { return items_; }
  const std::string& user_id(int32_t user) const { return users_.id(user); }
  const std::string& item_id(int32_t item) const { return items_.id(item); }
  std::optional<int32_t> FindUser(absl::string_view id) const { return users_.Find(id); }
  std::optional<int32_t> FindItem(absl::string_view id) const { return items_.Find(id); }
  const ItemMeta& item_meta(int32_t item) const { return item_meta_[item]; }
  const std::vector<ItemMeta>& all_item_meta() const { return item_meta_; }

  // The row of `user`: item indexes (increasing), values and last times, all the same length.
  absl::Span<const int32_t> UserItems(int32_t user) const {
    return absl::MakeConstSpan(item_index_).subspan(row_offsets_[user], RowSize(user));
  }
  absl::Span<const float> UserValues(int32_t user) const {
    return absl::MakeConstSpan(values_).subspan(row_offsets_[user], RowSize(user));
  }
  absl::Span<const int64_t> UserTimes(int32_t user) const {
    return absl::MakeConstSpan(times_).subspan(row_offsets_[user], RowSize(user));
  }

  // Raw CSR arrays: row_offsets has num_users() + 1 entries.
  const std::vector<int64_t>& row_offsets() const { return row_offsets_; }
  const std::vector<int32_t>& item_index() const { return item_index_; }
  const std::vector<float>& values() const { return values_; }
  const std::vector<int64_t>& times() const { return times_; }

  // All cells in CSR order.
  std::vector<Triplet> ToTriplets() const;

  // Smallest and largest interaction time (0 when empty).
  int64_t min_time() const { return min_time_; }
  int64_t max_time() const { return max_time_; }

 private:
  size_t RowSize(int32_t user) const {
    return static_cast<size_t>(row_offsets_[user + 1] - row_offsets_[user]);
  }

  IdIndex users_;
  IdIndex items_;
  std::vector<ItemMeta> item_meta_;
  std::vector<int64_t> row_offsets_{0};
  std::vector<int32_t> item_index_;
  std::vector<float> values_;
  std::vector<int64_t> times_;
  int64_t min_time_ = 0;
  int64_t max_time_ = 0;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_DATA_DATASET_H_
