// A WriteBatch that buffers its changes and hands them to another batch sorted by column
// family and key. RocksDB inserts a batch into skip-list memtables one change at a time; in
// key order each insert starts next to the previous one instead of from the top of the list,
// which on the identity consumer's batches (source keys: random order) halves the cost of the
// write. The order of the changes to one key is kept (a stable sort), so the written state is
// the same as writing the changes in their original order.
//
//   SortedWriteBatch sorted;
//   applier.Apply(..., sorted);
//   std::unique_ptr<storage::WriteBatch> batch = store->NewWriteBatch();
//   sorted.AppendTo(*batch);
//   store->Write(*batch);
//
// Not thread-safe.
#ifndef CLIENTELE_COMMON_LOG_SORTED_WRITE_BATCH_H_
#define CLIENTELE_COMMON_LOG_SORTED_WRITE_BATCH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/storage/kv_store.h"

namespace clientele::log {

class SortedWriteBatch final : public storage::WriteBatch {
 public:
  void Put(storage::ColumnFamilyId cf, std::string_view key, std::string_view value) override;
  void Delete(storage::ColumnFamilyId cf, std::string_view key) override;
  int Count() const override { return static_cast<int>(ops_.size()); }
  // Bytes of keys and values buffered.
  size_t ByteSize() const override { return bytes_.size(); }
  void Clear() override;

  // Adds every buffered change to `out` in (column family, key) order, changes to the same key
  // in the order they were made. The buffer is kept (Clear empties it).
  void AppendTo(storage::WriteBatch& out) const;

 private:
  struct Op {
    storage::ColumnFamilyId cf;
    bool is_delete;
    uint32_t key_size;
    uint32_t value_size;
    size_t offset;  // Into bytes_: key, then value.
  };
  std::string_view KeyOf(const Op& op) const { return {bytes_.data() + op.offset, op.key_size}; }

  std::vector<Op> ops_;
  std::string bytes_;
};

}  // namespace clientele::log

#endif  // CLIENTELE_COMMON_LOG_SORTED_WRITE_BATCH_H_
