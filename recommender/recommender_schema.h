// The recommender service's RocksDB column families (one registry) and key layout. Values are
// serialized protobuf unless noted. A source key is encoded as system 0x00 id.
//
//   orders        [customer source key] 0x00 [order source key]  -> common.v1.Event (Order)
//                 guest orders: 0x00 0x00 [order source key]
//   interactions  [customer source key] [u64 sequence]           -> common.v1.Event (Interaction)
//   products      [sku]                                          -> common.v1.ProductUpsert
//   (merged) customers     [source key]                                   -> "" (seen in any event)
//   consents      [source key]                                   -> v1.ConsentRecord (profiling)
//   jobs          [job id]                                       -> common.v1.Job
//                                                                   (common/jobs/job_store.h;
//                                                                   ids "recommender-<n>")
//   job_keys      [idempotency key]                              -> job id (latest attempt)
//   models        [u64 version]                                  -> v1.ModelManifest
//   artifacts     [u64 version][name]                            -> bytes ("model/<name>",
//                                                                   "rules", "similarity")
//   item_vectors  [sku]                                          -> packed little-endian floats
//   purchases     [customer source key] 0x00 [u32 partition][u64 sequence]
//                                                                -> v1.PurchasedItems (the live
//                                                                   purchase history Recommend
//                                                                   excludes; one per event)
//   meta          "active"                                       -> [u64 version]
//                 "next_version"                                 -> [u64]
//                 "applied/recommender\0[u32 p]"                 -> [u64] (LogConsumer progress)
#ifndef CLIENTELE_RECOMMENDER_RECOMMENDER_SCHEMA_H_
#define CLIENTELE_RECOMMENDER_RECOMMENDER_SCHEMA_H_

#include <vector>

#include "common/storage/kv_store.h"

namespace clientele::recommender {

enum RecommenderColumnFamily : storage::ColumnFamilyId {
  kOrdersCf = 0,
  kInteractionsCf = 1,
  kProductsCf = 2,
  kCustomersCf = 3,
  kConsentsCf = 4,
  kJobsCf = 5,
  kJobKeysCf = 6,
  kModelsCf = 7,
  kArtifactsCf = 8,
  kItemVectorsCf = 9,
  kMetaCf = 10,
  kPurchasesCf = 11,
};

inline std::vector<storage::ColumnFamilySpec> RecommenderColumnFamilies() {
  return {
      {"orders", false},    {"interactions", false}, {"products", true}, {"customers", true},
      {"consents", true},   {"jobs", false},         {"job_keys", true}, {"models", false},
      {"artifacts", false}, {"item_vectors", false}, {"meta", false},    {"purchases", false},
  };
}

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_RECOMMENDER_SCHEMA_H_
