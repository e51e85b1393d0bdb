#include "identity/resolution/audit_log.h"

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "clientele/identity/resolution/identity_state.pb.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/internal/resolver_keys.h"
#include "identity/resolution/profile_id.h"

namespace clientele::identity {

void AuditLog::Append(v1::AuditEntry& entry, storage::WriteBatch& batch) {
  Put(entry, nullptr, 0, batch);
}

void AuditLog::AppendExplained(v1::AuditEntry& entry, uint64_t pattern, uint32_t model_version,
                               storage::WriteBatch& batch) {
  Put(entry, &pattern, model_version, batch);
}

void AuditLog::Put(v1::AuditEntry& entry, const uint64_t* pattern, uint32_t model_version,
                   storage::WriteBatch& batch) {
  const uint64_t id = next_id_++;
  entry.set_id(id);
  if (entry.action() >= 0 && entry.action() < v1::AuditAction_ARRAYSIZE) {
    ++decisions_[entry.action()];
  }
  entry.SerializeToString(&serialized_);
  if (pattern != nullptr) {
    resolution::StoredAuditExplanation compact;
    compact.set_pattern(*pattern);
    compact.set_model_version(model_version);
    compact.AppendToString(&serialized_);
  }
  batch.Put(kAuditCf, storage::EncodeUint64(id), serialized_);
  for (const std::string& p : entry.profile_ids()) {
    absl::StatusOr<uint64_t> n = ParseProfileId(p, "profile");
    if (!n.ok()) continue;
    std::string key = storage::EncodeUint64(*n);
    storage::AppendUint64(key, id);
    batch.Put(kAuditByProfileCf, key, "");
  }
}

absl::StatusOr<v1::GetAuditResponse> AuditLog::Read(const std::vector<uint64_t>& profiles,
                                                    uint64_t from, int page_size) const {
  std::vector<uint64_t> ids;
  for (uint64_t p : profiles) {
    const std::string prefix = storage::EncodeUint64(p);
    std::string lower = prefix;
    storage::AppendUint64(lower, from);
    auto it = store_->NewIterator(kAuditByProfileCf, {lower, storage::PrefixSuccessor(prefix)});
    int n = 0;
    for (it->Seek(lower); it->Valid() && n <= page_size; it->Next(), ++n) {
      ids.push_back(storage::DecodeUint64(it->key().substr(8)));
    }
    CLT_RETURN_IF_ERROR(it->status());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  v1::GetAuditResponse response;
  absl::flat_hash_map<uint32_t, std::string> models;  // Snapshots by version, as needed.
  for (uint64_t id : ids) {
    if (response.entries_size() == page_size) {
      response.set_next_page_token(std::to_string(id));
      break;
    }
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> v,
                         store_->Get(kAuditCf, storage::EncodeUint64(id)));
    v1::AuditEntry* entry = response.add_entries();
    resolution::StoredAuditExplanation compact;
    if (!v.has_value() || !entry->ParseFromString(*v) || !compact.ParseFromString(*v)) {
      return absl::DataLossError(absl::StrCat("audit entry ", id, " is missing or corrupt"));
    }
    entry->DiscardUnknownFields();               // The compact explanation.
    if (compact.model_version() == 0) continue;  // Written whole (manual, or older versions).
    auto [model, inserted] = models.try_emplace(compact.model_version());
    if (inserted) {
      CLT_ASSIGN_OR_RETURN(
          std::optional<std::string> bytes,
          store_->Get(kModelCf, resolution_internal::ModelVersionKey(compact.model_version())));
      if (!bytes.has_value()) {
        return absl::DataLossError(absl::StrCat("audit entry ", id, ": model version ",
                                                compact.model_version(), " is missing"));
      }
      model->second = std::move(*bytes);
    }
    CLT_RETURN_IF_ERROR(
        matcher_->ExplainPattern(model->second, compact.pattern(), entry->mutable_explanation()));
  }
  return response;
}

}  // namespace clientele::identity
