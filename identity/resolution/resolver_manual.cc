// Resolver: manual merge and split (audited, idempotent, written at once).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/log/partitioning.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/internal/resolver_keys.h"
#include "identity/resolution/resolver.h"

namespace clientele::identity {

using resolution_internal::PairKey;
using resolution_internal::SetTimestamp;

// ---------------------------------------------------------------------------------------------
// Manual operations.

namespace {

// Stable across processes and versions: stored with the idempotent result.
uint64_t Fingerprint(const google::protobuf::Message& request) {
  return log::StableHash(request.SerializeAsString());
}

absl::Status Required(const std::string& value, const char* field) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<std::string>> Resolver::IdempotentResult(
    char kind, const std::string& key, const std::string& fingerprint) const {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> v,
                       store_->Get(kMetaCf, absl::StrCat("idem/", key)));
  if (!v.has_value()) return std::optional<std::string>();
  if (v->size() < 9 || (*v)[0] != kind || v->compare(1, 8, fingerprint) != 0) {
    return absl::InvalidArgumentError("idempotency_key: already used for a different request");
  }
  return std::optional<std::string>(v->substr(9));
}

absl::StatusOr<v1::MergeProfilesResponse> Resolver::MergeProfiles(
    const v1::MergeProfilesRequest& request) {
  CLT_ASSIGN_OR_RETURN(uint64_t into, ParseProfileId(request.into_profile_id(), "into_profile_id"));
  CLT_ASSIGN_OR_RETURN(uint64_t from, ParseProfileId(request.from_profile_id(), "from_profile_id"));
  CLT_RETURN_IF_ERROR(Required(request.actor(), "actor"));
  CLT_RETURN_IF_ERROR(Required(request.reason(), "reason"));
  CLT_RETURN_IF_ERROR(Required(request.idempotency_key(), "idempotency_key"));
  if (into == from) {
    return absl::InvalidArgumentError("from_profile_id: must differ from into_profile_id");
  }
  v1::MergeProfilesRequest unkeyed = request;
  unkeyed.clear_idempotency_key();
  const std::string fingerprint = storage::EncodeUint64(Fingerprint(unkeyed));

  absl::MutexLock l(&mu_);
  if (needs_reload_) {
    CLT_RETURN_IF_ERROR(Load());
    needs_reload_ = false;
  }
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> previous,
                       IdempotentResult('M', request.idempotency_key(), fingerprint));
  v1::MergeProfilesResponse response;
  if (previous.has_value()) {
    if (!response.ParseFromString(*previous)) return absl::DataLossError("stored merge result");
    return response;
  }
  const uint64_t a = Canonical(into), b = Canonical(from);
  if (a == 0)
    return absl::NotFoundError(absl::StrCat("profile ", request.into_profile_id(), " not found"));
  if (b == 0)
    return absl::NotFoundError(absl::StrCat("profile ", request.from_profile_id(), " not found"));
  if (a == b) {
    return absl::FailedPreconditionError(absl::StrCat(
        request.into_profile_id(), " and ", request.from_profile_id(), " are already one profile"));
  }
  std::unique_ptr<storage::WriteBatch> batch = store_->NewWriteBatch();
  // The operator's decision replaces earlier do-not-link constraints between the two.
  for (uint32_t m : profiles_[a].members) {
    std::vector<uint32_t>& dnl = records_[m].do_not_link;
    for (uint32_t d : dnl) {
      if (records_[d].profile != b) continue;
      batch->Delete(kDoNotLinkCf, PairKey(records_[m].key, records_[d].key));
      std::vector<uint32_t>& back = records_[d].do_not_link;
      back.erase(std::remove(back.begin(), back.end(), m), back.end());
    }
    dnl.erase(std::remove_if(dnl.begin(), dnl.end(),
                             [&](uint32_t d) { return records_[d].profile == b; }),
              dnl.end());
  }
  const auto pa = MemberPersons(a, 50), pb = MemberPersons(b, 50);
  const auto [ia, ib] = BestPair(pa, pb);
  v1::AuditEntry audit;
  const absl::Time now = options_.clock ? options_.clock() : absl::Now();
  SetTimestamp(now, audit.mutable_at());
  audit.set_action(v1::AUDIT_ACTION_MANUAL_MERGE);
  audit.set_actor(request.actor());
  audit.set_reason(request.reason());
  if (!pa.empty() && !pb.empty()) {
    *audit.mutable_explanation() = matcher_->Explain(*pa[ia], *pb[ib]);
    audit.set_score(audit.explanation().match_weight());
  }
  absl::StatusOr<uint64_t> merged = MergeInto(a, b, *batch);
  if (!merged.ok()) {  // Memory is partly changed (the do-not-link edits above).
    needs_reload_ = !Load().ok();
    return merged.status();
  }
  const uint64_t survivor = *merged;
  response.set_surviving_profile_id(ProfileIdString(survivor));
  response.set_merged_profile_id(ProfileIdString(survivor == a ? b : a));
  response.set_audit_id(next_audit_);
  audit.add_profile_ids(response.surviving_profile_id());
  audit.add_profile_ids(response.merged_profile_id());
  Audit(std::move(audit), *batch);
  PutChangedRecords(*batch);
  PutCounters(*batch);
  batch->Put(kMetaCf, absl::StrCat("idem/", request.idempotency_key()),
             absl::StrCat("M", fingerprint, response.SerializeAsString()));
  if (absl::Status s = store_->Write(*batch); !s.ok()) {
    needs_reload_ = !Load().ok();
    return s;
  }
  PublishCommitted();
  ClearPending();
  return response;
}

