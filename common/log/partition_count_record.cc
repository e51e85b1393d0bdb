#include "common/log/partition_count_record.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"

namespace clientele::log {

absl::Status PartitionCountMismatchError(uint32_t recorded, uint32_t flag,
                                         std::string_view store_path) {
  return absl::FailedPreconditionError(absl::StrCat(
      "--partition_count=", flag, ": the data in ", std::string(store_path), " was created with ",
      "--partition_count=", recorded,
      "; a cluster's partition count never changes (an event's partition is its hash modulo "
      "the count): start with --partition_count=",
      recorded, ", or re-import into a new cluster (docs/operations.md, \"Scaling ingest\")"));
}

absl::Status RecordPartitionCount(storage::KvStore& store, storage::ColumnFamilyId cf,
                                  std::string_view key, uint32_t partition_count,
                                  std::string_view store_path) {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> value, store.Get(cf, key));
  if (!value.has_value()) {
    std::unique_ptr<storage::WriteBatch> batch = store.NewWriteBatch();
    std::string encoded;
    storage::AppendUint32(encoded, partition_count);
    batch->Put(cf, key, encoded);
    return store.Write(*batch);
  }
  if (value->size() != 4) {
    return absl::DataLossError(absl::StrCat(std::string(store_path),
                                            ": the recorded partition count (", std::string(key),
                                            ") does not parse"));
  }
  const uint32_t recorded = storage::DecodeUint32(*value);
  if (recorded != partition_count) {
    return PartitionCountMismatchError(recorded, partition_count, store_path);
  }
  return absl::OkStatus();
}

}  // namespace clientele::log
