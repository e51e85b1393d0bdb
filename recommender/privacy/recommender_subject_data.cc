#include "recommender/privacy/recommender_subject_data.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/privacy/subject_set.h"
#include "common/source_key/source_key.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "nlohmann/json.hpp"
#include "recommender/jobs/model_versions.h"
#include "recommender/recommender_schema.h"
#include "spdlog/spdlog.h"

namespace clientele::recommender {
namespace {

constexpr char kModelPrefix[] = "model/";

// A member source key as a manifest stores it, in the spelling "system/id" (older manifests
// hold "system:id"; a system never holds ':' or '/').
std::string CanonicalKeyText(std::string text) {
  const size_t separator = text.find_first_of(":/");
  if (separator != std::string::npos && text[separator] == ':') text[separator] = '/';
  return text;
}

bool IsSubjectProfile(const v1::ServingProfile& profile, const privacy::SubjectSet& subjects) {
  if (subjects.profile_id_set.contains(profile.profile_id())) return true;
  for (const std::string& key : profile.source_keys()) {
    if (subjects.key_texts.contains(CanonicalKeyText(key))) return true;
  }
  return false;
}

// Deletes every key of `cf` that starts with `prefix` and whose length `accept` takes.
absl::StatusOr<int64_t> DeletePrefix(const storage::KvStore& kv, storage::ColumnFamilyId cf,
                                     const std::string& prefix,
                                     const std::function<bool(size_t)>& accept,
                                     storage::WriteBatch& batch) {
  storage::IteratorBounds bounds;
  bounds.lower_bound = prefix;
  bounds.upper_bound = storage::PrefixSuccessor(prefix);
  std::unique_ptr<storage::KvIterator> it = kv.NewIterator(cf, bounds);
  int64_t deleted = 0;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (!accept(it->key().size())) continue;
    batch.Delete(cf, it->key());
    ++deleted;
  }
  CLT_RETURN_IF_ERROR(it->status());
  return deleted;
}

absl::StatusOr<int64_t> DeletePoint(const storage::KvStore& kv, storage::ColumnFamilyId cf,
                                    const std::string& key, storage::WriteBatch& batch) {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> value, kv.Get(cf, key));
  if (!value) return 0;
  batch.Delete(cf, key);
  return 1;
}

// The rows of the store keyed by `key` (recommender_schema.h) into `batch`.
absl::StatusOr<int64_t> DeleteSourceKeyRows(const storage::KvStore& kv,
                                            const common::v1::SourceKey& key,
                                            storage::WriteBatch& batch) {
  const std::string encoded = EncodeSourceKey(key);
  const std::string terminated = encoded + std::string(1, '\0');
  auto any = [](size_t) { return true; };
  int64_t deleted = 0;
  CLT_ASSIGN_OR_RETURN(int64_t n, DeletePrefix(kv, kOrdersCf, terminated, any, batch));
  deleted += n;
  CLT_ASSIGN_OR_RETURN(n, DeletePrefix(kv, kPurchasesCf, terminated, any, batch));
  deleted += n;
  // [source key][u64 sequence]: no separator, so only keys of exactly that length are ours
  // ("web/c1" is a prefix of "web/c10").
  const size_t interaction_size = encoded.size() + 8;
  CLT_ASSIGN_OR_RETURN(
      n, DeletePrefix(
             kv, kInteractionsCf, encoded,
             [interaction_size](size_t size) { return size == interaction_size; }, batch));
  deleted += n;
  CLT_ASSIGN_OR_RETURN(n, DeletePoint(kv, kCustomersCf, encoded, batch));
  deleted += n;
  CLT_ASSIGN_OR_RETURN(n, DeletePoint(kv, kConsentsCf, encoded, batch));
  deleted += n;
  return deleted;
}

// Takes the subjects' profiles out of stored version `manifest` (manifest and model
// artifacts, into `batch`); returns the number of profiles removed (0: nothing to rewrite).
absl::StatusOr<int64_t> RewriteVersion(const RecommenderStore& store, v1::ModelManifest manifest,
                                       const privacy::SubjectSet& subjects,
                                       storage::WriteBatch& batch) {
  std::vector<std::string> erased_profiles;
  google::protobuf::RepeatedPtrField<v1::ServingProfile> kept;
  for (v1::ServingProfile& profile : *manifest.mutable_profiles()) {
    if (IsSubjectProfile(profile, subjects)) {
      erased_profiles.push_back(profile.profile_id());
    } else {
      *kept.Add() = std::move(profile);
    }
  }
  if (erased_profiles.empty()) return 0;
  const uint64_t version = manifest.version();
  int64_t erased_users = -1;
  for (const std::string& name : manifest.models()) {
    const std::string artifact = absl::StrCat(kModelPrefix, name);
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> bytes, store.GetArtifact(version, artifact));
    if (!bytes) continue;
    CLT_ASSIGN_OR_RETURN(std::unique_ptr<RecommenderModel> model, DeserializeModel(*bytes));
    absl::flat_hash_set<int32_t> users;
    for (const std::string& id : erased_profiles) {
      if (std::optional<int32_t> user = model->FindUser(id)) users.insert(*user);
    }
    if (users.empty()) continue;
    model->ForgetUsers(users);
    store.PutArtifact(batch, version, artifact, model->Serialize());
    erased_users = std::max<int64_t>(erased_users, static_cast<int64_t>(users.size()));
  }
  *manifest.mutable_profiles() = std::move(kept);
  if (erased_users > 0) manifest.set_users(std::max<int64_t>(0, manifest.users() - erased_users));
  store.PutManifest(batch, manifest);
  return static_cast<int64_t>(erased_profiles.size());
}

