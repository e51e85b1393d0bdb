#include "ingest/privacy/subject_key_store.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"

namespace clientele::ingest::privacy {
namespace {

constexpr char kSaltKey[] = "salt";
constexpr size_t kSaltBytes = 32;
constexpr size_t kMaxCachedKeys = 1 << 16;

// abseil here has its own string_view type.
absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string Hex(std::string_view bytes) { return absl::BytesToHexString(AsAbsl(bytes)); }

absl::StatusOr<DataKey> ParseKey(std::string_view ref, const std::string& value) {
  if (value.size() != kDataKeyBytes) {
    return absl::DataLossError(
        absl::StrCat("store ingest-keys, data_keys: the key of ", Hex(ref), " is malformed"));
  }
  DataKey key;
  std::memcpy(key.data(), value.data(), kDataKeyBytes);
  return key;
}

}  // namespace

std::vector<storage::ColumnFamilySpec> KeyStoreColumnFamilies() {
  return {{"data_keys", true}, {"suppressions", true}, {"meta", false}};
}

absl::StatusOr<std::unique_ptr<SubjectKeyStore>> SubjectKeyStore::Open(storage::KvStore* store) {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> salt, store->Get(kKeyMetaCf, kSaltKey));
  if (salt.has_value() && salt->size() != kSaltBytes) {
    return absl::DataLossError("store ingest-keys, meta: the salt is malformed");
  }
  if (!salt.has_value()) {
    salt.emplace();
    CLT_RETURN_IF_ERROR(RandomBytes(kSaltBytes, &*salt));
    std::unique_ptr<storage::WriteBatch> batch = store->NewWriteBatch();
    batch->Put(kKeyMetaCf, kSaltKey, *salt);
    CLT_RETURN_IF_ERROR(store->Write(*batch));
  }
  return std::unique_ptr<SubjectKeyStore>(new SubjectKeyStore(store, std::move(*salt)));
}

std::string SubjectKeyStore::Reference(const common::v1::SourceKey& subject) const {
  std::string name;
  name.reserve(subject.system().size() + 1 + subject.id().size());
  name.append(subject.system()).push_back('\x1f');
  name.append(subject.id());
  std::string ref(kSubjectRefBytes, '\0');
  Sha256(salt_, name, reinterpret_cast<unsigned char*>(ref.data()));
  return ref;
}

void SubjectKeyStore::Remember(std::string_view ref, const DataKey& key,
                               uint64_t generation) const {
  absl::MutexLock l(&cache_mu_);
  if (generation != generation_) return;
  if (cache_.size() >= kMaxCachedKeys) cache_.clear();
  cache_.insert_or_assign(std::string(ref), key);
}

absl::Status SubjectKeyStore::LookupForAppend(const std::vector<std::string>& refs,
                                              std::vector<Lookup>* out) const {
  out->assign(refs.size(), Lookup());
  std::vector<size_t> misses;
  uint64_t generation;
  {
    absl::MutexLock l(&cache_mu_);
    generation = generation_;
    for (size_t i = 0; i < refs.size(); ++i) {
      auto it = cache_.find(refs[i]);
      if (it != cache_.end()) {
        (*out)[i].key = it->second;
      } else {
        misses.push_back(i);
      }
    }
  }
  if (misses.empty()) return absl::OkStatus();
  std::vector<std::string> keys;
  keys.reserve(misses.size());
  for (size_t i : misses) keys.push_back(refs[i]);
  auto found = store_->MultiGet(kDataKeysCf, keys);
  std::vector<size_t> keyless;
  std::vector<std::string> keyless_refs;
  for (size_t k = 0; k < misses.size(); ++k) {
    if (!found[k].ok()) return found[k].status();
    if (found[k]->has_value()) {
      CLT_ASSIGN_OR_RETURN(DataKey key, ParseKey(keys[k], **found[k]));
      (*out)[misses[k]].key = key;
      Remember(keys[k], key, generation);
    } else {
      keyless.push_back(misses[k]);
      keyless_refs.push_back(std::move(keys[k]));
    }
  }
  if (keyless.empty()) return absl::OkStatus();
  auto suppressed = store_->MultiGet(kSuppressionsCf, keyless_refs);
  for (size_t k = 0; k < keyless.size(); ++k) {
    if (!suppressed[k].ok()) return suppressed[k].status();
    (*out)[keyless[k]].suppressed = suppressed[k]->has_value();
  }
  return absl::OkStatus();
}

