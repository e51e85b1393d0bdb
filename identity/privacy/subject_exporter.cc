#include "identity/privacy/subject_exporter.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clientele/identity/resolution/identity_state.pb.h"
#include "common/privacy/subject_set.h"
#include "common/status/status_macros.h"
#include "identity/matching/person_record.h"
#include "identity/resolution/consent_ledger.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/profile_id.h"
#include "nlohmann/json.hpp"

namespace clientele::identity {
namespace {

using nlohmann::json;

absl::StatusOr<json> ToJson(const google::protobuf::Message& message) {
  return clientele::privacy::ProtoToJson(message, /*print_zero_values=*/false);
}

json NormalizedJson(const PersonRecord& p) {
  json out = json::object();
  auto put = [&](const char* name, const std::string& value) {
    if (!value.empty()) out[name] = value;
  };
  put("email", p.email);
  put("phone", p.phone);
  put("loyalty_id", p.loyalty_id);
  put("national_id_hash", p.national_id_hash);
  put("given_name", p.given_name);
  put("family_name", p.family_name);
  if (!p.name_tokens.empty()) out["name_tokens"] = p.name_tokens;
  if (p.has_birth_date()) {
    out["birth_date"] = {{"year", p.birth_year}, {"month", p.birth_month}, {"day", p.birth_day}};
  }
  if (p.gender != 0) out["gender"] = p.gender;
  put("postal_code", p.postal_code);
  put("street_number", p.street_number);
  if (!p.address_tokens.empty()) out["address_tokens"] = p.address_tokens;
  put("city", p.city);
  put("region", p.region);
  for (const auto& [key, value] : p.secondary_ids) out["secondary_ids"][key] = value;
  return out;
}

// The surviving profiles the subject's profile ids name (each once, in id order).
absl::StatusOr<std::vector<v1::Profile>> SurvivingProfiles(const Resolver& resolver,
                                                           const privacy::v1::Subject& subject) {
  std::map<std::string, v1::Profile> found;
  for (int i = 0; i < subject.profile_ids_size(); ++i) {
    CLT_RETURN_IF_ERROR(
        ParseProfileId(subject.profile_ids(i), absl::StrCat("subject.profile_ids[", i, "]"))
            .status());
    v1::ProfileLookup lookup;
    lookup.set_profile_id(subject.profile_ids(i));
    absl::StatusOr<v1::GetProfileResponse> got = resolver.GetProfile(lookup);
    if (absl::IsNotFound(got.status())) continue;
    CLT_RETURN_IF_ERROR(got.status());
    found.emplace(got->profile().profile_id(), got->profile());
  }
  std::vector<v1::Profile> out;
  for (auto& [id, profile] : found) out.push_back(std::move(profile));
  return out;
}

absl::StatusOr<json> MembersJson(const storage::KvStore& store, const std::set<std::string>& keys) {
  json members = json::array();
  for (const std::string& key : keys) {
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> bytes, store.Get(kRecordsCf, key));
    if (!bytes.has_value()) continue;
    resolution::StoredRecord stored;
    if (!stored.ParseFromString(*bytes)) {
      return CorruptIdentityStore(absl::StrCat("record ", key, " does not parse"));
    }
    CLT_ASSIGN_OR_RETURN(PersonRecord person, DecodePersonRecord(stored.person()));
    const uint64_t profile = stored.profile();
    stored.clear_person();
    stored.clear_profile();
    CLT_ASSIGN_OR_RETURN(json member, ToJson(stored));
    member["profile_id"] = profile == 0 ? "" : ProfileIdString(profile);
    member["normalized"] = NormalizedJson(person);
    members.push_back(std::move(member));
  }
  return members;
}

// Current state and history over the consent events of the subject's records.
absl::StatusOr<json> ConsentsJson(const Resolver& resolver, const std::set<std::string>& keys) {
  std::map<uint64_t, v1::ConsentEvent> by_ledger;
  for (const std::string& key : keys) {
    v1::ProfileLookup lookup;
    *lookup.mutable_source() = SourceKeyOf(key);
    absl::StatusOr<v1::GetConsentsResponse> got = resolver.GetConsents(lookup);
    if (absl::IsNotFound(got.status())) continue;
    CLT_RETURN_IF_ERROR(got.status());
    for (const v1::ConsentEvent& e : got->history()) {
      if (SourceKeyString(e.source()) == key) by_ledger.emplace(e.ledger_id(), e);
    }
  }
  std::vector<const v1::ConsentEvent*> events;
  for (const auto& [id, e] : by_ledger) events.push_back(&e);
  json out = {{"current", json::array()}, {"history", json::array()}};
  for (const v1::ConsentState& state : CurrentConsents(events)) {
    CLT_ASSIGN_OR_RETURN(json j, ToJson(state));
    out["current"].push_back(std::move(j));
  }
  std::stable_sort(events.begin(), events.end(), [](const auto* a, const auto* b) {
    return std::make_pair(a->occurred_at().seconds(), a->occurred_at().nanos()) <
           std::make_pair(b->occurred_at().seconds(), b->occurred_at().nanos());
  });
  for (const v1::ConsentEvent* e : events) {
    CLT_ASSIGN_OR_RETURN(json j, ToJson(*e));
    out["history"].push_back(std::move(j));
  }
  return out;
}

absl::StatusOr<json> AuditJson(const Resolver& resolver, const std::vector<v1::Profile>& profiles) {
  std::map<uint64_t, v1::AuditEntry> entries;
  for (const v1::Profile& profile : profiles) {
    v1::GetAuditRequest request;
    request.set_profile_id(profile.profile_id());
    request.set_page_size(1000);
    while (true) {
      absl::StatusOr<v1::GetAuditResponse> page = resolver.GetAudit(request);
      if (absl::IsNotFound(page.status())) break;
      CLT_RETURN_IF_ERROR(page.status());
      for (const v1::AuditEntry& e : page->entries()) entries.emplace(e.id(), e);
      if (page->next_page_token().empty()) break;
      request.set_page_token(page->next_page_token());
    }
  }
  json out = json::array();
  for (const auto& [id, e] : entries) {
    CLT_ASSIGN_OR_RETURN(json j, ToJson(e));
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> ExportSubjectJson(const Resolver& resolver,
                                              const storage::KvStore& store,
                                              const privacy::v1::Subject& subject) {
  CLT_ASSIGN_OR_RETURN(std::vector<v1::Profile> profiles, SurvivingProfiles(resolver, subject));
  json doc = json::object();
  doc["profile"] = json::object();
  if (!profiles.empty()) {
    CLT_ASSIGN_OR_RETURN(doc["profile"], ToJson(profiles.front()));
    for (size_t i = 1; i < profiles.size(); ++i) {
      CLT_ASSIGN_OR_RETURN(json other, ToJson(profiles[i]));
      doc["profile"]["other_profiles"].push_back(std::move(other));
    }
  }
  std::set<std::string> keys;
  for (const common::v1::SourceKey& key : subject.source_keys()) keys.insert(SourceKeyString(key));
  for (const v1::Profile& profile : profiles) {
    for (const common::v1::SourceKey& key : profile.members()) keys.insert(SourceKeyString(key));
  }
  CLT_ASSIGN_OR_RETURN(doc["members"], MembersJson(store, keys));
  CLT_ASSIGN_OR_RETURN(doc["consents"], ConsentsJson(resolver, keys));
  CLT_ASSIGN_OR_RETURN(doc["identity_audit"], AuditJson(resolver, profiles));
  return doc.dump();
}

}  // namespace clientele::identity
