// DenseIdMap<V>: a map from small, densely assigned uint64_t ids (the resolver's profile
// numbers, counted up from 1) to V, stored in a deque indexed by id with a presence flag.
// Lookups are one index instead of a tree search (the resolver looks profiles up for every
// candidate), iteration is in id order (ListProfiles pages by id). The subset of std::map's
// interface the resolver uses; iterators are invalidated by inserting ids beyond the largest
// so far and by clear(), like a deque's. Ids must stay below kMaxId (memory grows with the
// largest id). Not thread-safe.
#ifndef CLIENTELE_IDENTITY_RESOLUTION_INTERNAL_DENSE_ID_MAP_H_
#define CLIENTELE_IDENTITY_RESOLUTION_INTERNAL_DENSE_ID_MAP_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace clientele::identity::resolution_internal {

template <typename V>
class DenseIdMap {
  using Slot = std::optional<std::pair<uint64_t, V>>;

  template <bool kConst>
  class Iterator {
    using Map = std::conditional_t<kConst, const DenseIdMap, DenseIdMap>;
    using Value = std::conditional_t<kConst, const std::pair<uint64_t, V>, std::pair<uint64_t, V>>;

   public:
    Iterator(Map* map, size_t index) : map_(map), index_(index) { SkipAbsent(); }
    Value& operator*() const { return *map_->slots_[index_]; }
    Value* operator->() const { return &*map_->slots_[index_]; }
    Iterator& operator++() {
      ++index_;
      SkipAbsent();
      return *this;
    }
    bool operator==(const Iterator& o) const { return index_ == o.index_; }
    bool operator!=(const Iterator& o) const { return index_ != o.index_; }

   private:
    void SkipAbsent() {
      while (index_ < map_->slots_.size() && !map_->slots_[index_].has_value()) ++index_;
    }
    Map* map_;
    size_t index_;
  };

 public:
  static constexpr uint64_t kMaxId = uint64_t{1} << 32;
  using iterator = Iterator<false>;
  using const_iterator = Iterator<true>;

  // The entry of `id`, default-constructed if absent. REQUIRES: id < kMaxId.
  V& operator[](uint64_t id) {
    if (id >= slots_.size()) slots_.resize(id + 1);
    Slot& slot = slots_[id];
    if (!slot.has_value()) {
      slot.emplace(id, V());
      ++size_;
    }
    return slot->second;
  }
  V& at(uint64_t id) {
    if (!contains(id)) throw std::out_of_range("DenseIdMap::at");
    return slots_[id]->second;
  }
  const V& at(uint64_t id) const {
    if (!contains(id)) throw std::out_of_range("DenseIdMap::at");
    return slots_[id]->second;
  }
  bool contains(uint64_t id) const { return id < slots_.size() && slots_[id].has_value(); }
  size_t count(uint64_t id) const { return contains(id) ? 1 : 0; }
  iterator find(uint64_t id) { return contains(id) ? iterator(this, id) : end(); }
  const_iterator find(uint64_t id) const { return contains(id) ? const_iterator(this, id) : end(); }
  // The first entry with an id >= `id`.
  iterator lower_bound(uint64_t id) {
    return iterator(this, std::min<uint64_t>(id, slots_.size()));
  }
  const_iterator lower_bound(uint64_t id) const {
    return const_iterator(this, std::min<uint64_t>(id, slots_.size()));
  }
  size_t erase(uint64_t id) {
    if (!contains(id)) return 0;
    slots_[id].reset();
    --size_;
    return 1;
  }
  iterator begin() { return iterator(this, 0); }
  iterator end() { return iterator(this, slots_.size()); }
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, slots_.size()); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() {
    slots_.clear();
    size_ = 0;
  }

 private:
  std::deque<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace clientele::identity::resolution_internal

#endif  // CLIENTELE_IDENTITY_RESOLUTION_INTERNAL_DENSE_ID_MAP_H_
