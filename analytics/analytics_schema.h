// The analytics service's RocksDB column families (one registry, like ingest/ingest_schema.h)
// and key layout. Values are serialized protobuf unless noted.
//
//   aggregates   [source key]                  -> CustomerOrderAggregate::Encode() bytes
//   attributes   [source key]                  -> common.v1.CustomerUpsert (merged view)
//   jobs         [job id]                      -> common.v1.Job (common/jobs/job_store.h);
//                                                 ids "analytics-<n>"
//   job_keys     [idempotency key]             -> job id of the key's latest attempt
//   models       [u64 version]                 -> analytics.v1.Model
//   rfm_rows     [u64 version][profile id]     -> analytics.v1.RfmRow
//   cluster_rows [u64 version][profile id]     -> [u32 cluster]
//   members      [u64 version][source key]     -> profile id (who was scored as whom), only
//                                                 when it differs from FormatSourceKey(key)
//   orders       [u32 n][source key (n bytes)][u64 ~time][order id]
//                                              -> analytics.v1.CustomerOrder (newest first per
//                                                 key: time is the order's microseconds since
//                                                 the epoch, sign bit flipped, then inverted)
//   meta         "active/<kind>"               -> [u64 version]
//                "next_version"                -> [u64]
//                "applied/analytics\0[u32 p]"  -> [u64 sequence] (LogConsumer progress)
//
// A source key is encoded as system 0x00 id (system never holds 0x00), so keys of one system
// sort together.
#ifndef CLIENTELE_ANALYTICS_ANALYTICS_SCHEMA_H_
#define CLIENTELE_ANALYTICS_ANALYTICS_SCHEMA_H_

#include <vector>

#include "common/storage/kv_store.h"

namespace clientele::analytics {

enum AnalyticsColumnFamily : storage::ColumnFamilyId {
  kAggregatesCf = 0,
  kAttributesCf = 1,
  kJobsCf = 2,
  kJobKeysCf = 3,
  kModelsCf = 4,
  kRfmRowsCf = 5,
  kClusterRowsCf = 6,
  kMetaCf = 7,
  kMembersCf = 8,
  kOrdersCf = 9,
};

inline std::vector<storage::ColumnFamilySpec> AnalyticsColumnFamilies() {
  return {
      {"aggregates", true}, {"attributes", true}, {"jobs", false},         {"job_keys", true},
      {"models", false},    {"rfm_rows", false},  {"cluster_rows", false}, {"meta", false},
      {"members", true},    {"orders", false},
  };
}

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_ANALYTICS_SCHEMA_H_
