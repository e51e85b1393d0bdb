// The serving snapshot a replica builds from one KIND_SNAPSHOT update of the trainer's model
// stream (replica_follower.h). Building it deserializes every model, which takes seconds for a
// large catalog; a replica that is told to stop meanwhile gives the build up at the next
// artifact instead of finishing it. No gRPC; thread-compatible.
#ifndef CLIENTELE_RECOMMENDER_REPLICATION_REPLICA_SNAPSHOT_H_
#define CLIENTELE_RECOMMENDER_REPLICATION_REPLICA_SNAPSHOT_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "recommender/serving/serving_snapshot.h"

namespace clientele::recommender {

// `artifacts`: the update's artifacts by name ("manifest" and those ArtifactNames lists); each
// is moved out as it is read, so its bytes are freed once deserialized. `stopping` is asked
// before each artifact: once it answers true the build ends with CANCELLED. DataLoss for a
// missing or unreadable manifest or artifact.
absl::StatusOr<std::shared_ptr<const ServingSnapshot>> SnapshotOfUpdate(
    std::map<std::string, std::string>& artifacts, const std::function<bool()>& stopping);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_REPLICATION_REPLICA_SNAPSHOT_H_
