#include "identity/privacy/subject_eraser.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "clientele/identity/v1/identity.pb.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "identity/privacy/consent_proof.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/internal/resolver_keys.h"
#include "identity/resolution/profile_id.h"

namespace clientele::identity {
namespace {

constexpr std::string_view kIdempotentPrefix = "idem/";

// What one erasure removes, worked out from the committed index.
struct Plan {
  absl::flat_hash_set<std::string> keys;   // Source keys of the records to erase.
  absl::flat_hash_set<uint64_t> profiles;  // Existing profiles to delete.
  std::set<uint64_t> audited;              // Profile numbers whose audit entries are stripped.
};

absl::StatusOr<Plan> PlanErasure(const RecordIndex& index,
                                 absl::Span<const privacy::v1::Subject> subjects) {
  Plan plan;
  for (size_t i = 0; i < subjects.size(); ++i) {
    const privacy::v1::Subject& subject = subjects[i];
    for (int j = 0; j < subject.source_keys_size(); ++j) {
      const common::v1::SourceKey& key = subject.source_keys(j);
      if (key.system().empty() || key.id().empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("subjects[", i, "].source_keys[", j, "]: system and id are required"));
      }
      plan.keys.insert(SourceKeyString(key));
    }
    for (int j = 0; j < subject.profile_ids_size(); ++j) {
      CLT_ASSIGN_OR_RETURN(uint64_t number,
                           ParseProfileId(subject.profile_ids(j),
                                          absl::StrCat("subjects[", i, "].profile_ids[", j, "]")));
      plan.audited.insert(number);
      if (const uint64_t profile = index.Canonical(number); profile != 0) {
        plan.profiles.insert(profile);
      }
    }
  }
  // A person is every member of their profiles.
  for (uint64_t p : plan.profiles) {
    for (uint32_t m : index.profiles().at(p).members) plan.keys.insert(index.record(m).key);
  }
  // A profile that loses every member goes too.
  for (const std::string& key : plan.keys) {
    const uint32_t* found = index.FindRecord(key);
    if (found == nullptr) continue;
    const uint64_t p = index.record(*found).profile;
    if (plan.profiles.contains(p)) continue;
    bool all = true;
    for (uint32_t m : index.profiles().at(p).members) {
      all = all && plan.keys.contains(index.record(m).key);
    }
    if (all) plan.profiles.insert(p);
  }
  for (uint64_t p : plan.profiles) {
    plan.audited.insert(p);
    const std::vector<uint64_t>& aliases = index.profiles().at(p).aliases;
    plan.audited.insert(aliases.begin(), aliases.end());
  }
  return plan;
}

// The batch of one erasure, counting deleted keys and the families changed.
class ErasureBatch {
 public:
  explicit ErasureBatch(storage::KvStore& store) : store_(store), batch_(store.NewWriteBatch()) {}

  void Delete(storage::ColumnFamilyId cf, std::string_view key) {
    batch_->Delete(cf, key);
    ++deleted_;
    touched_.insert(cf);
  }
  void Put(storage::ColumnFamilyId cf, std::string_view key, std::string_view value) {
    batch_->Put(cf, key, value);
    touched_.insert(cf);
  }
  storage::WriteBatch& batch() { return *batch_; }
  absl::Status Write() { return batch_->Count() == 0 ? absl::OkStatus() : store_.Write(*batch_); }

  int64_t deleted() const { return deleted_; }
  std::vector<storage::ColumnFamilyId> touched() const {
    return {touched_.begin(), touched_.end()};
  }

 private:
  storage::KvStore& store_;
  std::unique_ptr<storage::WriteBatch> batch_;
  int64_t deleted_ = 0;
  std::set<storage::ColumnFamilyId> touched_;
};

absl::Status EraseRecords(const RecordIndex& index, const Plan& plan, storage::KvStore& store,
                          absl::Time now, ErasureBatch& out) {
  std::optional<std::string> salt;  // Fetched (or made) with the first consent.
  for (const std::string& key : plan.keys) {
    if (index.HasRecord(key)) out.Delete(kRecordsCf, key);
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> legacy, store.Get(kRecordProfileCf, key));
    if (legacy.has_value()) out.Delete(kRecordProfileCf, key);
    // The consent ledger of the record becomes proofs without PII.
    std::string prefix = key;
    prefix.push_back('\0');
    auto it = store.NewIterator(kConsentsCf, {prefix, storage::PrefixSuccessor(prefix)});
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      v1::ConsentEvent event;
      if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return CorruptIdentityStore("a consent event does not parse");
      }
      if (!salt.has_value()) {
        CLT_ASSIGN_OR_RETURN(salt, ConsentProofSalt(store, out.batch()));
      }
      out.Put(kConsentProofsCf, ConsentProofKey(*salt, key, event.ledger_id()),
              ConsentProofOf(event, now).SerializeAsString());
      out.Delete(kConsentsCf, it->key());
    }
    CLT_RETURN_IF_ERROR(it->status());
  }
  return absl::OkStatus();
}

absl::Status EraseProfiles(const Plan& plan, storage::KvStore& store, ErasureBatch& out) {
  for (uint64_t p : plan.profiles) out.Delete(kProfilesCf, resolution_internal::ProfileKey(p));
  auto it = store.NewIterator(kAliasesCf);
  for (it->Seek(""); it->Valid(); it->Next()) {
    if (it->value().size() == 8 && plan.profiles.contains(storage::DecodeUint64(it->value()))) {
      out.Delete(kAliasesCf, it->key());
    }
  }
  return it->status();
}

