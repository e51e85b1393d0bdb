#include "identity/resolution/manual_operations.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/partitioning.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/internal/resolver_keys.h"
#include "identity/resolution/profile_id.h"

namespace clientele::identity {
namespace {

using resolution_internal::SetTimestamp;

// Stable across processes and versions: stored with the idempotent result.
uint64_t Fingerprint(const google::protobuf::Message& request) {
  return log::StableHash(request.SerializeAsString());
}

absl::Status Required(const std::string& value, const char* field) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ManualOperations::Checked> ManualOperations::Check(
    const v1::MergeProfilesRequest& request) {
  Checked checked;
  CLT_ASSIGN_OR_RETURN(checked.first, ParseProfileId(request.into_profile_id(), "into_profile_id"));
  CLT_ASSIGN_OR_RETURN(checked.second,
                       ParseProfileId(request.from_profile_id(), "from_profile_id"));
  CLT_RETURN_IF_ERROR(Required(request.actor(), "actor"));
  CLT_RETURN_IF_ERROR(Required(request.reason(), "reason"));
  CLT_RETURN_IF_ERROR(Required(request.idempotency_key(), "idempotency_key"));
  if (checked.first == checked.second) {
    return absl::InvalidArgumentError("from_profile_id: must differ from into_profile_id");
  }
  v1::MergeProfilesRequest unkeyed = request;
  unkeyed.clear_idempotency_key();
  checked.fingerprint = storage::EncodeUint64(Fingerprint(unkeyed));
  return checked;
}

absl::StatusOr<ManualOperations::Checked> ManualOperations::Check(
    const v1::SplitProfileRequest& request) {
  Checked checked;
  CLT_ASSIGN_OR_RETURN(checked.first, ParseProfileId(request.profile_id(), "profile_id"));
  if (request.records().empty()) {
    return absl::InvalidArgumentError("records: at least one source key is required");
  }
  CLT_RETURN_IF_ERROR(Required(request.actor(), "actor"));
  CLT_RETURN_IF_ERROR(Required(request.reason(), "reason"));
  CLT_RETURN_IF_ERROR(Required(request.idempotency_key(), "idempotency_key"));
  v1::SplitProfileRequest unkeyed = request;
  unkeyed.clear_idempotency_key();
  checked.fingerprint = storage::EncodeUint64(Fingerprint(unkeyed));
  return checked;
}

absl::StatusOr<std::optional<std::string>> ManualOperations::IdempotentResult(
    char kind, const std::string& key, const std::string& fingerprint) const {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> v,
                       parts_.store->Get(kMetaCf, absl::StrCat("idem/", key)));
  if (!v.has_value()) return std::optional<std::string>();
  if (v->size() < 9 || (*v)[0] != kind || v->compare(1, 8, fingerprint) != 0) {
    return absl::InvalidArgumentError("idempotency_key: already used for a different request");
  }
  return std::optional<std::string>(v->substr(9));
}

absl::Status ManualOperations::Write(storage::WriteBatch& batch, char kind, const std::string& key,
                                     const std::string& fingerprint, const std::string& response,
                                     bool* reload) {
  parts_.pending->PutChanged(batch);
  parts_.put_counters(batch);
  batch.Put(kMetaCf, absl::StrCat("idem/", key),
            absl::StrCat(std::string(1, kind), fingerprint, response));
  if (absl::Status s = parts_.store->Write(batch); !s.ok()) {
    *reload = true;
    return s;
  }
  parts_.pending->Clear();
  return absl::OkStatus();
}

absl::StatusOr<v1::MergeProfilesResponse> ManualOperations::Merge(
    const v1::MergeProfilesRequest& request, const Checked& checked, bool* reload) {
  RecordIndex& index = *parts_.index;
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> previous,
                       IdempotentResult('M', request.idempotency_key(), checked.fingerprint));
  v1::MergeProfilesResponse response;
  if (previous.has_value()) {
    if (!response.ParseFromString(*previous)) return absl::DataLossError("stored merge result");
    return response;
  }
  const uint64_t a = index.Canonical(checked.first), b = index.Canonical(checked.second);
  if (a == 0) {
    return absl::NotFoundError(absl::StrCat("profile ", request.into_profile_id(), " not found"));
  }
  if (b == 0) {
    return absl::NotFoundError(absl::StrCat("profile ", request.from_profile_id(), " not found"));
  }
  if (a == b) {
    return absl::FailedPreconditionError(absl::StrCat(
        request.into_profile_id(), " and ", request.from_profile_id(), " are already one profile"));
  }
  std::unique_ptr<storage::WriteBatch> batch = parts_.store->NewWriteBatch();
  // The operator's decision replaces earlier do-not-link constraints between the two.
  parts_.policy->RemoveDoNotLinkBetween(a, b, *batch);
  const auto pa = index.MemberPersons(a, 50), pb = index.MemberPersons(b, 50);
  const auto [ia, ib] = BestPair(pa, pb);
  v1::AuditEntry audit;
  const absl::Time now = parts_.options->clock ? parts_.options->clock() : absl::Now();
  SetTimestamp(now, audit.mutable_at());
  audit.set_action(v1::AUDIT_ACTION_MANUAL_MERGE);
  audit.set_actor(request.actor());
  audit.set_reason(request.reason());
  if (!pa.empty() && !pb.empty()) {
    *audit.mutable_explanation() = parts_.matcher->Explain(*pa[ia], *pb[ib]);
    audit.set_score(audit.explanation().match_weight());
  }
  absl::StatusOr<uint64_t> merged = parts_.writer->Merge(a, b, *batch);
  if (!merged.ok()) {  // Memory is partly changed (the do-not-link edits above).
    *reload = true;
    return merged.status();
  }
  const uint64_t survivor = *merged;
  response.set_surviving_profile_id(ProfileIdString(survivor));
  response.set_merged_profile_id(ProfileIdString(survivor == a ? b : a));
  response.set_audit_id(parts_.audit->next_id());
  audit.add_profile_ids(response.surviving_profile_id());
  audit.add_profile_ids(response.merged_profile_id());
  parts_.audit->Append(audit, *batch);
  CLT_RETURN_IF_ERROR(Write(*batch, 'M', request.idempotency_key(), checked.fingerprint,
                            response.SerializeAsString(), reload));
  return response;
}

