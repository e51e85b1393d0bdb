// The partition count a store was created with, recorded in the store itself. A store whose
// state is partitioned by the log's partition count (ingest's log, a consumer's applied
// sequences) is only meaningful under that count: the partition of an event is its hash
// modulo the count (partitioning.h), so the same store opened under another count would read
// another cluster's partitions. The count is written on the store's first open and compared
// on every later one.
//
//   CLT_RETURN_IF_ERROR(RecordPartitionCount(*store, kMetaCf, "partition_count/identity",
//                                            env.partition_count, store_path));
#ifndef CLIENTELE_COMMON_LOG_PARTITION_COUNT_RECORD_H_
#define CLIENTELE_COMMON_LOG_PARTITION_COUNT_RECORD_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "common/storage/kv_store.h"

namespace clientele::log {

// Writes `partition_count` under `key` of `cf` when nothing is recorded there yet (a new
// store, or one written before the count was recorded: it is taken as created with this
// count); otherwise checks it. FailedPrecondition naming both counts and `store_path` when
// the recorded count differs; DataLoss when the record does not parse.
absl::Status RecordPartitionCount(storage::KvStore& store, storage::ColumnFamilyId cf,
                                  std::string_view key, uint32_t partition_count,
                                  std::string_view store_path);

// The FailedPrecondition of a store created with `recorded` partitions opened with `flag`.
absl::Status PartitionCountMismatchError(uint32_t recorded, uint32_t flag,
                                         std::string_view store_path);

}  // namespace clientele::log

#endif  // CLIENTELE_COMMON_LOG_PARTITION_COUNT_RECORD_H_