absl::Status EraseDoNotLinkPairs(const Plan& plan, storage::KvStore& store, ErasureBatch& out) {
  auto it = store.NewIterator(kDoNotLinkCf);
  for (it->Seek(""); it->Valid(); it->Next()) {
    const std::string_view key = it->key();
    const size_t sep = key.find('\0');
    if (sep == std::string_view::npos) return CorruptIdentityStore("bad do-not-link key");
    if (plan.keys.contains(std::string(key.substr(0, sep))) ||
        plan.keys.contains(std::string(key.substr(sep + 1)))) {
      out.Delete(kDoNotLinkCf, key);
    }
  }
  return it->status();
}

// Families no version reads any more (identity_schema.h): whatever they hold goes.
absl::Status EraseLegacyFamilies(storage::KvStore& store, ErasureBatch& out) {
  for (storage::ColumnFamilyId cf : {kProfileMembersCf, kBlockingCf}) {
    auto it = store.NewIterator(cf);
    for (it->Seek(""); it->Valid(); it->Next()) out.Delete(cf, it->key());
    CLT_RETURN_IF_ERROR(it->status());
  }
  return absl::OkStatus();
}

// The stored results of MergeProfiles / SplitProfile ("idem/<key>": kind, fingerprint,
// response) that name an erased profile.
absl::Status EraseIdempotentResults(const Plan& plan, storage::KvStore& store, ErasureBatch& out) {
  const std::string prefix(kIdempotentPrefix);
  auto it = store.NewIterator(kMetaCf, {prefix, storage::PrefixSuccessor(prefix)});
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const std::string_view value = it->value();
    if (value.size() < 9) continue;
    const std::string response(value.substr(9));
    std::vector<std::string> ids;
    if (value[0] == 'M') {
      v1::MergeProfilesResponse merge;
      if (merge.ParseFromString(response)) {
        ids = {merge.surviving_profile_id(), merge.merged_profile_id()};
      }
    } else if (value[0] == 'S') {
      v1::SplitProfileResponse split;
      if (split.ParseFromString(response)) ids = {split.profile_id(), split.new_profile_id()};
    }
    for (const std::string& id : ids) {
      absl::StatusOr<uint64_t> number = ParseProfileId(id, "profile");
      if (number.ok() && plan.audited.count(*number) > 0) {
        out.Delete(kMetaCf, it->key());
        break;
      }
    }
  }
  return it->status();
}

// Keeps the decision of each audit entry about the profiles; drops the compared values, the
// erased records' source keys and the free text of manual operations.
absl::Status StripAuditEntries(const Plan& plan, storage::KvStore& store, ErasureBatch& out) {
  std::set<uint64_t> ids;
  for (uint64_t p : plan.audited) {
    const std::string prefix = storage::EncodeUint64(p);
    auto it = store.NewIterator(kAuditByProfileCf, {prefix, storage::PrefixSuccessor(prefix)});
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      if (it->key().size() == 16) ids.insert(storage::DecodeUint64(it->key().substr(8)));
    }
    CLT_RETURN_IF_ERROR(it->status());
  }
  for (uint64_t id : ids) {
    const std::string key = storage::EncodeUint64(id);
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> bytes, store.Get(kAuditCf, key));
    if (!bytes.has_value()) continue;
    v1::AuditEntry entry;  // Keeps the compact explanation as unknown fields.
    if (!entry.ParseFromString(*bytes)) {
      return CorruptIdentityStore(absl::StrCat("audit entry ", id, " does not parse"));
    }
    bool changed = false;
    if (entry.has_explanation()) {
      for (v1::FieldComparison& field : *entry.mutable_explanation()->mutable_fields()) {
        changed = changed || !field.value_a().empty() || !field.value_b().empty();
        field.clear_value_a();
        field.clear_value_b();
      }
    }
    auto* records = entry.mutable_records();
    const int before = records->size();
    records->erase(std::remove_if(records->begin(), records->end(),
                                  [&](const common::v1::SourceKey& k) {
                                    return plan.keys.contains(SourceKeyString(k));
                                  }),
                   records->end());
    changed = changed || records->size() != before;
    const bool manual =
        entry.action() == v1::AUDIT_ACTION_MANUAL_MERGE || entry.action() == v1::AUDIT_ACTION_SPLIT;
    if (manual && !entry.reason().empty()) {
      entry.clear_reason();
      changed = true;
    }
    if (changed) out.Put(kAuditCf, key, entry.SerializeAsString());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> EraseSubjects(Resolver& resolver, storage::KvStore& store,
                                      absl::Span<const privacy::v1::Subject> subjects,
                                      absl::Time now) {
  ErasureBatch out(store);
  CLT_RETURN_IF_ERROR(
      resolver.ChangeStoreExclusively([&](const RecordIndex& index) -> absl::StatusOr<bool> {
        CLT_ASSIGN_OR_RETURN(Plan plan, PlanErasure(index, subjects));
        CLT_RETURN_IF_ERROR(EraseRecords(index, plan, store, now, out));
        CLT_RETURN_IF_ERROR(EraseProfiles(plan, store, out));
        CLT_RETURN_IF_ERROR(EraseDoNotLinkPairs(plan, store, out));
        CLT_RETURN_IF_ERROR(EraseLegacyFamilies(store, out));
        CLT_RETURN_IF_ERROR(EraseIdempotentResults(plan, store, out));
        CLT_RETURN_IF_ERROR(StripAuditEntries(plan, store, out));
        if (out.batch().Count() == 0) return false;  // Erased already: nothing to reload.
        CLT_RETURN_IF_ERROR(out.Write());
        return true;
      }));
  // The values are gone from every read; now from the files (outside the lock: compaction
  // is slow, and log application may go on meanwhile).
  if (const std::vector<storage::ColumnFamilyId> cfs = out.touched(); !cfs.empty()) {
    CLT_RETURN_IF_ERROR(store.PurgeDeleted(cfs));
  }
  return out.deleted();
}

}  // namespace clientele::identity
