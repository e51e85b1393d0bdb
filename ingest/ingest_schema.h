// The ingest service's RocksDB column families (one registry, kvrocks style) and key layout.
//
//   log          [u32 partition][u64 sequence]  -> [u8 PayloadType] + LogEntry bytes
//   event_ids    [u32 partition][event_id]      -> [u64 sequence]      (deduplication)
//   dead_letters [u64 id]                       -> DeadLetter bytes
//   consumers    [consumer name][0x00][u32 partition] -> ConsumerInfo bytes
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
};

inline std::vector<storage::ColumnFamilySpec> IngestColumnFamilies() {
  return {
      {"log", false},
      {"event_ids", true},
      {"dead_letters", false},
      {"consumers", false},
  };
}

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_INGEST_SCHEMA_H_
