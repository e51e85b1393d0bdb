// The ingest service's RocksDB column families (one registry, kvrocks style) and key layout.
//
//   log          [u32 partition][u64 sequence]  -> [u8 PayloadType] + LogEntry bytes
//   event_ids    [u32 partition][event_id]      -> [u64 sequence]      (deduplication)
//   dead_letters [u64 id]                       -> DeadLetter bytes
//   consumers    [consumer name][0x00][u32 partition] -> ConsumerInfo bytes
//   dead_letter_keys [u64 fingerprint]          -> [u64 dead letter id]  (one letter per
//                                                  distinct rejection: re-imports add none)
//   log_retention [u32 partition]               -> [u64 first retained sequence] (retention
//                                                  removed every entry below it; absent: none)
//   node_meta    "partition_count"              -> [u32 N] (fixed when the store is created)
//                "served_partitions"            -> [u32 partition]* (ascending)
//                "released_partitions"          -> [u32 partition]* (node_partitions.h)
//
// event_ids values written since issue 12 carry [u64 sequence][u64 payload fingerprint];
// older 8-byte values have no fingerprint (a retry of them is always a duplicate).
#ifndef CLIENTELE_INGEST_INGEST_SCHEMA_H_
#define CLIENTELE_INGEST_INGEST_SCHEMA_H_

#include <vector>

#include "common/storage/kv_store.h"

namespace clientele::ingest {

enum IngestColumnFamily : storage::ColumnFamilyId {
  kLogCf = 0,
  kEventIdsCf = 1,
  kDeadLettersCf = 2,
  kConsumersCf = 3,
  kDeadLetterKeysCf = 4,
  kLogRetentionCf = 5,
  kNodeMetaCf = 6,
};

inline std::vector<storage::ColumnFamilySpec> IngestColumnFamilies() {
  return {
      {"log", false, /*range_deletions=*/true},
      {"event_ids", true},
      {"dead_letters", false},
      {"consumers", false},
      {"dead_letter_keys", true},
      {"log_retention", false},
      {"node_meta", false},
  };
}

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_INGEST_SCHEMA_H_
