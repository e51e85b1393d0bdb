// BlockingIndex: the resolver's posting lists, record indexes by blocking key.
//
// A million records hold about ten million postings under several million keys. Keys are held
// as 64-bit hashes, not strings: a slot is 32 bytes with its list, no key is allocated, and
// growing the table moves no strings. Lists of up to four records (most keys) live in the
// slot itself. Two keys with the same hash share one list: their records become candidates of
// each other and are scored like any candidate (a collision costs a little time, or, if the
// two lists together pass the block-size cap, their candidates; at ten million keys the chance
// that any two keys collide is about 3e-6).
//
// Not thread-safe (the resolver guards it with its lock).
#ifndef CLIENTELE_IDENTITY_RESOLUTION_INTERNAL_BLOCKING_INDEX_H_
#define CLIENTELE_IDENTITY_RESOLUTION_INTERNAL_BLOCKING_INDEX_H_

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "common/log/partitioning.h"

namespace clientele::identity::resolution_internal {

class BlockingIndex {
 public:
  using Postings = absl::InlinedVector<uint32_t, 4>;

  // Appends `record` to the list of `key` (callers add a record to a key once).
  void Add(std::string_view key, uint32_t record) { lists_[HashKey(key)].push_back(record); }

  // Removes `record` from the list of `key`; a list left empty is dropped.
  void Remove(std::string_view key, uint32_t record) {
    auto it = lists_.find(HashKey(key));
    if (it == lists_.end()) return;
    Postings& list = it->second;
    list.erase(std::remove(list.begin(), list.end(), record), list.end());
    if (list.empty()) lists_.erase(it);
  }

  // The list of `key`, or nullptr if no record has it. Valid until the next Add or Remove.
  const Postings* Find(std::string_view key) const {
    auto it = lists_.find(HashKey(key));
    return it == lists_.end() ? nullptr : &it->second;
  }

  // Starts loading the table slot of `key` into the cache. The table is far larger than the
  // cache, so each Find or Add misses it; prefetching a record's dozen keys first lets the
  // misses overlap. Results never change.
  void Prefetch(std::string_view key) const { lists_.prefetch(HashKey(key)); }

  void Clear() { lists_.clear(); }
  size_t KeyCount() const { return lists_.size(); }

  // log::StableHash (FNV-1a), then a final mix (fixed: the same key has the same hash in
  // every process, so collisions do not vary from run to run).
  static uint64_t HashKey(std::string_view key) {
    uint64_t h = log::StableHash(key);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
  }

 private:
  absl::flat_hash_map<uint64_t, Postings> lists_;
};

}  // namespace clientele::identity::resolution_internal

#endif  // CLIENTELE_IDENTITY_RESOLUTION_INTERNAL_BLOCKING_INDEX_H_
