#include "identity/resolution/profile_queries.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "clientele/identity/resolution/identity_state.pb.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "identity/normalize/email.h"
#include "identity/normalize/phone.h"
#include "identity/resolution/consent_ledger.h"
#include "identity/resolution/golden_record.h"
#include "identity/resolution/profile_id.h"

namespace clientele::identity {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

// Full nanosecond precision (profiles keep their creation time as it came).
void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) { ToProtoTimestamp(t, out); }

}  // namespace

absl::StatusOr<int> ProfileQueries::PageSize(int requested) {
  if (requested < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

absl::StatusOr<ResolveSubject> ProfileQueries::ResolveSubjectOf(
    const v1::ResolveRequest& request, const NormalizationOptions& options) {
  if (request.max_candidates() < 0) {
    return absl::InvalidArgumentError("max_candidates: must not be negative");
  }
  ResolveSubject subject;
  subject.limit = request.max_candidates() == 0 ? 10 : request.max_candidates();
  subject.key = request.has_source() ? SourceKeyString(request.source()) : "";
  subject.person = FromCustomerUpsert(subject.key, request.record(), options);
  return subject;
}

v1::ResolveResponse ProfileQueries::Resolve(const ResolveSubject& subject) const {
  int64_t self = -1;
  if (const uint32_t* found = index_->FindRecord(subject.key);
      !subject.key.empty() && found != nullptr) {
    self = *found;
  }
  CandidateScratch scratch;
  scratch.candidates = search_->Find(subject.person, self);
  search_->RankByProfile(scratch);
  const auto& ranked = scratch.ranked;
  v1::ResolveResponse response;
  response.set_decision(ranked.empty() ? v1::MATCH_DECISION_NO_LINK
                                       : ranked.front().second.score.decision);
  if (response.decision() == v1::MATCH_DECISION_LINK) {
    response.set_profile_id(ProfileIdString(ranked.front().first));
  }
  for (size_t i = 0; i < ranked.size() && i < subject.limit; ++i) {
    const IndexedRecord& record = index_->record(ranked[i].second.record);
    v1::Candidate* c = response.add_candidates();
    c->set_profile_id(ProfileIdString(ranked[i].first));
    *c->mutable_source() = SourceKeyOf(record.key);
    *c->mutable_explanation() = matcher_->Explain(subject.person, record.person);
  }
  return response;
}

absl::StatusOr<uint64_t> ProfileQueries::Lookup(const v1::ProfileLookup& lookup,
                                                std::vector<uint64_t>* others) const {
  switch (lookup.key_case()) {
    case v1::ProfileLookup::kProfileId: {
      CLT_ASSIGN_OR_RETURN(uint64_t n, ParseProfileId(lookup.profile_id(), "lookup.profile_id"));
      const uint64_t c = index_->Canonical(n);
      if (c == 0) {
        return absl::NotFoundError(absl::StrCat("profile ", lookup.profile_id(), " not found"));
      }
      return c;
    }
    case v1::ProfileLookup::kSource: {
      if (lookup.source().system().empty() || lookup.source().id().empty()) {
        return absl::InvalidArgumentError("lookup.source: system and id are required");
      }
      const uint32_t* found = index_->FindRecord(SourceKeyString(lookup.source()));
      if (found == nullptr) {
        return absl::NotFoundError(
            absl::StrCat("source record ", SourceKeyString(lookup.source()), " not found"));
      }
      return index_->record(*found).profile;
    }
    case v1::ProfileLookup::kEmail:
    case v1::ProfileLookup::kPhone: {
      const bool email = lookup.key_case() == v1::ProfileLookup::kEmail;
      const NormalizationOptions& options = options_->normalization;
      std::optional<std::string> normalized =
          email ? NormalizeEmail(lookup.email(), options.email_rules)
                : NormalizePhoneE164(lookup.phone(), options.default_phone_region);
      if (!normalized.has_value()) {
        return absl::InvalidArgumentError(email ? "lookup.email: not an e-mail address"
                                                : "lookup.phone: not a valid phone number");
      }
      const std::vector<uint32_t>* records =
          email ? index_->RecordsWithEmail(*normalized) : index_->RecordsWithPhone(*normalized);
      if (records == nullptr) {
        return absl::NotFoundError(email ? "no profile with this e-mail"
                                         : "no profile with this phone");
      }
      std::vector<uint64_t> found;
      for (uint32_t r : *records) found.push_back(index_->record(r).profile);
      std::sort(found.begin(), found.end());
      found.erase(std::unique(found.begin(), found.end()), found.end());
      if (others != nullptr) others->assign(found.begin() + 1, found.end());
      return found.front();
    }
    case v1::ProfileLookup::KEY_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      "lookup: one of profile_id, source, email or phone is required");
}

absl::StatusOr<v1::GetProfileResponse> ProfileQueries::GetProfile(
    const v1::ProfileLookup& lookup) const {
  std::vector<uint64_t> others;
  CLT_ASSIGN_OR_RETURN(uint64_t number, Lookup(lookup, &others));
  const IndexedProfile& p = index_->profiles().at(number);
  v1::GetProfileResponse response;
  for (uint64_t o : others) response.add_other_profile_ids(ProfileIdString(o));
  v1::Profile* profile = response.mutable_profile();
  profile->set_profile_id(ProfileIdString(number));
  for (uint64_t a : p.aliases) profile->add_aliases(ProfileIdString(a));
  SetTimestamp(p.created_at, profile->mutable_created_at());
  std::vector<uint32_t> members = p.members;
  std::sort(members.begin(), members.end(),
            [&](uint32_t a, uint32_t b) { return index_->record(a).key < index_->record(b).key; });
  std::vector<resolution::StoredRecord> stored;
  stored.reserve(members.size());
  for (uint32_t m : members) {
    *profile->add_members() = SourceKeyOf(index_->record(m).key);
    CLT_ASSIGN_OR_RETURN(stored.emplace_back(), pending_->Get(m));
  }
  std::vector<const resolution::StoredRecord*> pointers;
  for (const auto& s : stored) pointers.push_back(&s);
  *profile->mutable_golden() = BuildGoldenRecord(pointers, options_->survivorship);
  return response;
}

absl::StatusOr<v1::ListProfilesResponse> ProfileQueries::ListProfiles(
    const v1::ListProfilesRequest& request) const {
  CLT_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  uint64_t from = 0;
  if (!request.page_token().empty()) {
    CLT_ASSIGN_OR_RETURN(from, ParseProfileId(request.page_token(), "page_token"));
  }
  const RecordIndex::Profiles& profiles = index_->profiles();
  v1::ListProfilesResponse response;
  response.set_total(static_cast<int64_t>(profiles.size()));
  for (auto it = profiles.lower_bound(from); it != profiles.end(); ++it) {
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

absl::StatusOr<v1::ListMembersResponse> ProfileQueries::ListMembers(
    const v1::ListMembersRequest& request) const {
  CLT_ASSIGN_OR_RETURN(uint64_t number, ParseProfileId(request.profile_id(), "profile_id"));
  CLT_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  const uint64_t profile = index_->Canonical(number);
  if (profile == 0) {
    return absl::NotFoundError(absl::StrCat("profile ", request.profile_id(), " not found"));
  }
  std::vector<uint32_t> members = index_->profiles().at(profile).members;
  std::sort(members.begin(), members.end(),
            [&](uint32_t a, uint32_t b) { return index_->record(a).key < index_->record(b).key; });
  v1::ListMembersResponse response;
  response.set_profile_id(ProfileIdString(profile));
  for (uint32_t m : members) {
    const std::string& key = index_->record(m).key;
    if (key < request.page_token()) continue;
    if (response.members_size() == page_size) {
      response.set_next_page_token(key);
      break;
    }
    CLT_ASSIGN_OR_RETURN(resolution::StoredRecord stored, pending_->Get(m));
    v1::Member* member = response.add_members();
    *member->mutable_source() = stored.source();
    *member->mutable_first_seen_at() = stored.first_seen_at();
    if (stored.has_last_upsert_at()) *member->mutable_last_upsert_at() = stored.last_upsert_at();
    member->set_channel(stored.channel());
  }
  return response;
}

absl::StatusOr<std::vector<uint64_t>> ProfileQueries::ProfileAndAliases(
    const std::string& profile_id, uint64_t number) const {
  const uint64_t profile = index_->Canonical(number);
  if (profile == 0) {
    return absl::NotFoundError(absl::StrCat("profile ", profile_id, " not found"));
  }
  std::vector<uint64_t> profiles = index_->profiles().at(profile).aliases;
  profiles.push_back(profile);
  return profiles;
}

absl::StatusOr<v1::GetConsentsResponse> ProfileQueries::GetConsents(
    const v1::ProfileLookup& lookup) const {
  CLT_ASSIGN_OR_RETURN(uint64_t number, Lookup(lookup, nullptr));
  std::vector<const v1::ConsentEvent*> events;
  for (uint32_t m : index_->profiles().at(number).members) {
    for (const v1::ConsentEvent& e : index_->record(m).consents) events.push_back(&e);
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

absl::StatusOr<v1::ListByConsentResponse> ProfileQueries::ListByConsent(
    const v1::ListByConsentRequest& request, const Interrupt& interrupt) const {
  if (request.purpose() == common::v1::CONSENT_PURPOSE_UNSPECIFIED) {
    return absl::InvalidArgumentError("purpose: required");
  }
  CLT_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  uint64_t from = 0;
  if (!request.page_token().empty()) {
    CLT_ASSIGN_OR_RETURN(from, ParseProfileId(request.page_token(), "page_token"));
  }
  const RecordIndex::Profiles& profiles = index_->profiles();
  v1::ListByConsentResponse response;
  std::vector<const v1::ConsentEvent*> events;
  int64_t scanned = 0;
  for (auto it = profiles.lower_bound(from); it != profiles.end(); ++it) {
    if (++scanned % kInterruptCheckEvery == 0) CLT_RETURN_IF_ERROR(interrupt.Check());
    events.clear();
    for (uint32_t m : it->second.members) {
      for (const v1::ConsentEvent& e : index_->record(m).consents) events.push_back(&e);
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

void ProfileQueries::ProfileMapChunk(const std::string& prefix, size_t chunk, size_t* next,
                                     v1::GetProfileMapResponse& response) const {
  for (; *next < index_->record_count() && static_cast<size_t>(response.entries_size()) < chunk;
       ++*next) {
    const IndexedRecord& r = index_->record(*next);
    if (!prefix.empty() && r.key.compare(0, prefix.size(), prefix) != 0) continue;
    v1::ProfileMapEntry* e = response.add_entries();
    *e->mutable_source() = SourceKeyOf(r.key);
    e->set_profile_id(ProfileIdString(r.profile));
  }
}

}  // namespace clientele::identity