absl::StatusOr<nlohmann::json> ToJson(const google::protobuf::Message& message) {
  return privacy::ProtoToJson(message, /*print_zero_values=*/true);
}

}  // namespace

absl::StatusOr<int64_t> RecommenderSubjectData::Erase(
    const std::vector<privacy::v1::Subject>& subjects) {
  CLT_ASSIGN_OR_RETURN(const privacy::SubjectSet set, privacy::CollectSubjects(subjects));
  absl::MutexLock lock(&erase_mu_);
  storage::KvStore& kv = *store_->kv();
  std::unique_ptr<storage::WriteBatch> batch = kv.NewWriteBatch();
  int64_t removed = 0;
  for (const common::v1::SourceKey& key : set.keys) {
    CLT_ASSIGN_OR_RETURN(const int64_t n, DeleteSourceKeyRows(kv, key, *batch));
    removed += n;
  }
  // Every stored version, not only the active one: an older version may be activated again.
  std::vector<v1::ModelManifest> manifests;
  {
    std::unique_ptr<storage::KvIterator> it = kv.NewIterator(kModelsCf);
    for (it->Seek(""); it->Valid(); it->Next()) {
      v1::ModelManifest manifest;
      if (!manifest.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError("recommender store: corrupt model manifest");
      }
      manifests.push_back(std::move(manifest));
    }
    CLT_RETURN_IF_ERROR(it->status());
  }
  for (v1::ModelManifest& manifest : manifests) {
    CLT_ASSIGN_OR_RETURN(const int64_t n,
                         RewriteVersion(*store_, std::move(manifest), set, *batch));
    removed += n;
  }
  if (batch->Count() > 0) CLT_RETURN_IF_ERROR(kv.Write(*batch));
  // Always: a retry after a failed purge finds nothing left to delete but must still purge.
  CLT_RETURN_IF_ERROR(kv.PurgeDeleted({kOrdersCf, kInteractionsCf, kCustomersCf, kConsentsCf,
                                       kPurchasesCf, kModelsCf, kArtifactsCf}));

  holder_->ForgetConsents(std::vector<std::string>(set.key_texts.begin(), set.key_texts.end()));
  // The served snapshot: its rewritten copy, unless a newer version is served by now.
  const std::shared_ptr<const ServingSnapshot> served = holder_->Get();
  if (served != nullptr) {
    bool in_served = false;
    for (const std::string& id : set.profile_ids) in_served |= served->FindProfile(id) != nullptr;
    for (const std::string& key : set.key_texts) {
      in_served |= served->FindBySourceKey(key) != nullptr;
    }
    if (in_served) {
      CLT_ASSIGN_OR_RETURN(std::shared_ptr<const ServingSnapshot> rewritten,
                           LoadModelVersion(*store_, served->version()));
      holder_->ReplaceIfVersion(served->version(), std::move(rewritten));
    }
  }
  if (await_replicas_) CLT_RETURN_IF_ERROR(await_replicas_());
  return removed;
}

absl::StatusOr<std::string> RecommenderSubjectData::Export(
    const privacy::v1::Subject& subject) const {
  CLT_ASSIGN_OR_RETURN(const privacy::SubjectSet set, privacy::CollectSubjects({subject}));
  nlohmann::json interactions = nlohmann::json::array();
  const storage::KvStore& kv = *store_->kv();
  for (const common::v1::SourceKey& key : set.keys) {
    const std::string prefix = EncodeSourceKey(key);
    storage::IteratorBounds bounds;
    bounds.lower_bound = prefix;
    bounds.upper_bound = storage::PrefixSuccessor(prefix);
    std::unique_ptr<storage::KvIterator> it = kv.NewIterator(kInteractionsCf, bounds);
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      if (it->key().size() != prefix.size() + 8) continue;
      common::v1::Event event;
      if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError("recommender store: corrupt interaction");
      }
      CLT_ASSIGN_OR_RETURN(nlohmann::json json, ToJson(event));
      interactions.push_back(std::move(json));
    }
    CLT_RETURN_IF_ERROR(it->status());
  }

  // What Recommend answers now (respect_consent): by the first profile id, else source key.
  nlohmann::json recommendations = nlohmann::json::object();
  v1::RecommendRequest request;
  request.set_respect_consent(true);
  if (!subject.profile_ids().empty()) {
    request.set_profile_id(subject.profile_ids(0));
  } else if (!set.keys.empty()) {
    *request.mutable_source_key() = set.keys.front();
  }
  if (request.who_case() != v1::RecommendRequest::WHO_NOT_SET) {
    absl::StatusOr<v1::RecommendResponse> response = queries_->Recommend(request);
    if (response.ok()) {
      CLT_ASSIGN_OR_RETURN(recommendations, ToJson(*response));
    } else if (!absl::IsNotFound(response.status()) &&
               !absl::IsFailedPrecondition(response.status())) {
      return response.status();  // Unknown person or no model yet: an empty object.
    }
  }
  nlohmann::json out = nlohmann::json::object();
  out["interactions"] = std::move(interactions);
  out["recommendations"] = std::move(recommendations);
  return out.dump();
}

}  // namespace clientele::recommender
