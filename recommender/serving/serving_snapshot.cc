#include "recommender/serving/serving_snapshot.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace clientele::recommender {
namespace {

// A member source key as the manifest stores it, in the one text spelling "system/id"
// (FormatSourceKey). Manifests trained before that spelling hold "system:id"; a system never
// holds ':' or '/', so the first of them is the separator.
std::string CanonicalSourceKeyText(std::string text) {
  const size_t separator = text.find_first_of(":/");
  if (separator != std::string::npos && text[separator] == ':') text[separator] = '/';
  return text;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const ServingSnapshot>> ServingSnapshot::Build(
    v1::ModelManifest manifest,
    std::map<std::string, std::shared_ptr<const RecommenderModel>> models,
    std::unique_ptr<const BasketCompleter> completer,
    std::unique_ptr<const ItemSimilarityIndex> similarity) {
  std::shared_ptr<ServingSnapshot> s(new ServingSnapshot());
  const int32_t n = manifest.catalog_size();
  s->skus_.reserve(n);
  s->names_.reserve(n);
  s->categories_.reserve(n);
  for (int32_t i = 0; i < n; ++i) {
    const v1::CatalogItem& item = manifest.catalog(i);
    s->skus_.push_back(item.sku());
    s->names_.push_back(item.name());
    s->categories_.push_back(item.category());
    s->item_index_.emplace(item.sku(), i);
  }
  for (const auto& [name, model] : models) {
    if (model == nullptr || model->items().size() != n) {
      return absl::InternalError(absl::StrCat("serving snapshot: model '", name, "' has ",
                                              model ? model->items().size() : 0,
                                              " items, the catalog ", n));
    }
  }
  const RecommenderModel* any = models.empty() ? nullptr : models.begin()->second.get();
  for (const v1::ServingProfile& p : manifest.profiles()) {
    ServingProfile profile;
    profile.profile_id = p.profile_id();
    if (any != nullptr) profile.user = any->FindUser(p.profile_id()).value_or(-1);
    profile.consent = p.profiling_consent();
    profile.consent_time = p.consent_time().seconds();
    profile.source_keys.reserve(p.source_keys_size());
    for (const std::string& key : p.source_keys()) {
      profile.source_keys.push_back(CanonicalSourceKeyText(key));
    }
    const int32_t index = static_cast<int32_t>(s->profiles_.size());
    s->profile_index_.emplace(profile.profile_id, index);
    for (const std::string& key : profile.source_keys) s->source_key_index_.emplace(key, index);
    s->profiles_.push_back(std::move(profile));
  }
  manifest.clear_catalog();
  manifest.clear_profiles();
  s->manifest_ = std::move(manifest);
  s->models_ = std::move(models);
  s->completer_ = std::move(completer);
  s->similarity_ = std::move(similarity);
  return std::shared_ptr<const ServingSnapshot>(std::move(s));
}

const RecommenderModel* ServingSnapshot::model(const std::string& name) const {
  auto it = models_.find(name);
  return it == models_.end() ? nullptr : it->second.get();
}

std::optional<int32_t> ServingSnapshot::FindItem(const std::string& sku) const {
  auto it = item_index_.find(sku);
  if (it == item_index_.end()) return std::nullopt;
  return it->second;
}

const ServingProfile* ServingSnapshot::FindProfile(const std::string& profile_id) const {
  auto it = profile_index_.find(profile_id);
  return it == profile_index_.end() ? nullptr : &profiles_[it->second];
}

const ServingProfile* ServingSnapshot::FindBySourceKey(const std::string& source_key_text) const {
  auto it = source_key_index_.find(source_key_text);
  return it == source_key_index_.end() ? nullptr : &profiles_[it->second];
}

}  // namespace clientele::recommender
