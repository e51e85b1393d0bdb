// --partitions and --ingest_replicas of clienteled: which log partitions this node owns.
//
//   ""          every partition (one node serves the whole log)
//   "0,3"       those partitions
//   "ordinal"   the StatefulSet ordinal o at the end of the host name ("ingest-1": 1) owns
//               every partition p with p mod replicas == o, so R pods serve N >= R partitions
//               (replicas 0: N, one pod per partition)
#ifndef CLIENTELE_CMD_CLIENTELED_OWNED_PARTITIONS_H_
#define CLIENTELE_CMD_CLIENTELED_OWNED_PARTITIONS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace clientele {

// The partitions `spec` names, ascending (empty: all). InvalidArgument naming the flag for a
// partition not below `partition_count`, `replicas` above it, or an ordinal the host name
// lacks or that is not below the replicas.
absl::StatusOr<std::vector<uint32_t>> OwnedPartitions(absl::string_view spec,
                                                      uint32_t partition_count, uint32_t replicas,
                                                      absl::string_view host_name);

}  // namespace clientele

#endif  // CLIENTELE_CMD_CLIENTELED_OWNED_PARTITIONS_H_
