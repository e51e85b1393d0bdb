// Resolver: read-only queries over the committed state.
#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "common/time/proto_time.h"
#include "identity/resolution/consent_ledger.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/internal/resolver_keys.h"
#include "identity/resolution/resolver.h"

namespace clientele::identity {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

common::v1::SourceKey ToSourceKey(const std::string& key) {
  common::v1::SourceKey out;
  const size_t slash = key.find('/');
  out.set_system(key.substr(0, slash));
  out.set_id(slash == std::string::npos ? "" : key.substr(slash + 1));
  return out;
}

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) { ToProtoTimestamp(t, out); }

}  // namespace

absl::StatusOr<v1::ResolveResponse> Resolver::Resolve(const v1::ResolveRequest& request) const {
  if (request.max_candidates() < 0) {
    return absl::InvalidArgumentError("max_candidates: must not be negative");
  }
  const size_t limit = request.max_candidates() == 0 ? 10 : request.max_candidates();
  const std::string key = request.has_source() ? SourceKeyString(request.source()) : "";
  const PersonRecord person = FromCustomerUpsert(key, request.record(), options_.normalization);
  absl::ReaderMutexLock l(&mu_);
  int64_t self = -1;
  if (auto it = record_index_.find(key); !key.empty() && it != record_index_.end()) {
    self = it->second;
  }
  absl::flat_hash_map<uint64_t, ScoredCandidate> best;
  for (const ScoredCandidate& c : Candidates(person, self)) {
    auto [it, inserted] = best.try_emplace(records_[c.record].profile, c);
    if (!inserted && c.score.weight > it->second.score.weight) it->second = c;
  }
  std::vector<std::pair<uint64_t, ScoredCandidate>> ranked(best.begin(), best.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (a.second.score.weight != b.second.score.weight) {
      return a.second.score.weight > b.second.score.weight;
    }
    return a.first < b.first;
  });
  v1::ResolveResponse response;
  response.set_decision(ranked.empty() ? v1::MATCH_DECISION_NO_LINK
                                       : ranked.front().second.score.decision);
  if (response.decision() == v1::MATCH_DECISION_LINK) {
    response.set_profile_id(ProfileIdString(ranked.front().first));
  }
  for (size_t i = 0; i < ranked.size() && i < limit; ++i) {
    v1::Candidate* c = response.add_candidates();
    c->set_profile_id(ProfileIdString(ranked[i].first));
    *c->mutable_source() = ToSourceKey(records_[ranked[i].second.record].key);
    *c->mutable_explanation() = matcher_->Explain(person, records_[ranked[i].second.record].person);
  }
  return response;
}

absl::StatusOr<v1::GetProfileResponse> Resolver::GetProfile(const v1::ProfileLookup& lookup) const {
  absl::ReaderMutexLock l(&mu_);
  std::vector<uint64_t> others;
  CLT_ASSIGN_OR_RETURN(uint64_t number, Lookup(lookup, &others));
  const ProfileEntry& p = profiles_.at(number);
  v1::GetProfileResponse response;
  for (uint64_t o : others) response.add_other_profile_ids(ProfileIdString(o));
  v1::Profile* profile = response.mutable_profile();
  profile->set_profile_id(ProfileIdString(number));
  for (uint64_t a : p.aliases) profile->add_aliases(ProfileIdString(a));
  SetTimestamp(p.created_at, profile->mutable_created_at());
  std::vector<uint32_t> members = p.members;
  std::sort(members.begin(), members.end(),
            [&](uint32_t a, uint32_t b) { return records_[a].key < records_[b].key; });
  std::vector<resolution::StoredRecord> stored;
  stored.reserve(members.size());
  for (uint32_t m : members) {
    *profile->add_members() = ToSourceKey(records_[m].key);
    CLT_ASSIGN_OR_RETURN(stored.emplace_back(), LoadStoredRecord(m));
  }
  std::vector<const resolution::StoredRecord*> pointers;
  for (const auto& s : stored) pointers.push_back(&s);
  *profile->mutable_golden() = BuildGoldenRecord(pointers, options_.survivorship);
  return response;
}