absl::StatusOr<v1::SplitProfileResponse> ManualOperations::Split(
    const v1::SplitProfileRequest& request, const Checked& checked, bool* reload) {
  RecordIndex& index = *parts_.index;
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> previous,
                       IdempotentResult('S', request.idempotency_key(), checked.fingerprint));
  v1::SplitProfileResponse response;
  if (previous.has_value()) {
    if (!response.ParseFromString(*previous)) return absl::DataLossError("stored split result");
    return response;
  }
  const uint64_t profile = index.Canonical(checked.first);
  if (profile == 0) {
    return absl::NotFoundError(absl::StrCat("profile ", request.profile_id(), " not found"));
  }
  std::vector<uint32_t> moved;
  for (int i = 0; i < request.records_size(); ++i) {
    const std::string key = SourceKeyString(request.records(i));
    const uint32_t* found = index.FindRecord(key);
    if (found == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("records[", i, "]: source record ", key, " not found"));
    }
    if (index.record(*found).profile != profile) {
      return absl::InvalidArgumentError(absl::StrCat(
          "records[", i, "]: ", key, " is not a member of ", ProfileIdString(profile)));
    }
    moved.push_back(*found);
  }
  std::sort(moved.begin(), moved.end());
  moved.erase(std::unique(moved.begin(), moved.end()), moved.end());
  std::vector<uint32_t> staying;
  for (uint32_t m : index.profiles().at(profile).members) {
    if (!std::binary_search(moved.begin(), moved.end(), m)) staying.push_back(m);
  }
  if (staying.empty()) {
    return absl::InvalidArgumentError("records: names every member; at least one must stay");
  }
  const absl::Time now = parts_.options->clock ? parts_.options->clock() : absl::Now();
  std::unique_ptr<storage::WriteBatch> batch = parts_.store->NewWriteBatch();
  const uint64_t fresh = parts_.writer->NewProfile(now, *batch);
  for (uint32_t m : moved) {
    if (absl::Status s = parts_.writer->Move(m, fresh); !s.ok()) {  // Memory is partly changed.
      *reload = true;
      return s;
    }
  }
  for (uint32_t m : moved) {
    for (uint32_t s : staying) parts_.policy->AddDoNotLink(m, s, *batch);
  }
  response.set_profile_id(ProfileIdString(profile));
  response.set_new_profile_id(ProfileIdString(fresh));
  response.set_audit_id(parts_.audit->next_id());
  v1::AuditEntry audit;
  SetTimestamp(now, audit.mutable_at());
  audit.set_action(v1::AUDIT_ACTION_SPLIT);
  audit.set_actor(request.actor());
  audit.set_reason(request.reason());
  audit.add_profile_ids(response.new_profile_id());
  audit.add_profile_ids(response.profile_id());
  for (uint32_t m : moved) *audit.add_records() = SourceKeyOf(index.record(m).key);
  parts_.audit->Append(audit, *batch);
  CLT_RETURN_IF_ERROR(Write(*batch, 'S', request.idempotency_key(), checked.fingerprint,
                            response.SerializeAsString(), reload));
  return response;
}

