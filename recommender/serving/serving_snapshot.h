// ServingSnapshot: everything the read calls (Recommend, SimilarItems, CompleteBasket,
// ListRules, GetModelInfo) need, in memory and immutable: the fitted models, the basket
// completer (association rules), the item similarity index, the catalog (SKU <-> item index,
// names, categories) and the profiles the snapshot answers for (profile id and member source
// keys -> the models' user index, the profiling consent as of training).
//
// Built once (by a Train job or from the store at start-up) and then only read: every member
// is const after Build, so any number of threads may use one snapshot concurrently.
#ifndef CLIENTELE_RECOMMENDER_SERVING_SERVING_SNAPSHOT_H_
#define CLIENTELE_RECOMMENDER_SERVING_SERVING_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "clientele/recommender/v1/recommender_state.pb.h"
#include "recommender/content/item_similarity_index.h"
#include "recommender/data/dataset.h"
#include "recommender/models/recommender_model.h"
#include "recommender/rules/basket_completer.h"

namespace clientele::recommender {

struct ServingProfile {
  std::string profile_id;
  int32_t user = -1;         // Index in the models' users(); -1 without training history.
  int32_t consent = 0;       // 0 none, 1 granted, 2 revoked/denied (ModelManifest).
  int64_t consent_time = 0;  // Unix seconds of that consent.
  std::vector<std::string> source_keys;  // "system/id" (FormatSourceKey).
};

class ServingSnapshot {
 public:
  // Takes ownership of the parts. `manifest` describes them: its catalog gives the item
  // index order (which must be the models' and the rules' item index), its profiles the
  // profiles. `completer` and `similarity` may be null.
  static absl::StatusOr<std::shared_ptr<const ServingSnapshot>> Build(
      v1::ModelManifest manifest,
      std::map<std::string, std::shared_ptr<const RecommenderModel>> models,
      std::unique_ptr<const BasketCompleter> completer,
      std::unique_ptr<const ItemSimilarityIndex> similarity);

  uint64_t version() const { return manifest_.version(); }
  // The manifest without its catalog and profile lists (those live in the indexes below).
  const v1::ModelManifest& manifest() const { return manifest_; }

  // nullptr when the model was not trained.
  const RecommenderModel* model(const std::string& name) const;
  const std::map<std::string, std::shared_ptr<const RecommenderModel>>& models() const {
    return models_;
  }
  const BasketCompleter* completer() const { return completer_.get(); }
  const ItemSimilarityIndex* similarity() const { return similarity_.get(); }

  int32_t num_items() const { return static_cast<int32_t>(skus_.size()); }
  std::optional<int32_t> FindItem(const std::string& sku) const;
  const std::string& sku(int32_t item) const { return skus_[item]; }
  const std::string& name(int32_t item) const { return names_[item]; }
  const std::string& category(int32_t item) const { return categories_[item]; }

  // By profile id, or by a member source key ("system/id", FormatSourceKey).
  const ServingProfile* FindProfile(const std::string& profile_id) const;
  const ServingProfile* FindBySourceKey(const std::string& source_key_text) const;
  int64_t num_profiles() const { return static_cast<int64_t>(profiles_.size()); }

 private:
  ServingSnapshot() = default;

  v1::ModelManifest manifest_;
  std::map<std::string, std::shared_ptr<const RecommenderModel>> models_;
  std::unique_ptr<const BasketCompleter> completer_;
  std::unique_ptr<const ItemSimilarityIndex> similarity_;
  std::vector<std::string> skus_;
  std::vector<std::string> names_;
  std::vector<std::string> categories_;
  absl::flat_hash_map<std::string, int32_t> item_index_;
  std::vector<ServingProfile> profiles_;
  absl::flat_hash_map<std::string, int32_t> profile_index_;
  absl::flat_hash_map<std::string, int32_t> source_key_index_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_SERVING_SERVING_SNAPSHOT_H_