absl::Status SubjectKeyStore::CreateKeys(const std::vector<std::pair<std::string, DataKey>>& keys) {
  if (keys.empty()) return absl::OkStatus();
  std::unique_ptr<storage::WriteBatch> batch = store_->NewWriteBatch();
  for (const auto& [ref, key] : keys) {
    batch->Put(kDataKeysCf, ref,
               std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
  }
  CLT_RETURN_IF_ERROR(store_->Write(*batch));
  uint64_t generation;
  {
    absl::MutexLock l(&cache_mu_);
    generation = generation_;
  }
  for (const auto& [ref, key] : keys) Remember(ref, key, generation);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<DataKey>> SubjectKeyStore::Find(std::string_view ref) const {
  uint64_t generation;
  {
    absl::MutexLock l(&cache_mu_);
    auto it = cache_.find(AsAbsl(ref));
    if (it != cache_.end()) return std::optional<DataKey>(it->second);
    generation = generation_;
  }
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> value, store_->Get(kDataKeysCf, ref));
  if (!value.has_value()) return std::optional<DataKey>();
  CLT_ASSIGN_OR_RETURN(DataKey key, ParseKey(ref, *value));
  Remember(ref, key, generation);
  return std::optional<DataKey>(key);
}

absl::StatusOr<int64_t> SubjectKeyStore::Shred(
    const std::vector<std::pair<std::string, uint32_t>>& subjects, const std::string& request_id,
    absl::Time now) {
  std::vector<std::string> refs;
  refs.reserve(subjects.size());
  for (const auto& s : subjects) refs.push_back(s.first);
  auto keys = store_->MultiGet(kDataKeysCf, refs);
  auto suppressions = store_->MultiGet(kSuppressionsCf, refs);
  std::unique_ptr<storage::WriteBatch> batch = store_->NewWriteBatch();
  int64_t deleted = 0;
  for (size_t i = 0; i < subjects.size(); ++i) {
    if (!keys[i].ok()) return keys[i].status();
    if (!suppressions[i].ok()) return suppressions[i].status();
    if (keys[i]->has_value()) {
      batch->Delete(kDataKeysCf, refs[i]);
      ++deleted;
    }
    if (!suppressions[i]->has_value()) {
      privacy_v1::Suppression suppression;
      suppression.set_partition(subjects[i].second);
      ToProtoTimestamp(now, suppression.mutable_since());
      suppression.set_request_id(request_id);
      batch->Put(kSuppressionsCf, refs[i], suppression.SerializeAsString());
    }
  }
  {
    // Before the write: a reader that fetched a key now cannot cache it afterwards.
    absl::MutexLock l(&cache_mu_);
    ++generation_;
    for (const std::string& ref : refs) cache_.erase(ref);
  }
  if (batch->Count() > 0) CLT_RETURN_IF_ERROR(store_->Write(*batch));
  absl::MutexLock l(&cache_mu_);
  ++generation_;
  for (const std::string& ref : refs) cache_.erase(ref);
  return deleted;
}

absl::StatusOr<bool> SubjectKeyStore::Lift(std::string_view ref) {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> present, store_->Get(kSuppressionsCf, ref));
  if (!present.has_value()) return false;
  std::unique_ptr<storage::WriteBatch> batch = store_->NewWriteBatch();
  batch->Delete(kSuppressionsCf, ref);
  CLT_RETURN_IF_ERROR(store_->Write(*batch));
  return true;
}

absl::StatusOr<privacy_v1::ListSuppressionsResponse> SubjectKeyStore::ListSuppressions(
    int page_size, const std::string& page_token) const {
  if (page_size < 0 || page_size > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", page_size, " is outside [0, 1000]"));
  }
  if (page_size == 0) page_size = 100;
  std::string from;
  if (!page_token.empty()) {
    from = absl::HexStringToBytes(page_token);
    if (from.size() != kSubjectRefBytes || absl::BytesToHexString(from) != page_token) {
      return absl::InvalidArgumentError(
          absl::StrCat("page_token: '", page_token, "' is not valid"));
    }
  }
  privacy_v1::ListSuppressionsResponse response;
  auto it = store_->NewIterator(kSuppressionsCf);
  for (it->Seek(from); it->Valid(); it->Next()) {
    if (response.suppressions_size() == page_size) {
      response.set_next_page_token(Hex(it->key()));
      break;
    }
    privacy_v1::Suppression* s = response.add_suppressions();
    if (!s->ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("store ingest-keys, suppressions: a value does not parse");
    }
    s->set_hash(Hex(it->key()));
  }
  CLT_RETURN_IF_ERROR(it->status());
  return response;
}

absl::Status SubjectKeyStore::PurgeDeleted() {
  return store_->PurgeDeleted({kDataKeysCf, kSuppressionsCf});
}

}  // namespace clientele::ingest::privacy
