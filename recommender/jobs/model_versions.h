// Persisting a trained model version (manifest + artifacts) and loading it back into a
// ServingSnapshot, so that a restarted server serves the last trained snapshot.
//
// Artifacts of version V (artifacts column family): "model/<name>" (RecommenderModel::
// Serialize), "rules" (AssociationRules::Serialize), "similarity" (ItemSimilarityIndex::
// Serialize). The manifest says which exist.
#ifndef CLIENTELE_RECOMMENDER_JOBS_MODEL_VERSIONS_H_
#define CLIENTELE_RECOMMENDER_JOBS_MODEL_VERSIONS_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "recommender/serving/serving_snapshot.h"
#include "recommender/serving/snapshot_holder.h"
#include "recommender/state/recommender_store.h"

namespace clientele::recommender {

// Adds the manifest, the artifacts and the active-version pointer of `manifest.version()`
// to `batch`.
void PutModelVersion(const RecommenderStore& store, storage::WriteBatch& batch,
                     const v1::ModelManifest& manifest,
                     const std::map<std::string, std::shared_ptr<const RecommenderModel>>& models,
                     const AssociationRules* rules, const ItemSimilarityIndex* similarity);

// The snapshot of a stored version. NotFound for an unknown version; DataLoss for corrupt
// artifacts.
absl::StatusOr<std::shared_ptr<const ServingSnapshot>> LoadModelVersion(
    const RecommenderStore& store, uint64_t version);

// The artifact names of the version `manifest` describes, in a fixed order (models in the
// manifest's order, then "rules" and "similarity" when it has them): what a serving replica
// is sent (recommender/replication/).
std::vector<std::string> ArtifactNames(const v1::ModelManifest& manifest);

// The bytes of artifact `name` of one version; nullopt when it is missing.
using ArtifactReader =
    std::function<absl::StatusOr<std::optional<std::string>>(const std::string& name)>;

// The snapshot of the version `manifest` describes, its artifacts read through `read`
// (LoadModelVersion reads the store; a serving replica the bytes the trainer sent). DataLoss
// for a missing or corrupt artifact.
absl::StatusOr<std::shared_ptr<const ServingSnapshot>> BuildSnapshot(v1::ModelManifest manifest,
                                                                     const ArtifactReader& read);

// Publishes the active version's snapshot into `holder` (nothing when none is active).
absl::Status LoadActiveSnapshot(const RecommenderStore& store, SnapshotHolder* holder);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_JOBS_MODEL_VERSIONS_H_