absl::StatusOr<v1::SplitProfileResponse> Resolver::SplitProfile(
    const v1::SplitProfileRequest& request) {
  CLT_ASSIGN_OR_RETURN(uint64_t number, ParseProfileId(request.profile_id(), "profile_id"));
  if (request.records().empty()) {
    return absl::InvalidArgumentError("records: at least one source key is required");
  }
  CLT_RETURN_IF_ERROR(Required(request.actor(), "actor"));
  CLT_RETURN_IF_ERROR(Required(request.reason(), "reason"));
  CLT_RETURN_IF_ERROR(Required(request.idempotency_key(), "idempotency_key"));
  v1::SplitProfileRequest unkeyed = request;
  unkeyed.clear_idempotency_key();
  const std::string fingerprint = storage::EncodeUint64(Fingerprint(unkeyed));

  absl::MutexLock l(&mu_);
  if (needs_reload_) {
    CLT_RETURN_IF_ERROR(Load());
    needs_reload_ = false;
  }
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> previous,
                       IdempotentResult('S', request.idempotency_key(), fingerprint));
  v1::SplitProfileResponse response;
  if (previous.has_value()) {
    if (!response.ParseFromString(*previous)) return absl::DataLossError("stored split result");
    return response;
  }
  const uint64_t profile = Canonical(number);
  if (profile == 0) {
    return absl::NotFoundError(absl::StrCat("profile ", request.profile_id(), " not found"));
  }
  std::vector<uint32_t> moved;
  for (int i = 0; i < request.records_size(); ++i) {
    const std::string key = SourceKeyString(request.records(i));
    auto it = record_index_.find(key);
    if (it == record_index_.end()) {
      return absl::NotFoundError(
          absl::StrCat("records[", i, "]: source record ", key, " not found"));
    }
    if (records_[it->second].profile != profile) {
      return absl::InvalidArgumentError(absl::StrCat(
          "records[", i, "]: ", key, " is not a member of ", ProfileIdString(profile)));
    }
    moved.push_back(it->second);
  }
  std::sort(moved.begin(), moved.end());
  moved.erase(std::unique(moved.begin(), moved.end()), moved.end());
  std::vector<uint32_t> staying;
  for (uint32_t m : profiles_[profile].members) {
    if (!std::binary_search(moved.begin(), moved.end(), m)) staying.push_back(m);
  }
  if (staying.empty()) {
    return absl::InvalidArgumentError("records: names every member; at least one must stay");
  }
  const absl::Time now = options_.clock ? options_.clock() : absl::Now();
  std::unique_ptr<storage::WriteBatch> batch = store_->NewWriteBatch();
  const uint64_t fresh = NewProfile(now, *batch);
  for (uint32_t m : moved) {
    if (absl::Status s = MoveRecord(m, fresh); !s.ok()) {  // Memory is partly changed.
      needs_reload_ = !Load().ok();
      return s;
    }
  }
  for (uint32_t m : moved) {
    for (uint32_t s : staying) {
      records_[m].do_not_link.push_back(s);
      records_[s].do_not_link.push_back(m);
      batch->Put(kDoNotLinkCf, PairKey(records_[m].key, records_[s].key), "");
    }
  }
  response.set_profile_id(ProfileIdString(profile));
  response.set_new_profile_id(ProfileIdString(fresh));
  response.set_audit_id(next_audit_);
  v1::AuditEntry audit;
  SetTimestamp(now, audit.mutable_at());
  audit.set_action(v1::AUDIT_ACTION_SPLIT);
  audit.set_actor(request.actor());
  audit.set_reason(request.reason());
  audit.add_profile_ids(response.new_profile_id());
  audit.add_profile_ids(response.profile_id());
  for (uint32_t m : moved) {
    const std::string& k = records_[m].key;
    common::v1::SourceKey* sk = audit.add_records();
    sk->set_system(k.substr(0, k.find('/')));
    sk->set_id(k.substr(k.find('/') + 1));
  }
  Audit(std::move(audit), *batch);
  PutChangedRecords(*batch);
  PutCounters(*batch);
  batch->Put(kMetaCf, absl::StrCat("idem/", request.idempotency_key()),
             absl::StrCat("S", fingerprint, response.SerializeAsString()));
  if (absl::Status s = store_->Write(*batch); !s.ok()) {
    needs_reload_ = !Load().ok();
    return s;
  }
  PublishCommitted();
  ClearPending();
  return response;
}

}  // namespace clientele::identity
