#include "recommender/jobs/model_versions.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace clientele::recommender {
namespace {

constexpr char kModelPrefix[] = "model/";
constexpr char kRules[] = "rules";
constexpr char kSimilarity[] = "similarity";

absl::StatusOr<std::string> RequireArtifact(const ArtifactReader& read, uint64_t version,
                                            const std::string& name) {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> bytes, read(name));
  if (!bytes) {
    return absl::DataLossError(
        absl::StrCat("recommender model version ", version, ": artifact '", name, "' missing"));
  }
  return std::move(*bytes);
}

}  // namespace

void PutModelVersion(const RecommenderStore& store, storage::WriteBatch& batch,
                     const v1::ModelManifest& manifest,
                     const std::map<std::string, std::shared_ptr<const RecommenderModel>>& models,
                     const AssociationRules* rules, const ItemSimilarityIndex* similarity) {
  const uint64_t version = manifest.version();
  for (const auto& [name, model] : models) {
    store.PutArtifact(batch, version, absl::StrCat(kModelPrefix, name), model->Serialize());
  }
  if (rules != nullptr) store.PutArtifact(batch, version, kRules, rules->Serialize());
  if (similarity != nullptr) {
    store.PutArtifact(batch, version, kSimilarity, similarity->Serialize());
  }
  store.PutManifest(batch, manifest);
  store.PutActiveVersion(batch, version);
}

std::vector<std::string> ArtifactNames(const v1::ModelManifest& manifest) {
  std::vector<std::string> names;
  for (const std::string& name : manifest.models())
    names.push_back(absl::StrCat(kModelPrefix, name));
  if (manifest.has_rules()) names.push_back(kRules);
  if (manifest.has_similarity()) names.push_back(kSimilarity);
  return names;
}

absl::StatusOr<std::shared_ptr<const ServingSnapshot>> BuildSnapshot(v1::ModelManifest manifest,
                                                                     const ArtifactReader& read) {
  const uint64_t version = manifest.version();
  std::map<std::string, std::shared_ptr<const RecommenderModel>> models;
  for (const std::string& name : manifest.models()) {
    CLT_ASSIGN_OR_RETURN(std::string bytes,
                         RequireArtifact(read, version, absl::StrCat(kModelPrefix, name)));
    CLT_ASSIGN_OR_RETURN(std::unique_ptr<RecommenderModel> model, DeserializeModel(bytes));
    models.emplace(name, std::shared_ptr<const RecommenderModel>(std::move(model)));
  }
  std::unique_ptr<const BasketCompleter> completer;
  if (manifest.has_rules()) {
    CLT_ASSIGN_OR_RETURN(std::string bytes, RequireArtifact(read, version, kRules));
    CLT_ASSIGN_OR_RETURN(AssociationRules rules, AssociationRules::Deserialize(bytes));
    completer = std::make_unique<const BasketCompleter>(std::move(rules));
  }
  std::unique_ptr<const ItemSimilarityIndex> similarity;
  if (manifest.has_similarity()) {
    CLT_ASSIGN_OR_RETURN(std::string bytes, RequireArtifact(read, version, kSimilarity));
    CLT_ASSIGN_OR_RETURN(similarity, ItemSimilarityIndex::Deserialize(bytes));
  }
  return ServingSnapshot::Build(std::move(manifest), std::move(models), std::move(completer),
                                std::move(similarity));
}

absl::StatusOr<std::shared_ptr<const ServingSnapshot>> LoadModelVersion(
    const RecommenderStore& store, uint64_t version) {
  CLT_ASSIGN_OR_RETURN(std::optional<v1::ModelManifest> manifest, store.GetManifest(version));
  if (!manifest) {
    return absl::NotFoundError(absl::StrCat("recommender model version ", version, " not found"));
  }
  return BuildSnapshot(*std::move(manifest), [&store, version](const std::string& name) {
    return store.GetArtifact(version, name);
  });
}

absl::Status LoadActiveSnapshot(const RecommenderStore& store, SnapshotHolder* holder) {
  CLT_ASSIGN_OR_RETURN(uint64_t version, store.ActiveVersion());
  if (version == 0) return absl::OkStatus();
  CLT_ASSIGN_OR_RETURN(std::shared_ptr<const ServingSnapshot> snapshot,
                       LoadModelVersion(store, version));
  holder->Publish(std::move(snapshot));
  return absl::OkStatus();
}

}  // namespace clientele::recommender
