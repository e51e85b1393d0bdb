// What an ingest node's data is: the cluster's partition count, fixed when the store is created,
// and which partitions' logs it serves. Both are recorded in the store (node_meta, ingest_schema.h)
// on its first open and checked on every later one, before the log opens:
//
//   - another --partition_count: refused (an event's partition is its hash modulo the count, so
//     the stored logs would belong to other partitions); FailedPrecondition naming both counts.
//   - a partition served before and not owned now whose log holds entries: refused, unless the
//     node is told to release it (`release_unowned`: its log was copied to the node that owns it
//     now, docs/operations.md "Scaling ingest"): its log, retention mark, dedup index and the
//     consumers' positions in it are then deleted from this store. A partition that held no
//     entry is dropped silently.
//   - owning a partition this data released: refused (the copy here is stale: the partition's
//     log went on growing on its new owner).
//   - a store written before the record existed counts as serving the owned partitions and every
//     partition it holds entries of (an entry of a partition at or above the count is a count
//     mismatch).
#ifndef CLIENTELE_INGEST_NODE_PARTITIONS_H_
#define CLIENTELE_INGEST_NODE_PARTITIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/storage/kv_store.h"

namespace clientele::ingest {

struct NodePartitionsOptions {
  uint32_t partition_count = 1;
  std::vector<uint32_t> owned;   // The partitions the node serves from now on; empty: all.
  bool release_unowned = false;  // --release_unowned_partitions.
  std::string store_path;        // Named in errors.
};

// Checks the record against `options` and records the owned partitions as served (moving
// released ones aside). `store` holds IngestColumnFamilies(). FailedPrecondition as above,
// naming the flags and `store_path`; DataLoss for a malformed record.
absl::Status OpenNodePartitions(storage::KvStore& store, const NodePartitionsOptions& options);

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_NODE_PARTITIONS_H_
