#include "recommender/replication/replica_snapshot.h"

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "clientele/recommender/v1/recommender_state.pb.h"
#include "recommender/jobs/model_versions.h"

namespace clientele::recommender {

absl::StatusOr<std::shared_ptr<const ServingSnapshot>> SnapshotOfUpdate(
    std::map<std::string, std::string>& artifacts, const std::function<bool()>& stopping) {
  v1::ModelManifest manifest;
  auto it = artifacts.find("manifest");
  if (it == artifacts.end() || !manifest.ParseFromString(it->second)) {
    return absl::DataLossError("model stream from --model_source: no readable manifest");
  }
  artifacts.erase(it);
  return BuildSnapshot(
      std::move(manifest),
      [&artifacts,
       &stopping](const std::string& name) -> absl::StatusOr<std::optional<std::string>> {
        if (stopping()) {
          return absl::CancelledError("model update from --model_source: the replica is stopping");
        }
        auto found = artifacts.find(name);
        if (found == artifacts.end()) return std::nullopt;
        std::string bytes = std::move(found->second);
        artifacts.erase(found);  // Freed as soon as it is deserialized.
        return bytes;
      });
}

}  // namespace clientele::recommender
