// Persisting a trained model version (manifest + artifacts) and loading it back into a
// ServingSnapshot, so that a restarted server serves the last trained snapshot.
//
// Artifacts of version V (artifacts column family): "model/<name>" (RecommenderModel::
// Serialize), "rules" (AssociationRules::Serialize), "similarity" (ItemSimilarityIndex::
// Serialize). The manifest says which exist.
#ifndef CLIENTELE_RECOMMENDER_JOBS_MODEL_VERSIONS_H_
#define CLIENTELE_RECOMMENDER_JOBS_MODEL_VERSIONS_H_

#include <map>
#include <memory>
#include <string>

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

// Publishes the active version's snapshot into `holder` (nothing when none is active).
absl::Status LoadActiveSnapshot(const RecommenderStore& store, SnapshotHolder* holder);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_JOBS_MODEL_VERSIONS_H_