absl::StatusOr<v1::ListProfilesResponse> Resolver::ListProfiles(
    const v1::ListProfilesRequest& request) const {
  CLT_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  uint64_t from = 0;
  if (!request.page_token().empty()) {
    CLT_ASSIGN_OR_RETURN(from, ParseProfileId(request.page_token(), "page_token"));
  }
  absl::ReaderMutexLock l(&mu_);
  v1::ListProfilesResponse response;
  response.set_total(static_cast<int64_t>(profiles_.size()));
  for (auto it = profiles_.lower_bound(from); it != profiles_.end(); ++it) {
    if (response.profiles_size() == page_size) {
      response.set_next_page_token(ProfileIdString(it->first));
      break;
    }
    v1::ProfileSummary* s = response.add_profiles();
    s->set_profile_id(ProfileIdString(it->first));
    s->set_member_count(static_cast<int32_t>(it->second.members.size()));
  }
  return response;
}

absl::StatusOr<v1::ListMembersResponse> Resolver::ListMembers(
    const v1::ListMembersRequest& request) const {
  CLT_ASSIGN_OR_RETURN(uint64_t number, ParseProfileId(request.profile_id(), "profile_id"));
  CLT_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  absl::ReaderMutexLock l(&mu_);
  const uint64_t profile = Canonical(number);
  if (profile == 0) {
    return absl::NotFoundError(absl::StrCat("profile ", request.profile_id(), " not found"));
  }
  std::vector<uint32_t> members = profiles_.at(profile).members;
  std::sort(members.begin(), members.end(),
            [&](uint32_t a, uint32_t b) { return records_[a].key < records_[b].key; });
  v1::ListMembersResponse response;
  response.set_profile_id(ProfileIdString(profile));
  for (uint32_t m : members) {
    if (records_[m].key < request.page_token()) continue;
    if (response.members_size() == page_size) {
      response.set_next_page_token(records_[m].key);
      break;
    }
    CLT_ASSIGN_OR_RETURN(resolution::StoredRecord stored, LoadStoredRecord(m));
    v1::Member* member = response.add_members();
    *member->mutable_source() = stored.source();
    *member->mutable_first_seen_at() = stored.first_seen_at();
    if (stored.has_last_upsert_at()) *member->mutable_last_upsert_at() = stored.last_upsert_at();
    member->set_channel(stored.channel());
  }
  return response;
}

absl::StatusOr<v1::GetAuditResponse> Resolver::GetAudit(const v1::GetAuditRequest& request) const {
  CLT_ASSIGN_OR_RETURN(uint64_t number, ParseProfileId(request.profile_id(), "profile_id"));
  CLT_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  uint64_t from = 0;
  if (!request.page_token().empty() && !absl::SimpleAtoi(request.page_token(), &from)) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_token: '", request.page_token(), "' is not valid"));
  }
  std::vector<uint64_t> profiles;
  {
    absl::ReaderMutexLock l(&mu_);
    const uint64_t profile = Canonical(number);
    if (profile == 0) {
      return absl::NotFoundError(absl::StrCat("profile ", request.profile_id(), " not found"));
    }
    profiles = profiles_.at(profile).aliases;
    profiles.push_back(profile);
  }
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

std::vector<const PersonRecord*> Resolver::MemberPersons(uint64_t profile, size_t cap) const {
  std::vector<const PersonRecord*> out;
  auto it = profiles_.find(profile);
  if (it == profiles_.end()) return out;
  for (uint32_t m : it->second.members) {
    if (out.size() == cap) break;
    out.push_back(&records_[m].person);
  }
  return out;
}

std::pair<size_t, size_t> Resolver::BestPair(const std::vector<const PersonRecord*>& a,
                                             const std::vector<const PersonRecord*>& b) const {
  std::pair<size_t, size_t> best{0, 0};
  double best_weight = -1e300;
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = 0; j < b.size(); ++j) {
      const double w = matcher_->Score(*a[i], *b[j]).weight;
      if (w > best_weight) {
        best_weight = w;
        best = {i, j};
      }
    }
  }
  return best;
}