std::pair<size_t, size_t> ManualOperations::BestPair(
    const std::vector<const PersonRecord*>& a, const std::vector<const PersonRecord*>& b) const {
  std::pair<size_t, size_t> best{0, 0};
  double best_weight = -1e300;
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = 0; j < b.size(); ++j) {
      const double w = parts_.matcher->Score(*a[i], *b[j]).weight;
      if (w > best_weight) {
        best_weight = w;
        best = {i, j};
      }
    }
  }
  return best;
}

absl::StatusOr<v1::ExplainMatchResponse> ManualOperations::Explain(
    const v1::ExplainMatchRequest& request) const {
  const RecordIndex& index = *parts_.index;
  std::vector<PersonRecord> transient;
  transient.reserve(2);
  auto persons = [&](const v1::MatchSubject& s,
                     const char* field) -> absl::StatusOr<std::vector<const PersonRecord*>> {
    switch (s.subject_case()) {
      case v1::MatchSubject::kProfileId: {
        CLT_ASSIGN_OR_RETURN(uint64_t n,
                             ParseProfileId(s.profile_id(), absl::StrCat(field, ".profile_id")));
        const uint64_t p = index.Canonical(n);
        if (p == 0) {
          return absl::NotFoundError(absl::StrCat("profile ", s.profile_id(), " not found"));
        }
        return index.MemberPersons(p, 50);
      }
      case v1::MatchSubject::kSource: {
        const uint32_t* found = index.FindRecord(SourceKeyString(s.source()));
        if (found == nullptr) {
          return absl::NotFoundError(
              absl::StrCat("source record ", SourceKeyString(s.source()), " not found"));
        }
        return std::vector<const PersonRecord*>{&index.record(*found).person};
      }
      case v1::MatchSubject::kRecord:
        transient.push_back(FromCustomerUpsert("", s.record(), parts_.options->normalization));
        return std::vector<const PersonRecord*>{&transient.back()};
      case v1::MatchSubject::SUBJECT_NOT_SET:
        break;
    }
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": one of profile_id, source or record is required"));
  };
  CLT_ASSIGN_OR_RETURN(std::vector<const PersonRecord*> a, persons(request.a(), "a"));
  CLT_ASSIGN_OR_RETURN(std::vector<const PersonRecord*> b, persons(request.b(), "b"));
  if (a.empty() || b.empty()) return absl::NotFoundError("a profile has no members");
  const auto [i, j] = BestPair(a, b);
  v1::ExplainMatchResponse response;
  *response.mutable_explanation() = parts_.matcher->Explain(*a[i], *b[j]);
  if (!a[i]->source_key.empty()) *response.mutable_record_a() = SourceKeyOf(a[i]->source_key);
  if (!b[j]->source_key.empty()) *response.mutable_record_b() = SourceKeyOf(b[j]->source_key);
  return response;
}

}  // namespace clientele::identity