absl::StatusOr<v1::ExplainMatchResponse> Resolver::ExplainMatch(
    const v1::ExplainMatchRequest& request) const {
  absl::ReaderMutexLock l(&mu_);
  std::vector<PersonRecord> transient;
  transient.reserve(2);
  auto persons = [&](const v1::MatchSubject& s,
                     const char* field) -> absl::StatusOr<std::vector<const PersonRecord*>> {
    switch (s.subject_case()) {
      case v1::MatchSubject::kProfileId: {
        CLT_ASSIGN_OR_RETURN(uint64_t n,
                             ParseProfileId(s.profile_id(), absl::StrCat(field, ".profile_id")));
        const uint64_t p = Canonical(n);
        if (p == 0)
          return absl::NotFoundError(absl::StrCat("profile ", s.profile_id(), " not found"));
        return MemberPersons(p, 50);
      }
      case v1::MatchSubject::kSource: {
        auto it = record_index_.find(SourceKeyString(s.source()));
        if (it == record_index_.end()) {
          return absl::NotFoundError(
              absl::StrCat("source record ", SourceKeyString(s.source()), " not found"));
        }
        return std::vector<const PersonRecord*>{&records_[it->second].person};
      }
      case v1::MatchSubject::kRecord:
        transient.push_back(FromCustomerUpsert("", s.record(), options_.normalization));
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
  *response.mutable_explanation() = matcher_->Explain(*a[i], *b[j]);
  if (!a[i]->source_key.empty()) *response.mutable_record_a() = ToSourceKey(a[i]->source_key);
  if (!b[j]->source_key.empty()) *response.mutable_record_b() = ToSourceKey(b[j]->source_key);
  return response;
}

absl::StatusOr<v1::GetConsentsResponse> Resolver::GetConsents(
    const v1::ProfileLookup& lookup) const {
  absl::ReaderMutexLock l(&mu_);
  CLT_ASSIGN_OR_RETURN(uint64_t number, Lookup(lookup, nullptr));
  std::vector<const v1::ConsentEvent*> events;
  for (uint32_t m : profiles_.at(number).members) {
    for (const v1::ConsentEvent& e : records_[m].consents) events.push_back(&e);
  }
  std::sort(events.begin(), events.end(),
            [](const auto* a, const auto* b) { return a->ledger_id() < b->ledger_id(); });
  v1::GetConsentsResponse response;
  response.set_profile_id(ProfileIdString(number));
  for (v1::ConsentState& s : CurrentConsents(events)) *response.add_current() = std::move(s);
  std::stable_sort(events.begin(), events.end(), [](const auto* a, const auto* b) {
    return std::make_pair(a->occurred_at().seconds(), a->occurred_at().nanos()) <
           std::make_pair(b->occurred_at().seconds(), b->occurred_at().nanos());
  });
  for (const v1::ConsentEvent* e : events) *response.add_history() = *e;
  return response;
}

absl::StatusOr<v1::ListByConsentResponse> Resolver::ListByConsent(
    const v1::ListByConsentRequest& request, const Interrupt& interrupt) const {
  if (request.purpose() == common::v1::CONSENT_PURPOSE_UNSPECIFIED) {
    return absl::InvalidArgumentError("purpose: required");
  }
  CLT_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  uint64_t from = 0;
  if (!request.page_token().empty()) {
    CLT_ASSIGN_OR_RETURN(from, ParseProfileId(request.page_token(), "page_token"));
  }
  absl::ReaderMutexLock l(&mu_);
  v1::ListByConsentResponse response;
  std::vector<const v1::ConsentEvent*> events;
  int64_t scanned = 0;
  for (auto it = profiles_.lower_bound(from); it != profiles_.end(); ++it) {
    if (++scanned % kInterruptCheckEvery == 0) CLT_RETURN_IF_ERROR(interrupt.Check());
    events.clear();
    for (uint32_t m : it->second.members) {
      for (const v1::ConsentEvent& e : records_[m].consents) events.push_back(&e);
    }
    if (events.empty()) continue;
    std::sort(events.begin(), events.end(),
              [](const auto* a, const auto* b) { return a->ledger_id() < b->ledger_id(); });
    if (CurrentStatus(events, request.purpose()) != common::v1::CONSENT_STATUS_GRANTED) continue;
    if (response.profile_ids_size() == page_size) {
      response.set_next_page_token(ProfileIdString(it->first));
      break;
    }
    response.add_profile_ids(ProfileIdString(it->first));
  }
  return response;
}

void Resolver::ForEachProfileMapChunk(
    const std::string& system, size_t chunk,
    const std::function<bool(v1::GetProfileMapResponse&)>& emit) const {
  const std::string prefix = system.empty() ? "" : system + "/";
  size_t next = 0;
  while (true) {
    v1::GetProfileMapResponse response;
    {
      absl::ReaderMutexLock l(&mu_);
      for (; next < records_.size() && static_cast<size_t>(response.entries_size()) < chunk;
           ++next) {
        const RecordEntry& r = records_[next];
        if (!prefix.empty() && r.key.compare(0, prefix.size(), prefix) != 0) continue;
        v1::ProfileMapEntry* e = response.add_entries();
        *e->mutable_source() = ToSourceKey(r.key);
        e->set_profile_id(ProfileIdString(r.profile));
      }
    }
    if (response.entries_size() == 0) return;
    if (!emit(response)) return;
  }
}

}  // namespace clientele::identity
