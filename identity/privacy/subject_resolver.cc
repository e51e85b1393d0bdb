#include "identity/privacy/subject_resolver.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "identity/resolution/profile_id.h"

namespace clientele::identity {
namespace {

// The resolver names the lookup's fields "lookup.<field>"; the caller sent "selector.<field>".
absl::Status AsSelectorError(const absl::Status& status) {
  if (!absl::IsInvalidArgument(status)) return status;
  std::string message(status.message());
  if (absl::StartsWith(message, "lookup.")) message.replace(0, 6, "selector");
  return absl::InvalidArgumentError(message);
}

}  // namespace

absl::StatusOr<privacy::v1::Subject> ResolvePrivacySubject(
    const Resolver& resolver, const privacy::v1::SubjectSelector& selector) {
  v1::ProfileLookup lookup;
  switch (selector.lookup_case()) {
    case privacy::v1::SubjectSelector::kProfileId:
      lookup.set_profile_id(selector.profile_id());
      break;
    case privacy::v1::SubjectSelector::kEmail:
      if (selector.email().empty()) {
        return absl::InvalidArgumentError("selector.email: must not be empty");
      }
      lookup.set_email(selector.email());
      break;
    case privacy::v1::SubjectSelector::kPhone:
      if (selector.phone().empty()) {
        return absl::InvalidArgumentError("selector.phone: must not be empty");
      }
      lookup.set_phone(selector.phone());
      break;
    case privacy::v1::SubjectSelector::kSourceKey:
      if (selector.source_key().system().empty() || selector.source_key().id().empty()) {
        return absl::InvalidArgumentError("selector.source_key: system and id are required");
      }
      *lookup.mutable_source() = selector.source_key();
      break;
    case privacy::v1::SubjectSelector::LOOKUP_NOT_SET:
      return absl::InvalidArgumentError(
          "selector: one of profile_id, email, phone or source_key is required");
  }
  absl::StatusOr<v1::GetProfileResponse> first = resolver.GetProfile(lookup);
  privacy::v1::Subject subject;
  if (absl::IsNotFound(first.status()) && lookup.has_source()) {
    *subject.add_source_keys() = lookup.source();  // Data of the key may live elsewhere.
    return subject;
  }
  if (!first.ok()) return AsSelectorError(first.status());

  std::vector<v1::Profile> profiles = {first->profile()};
  for (const std::string& other : first->other_profile_ids()) {
    v1::ProfileLookup by_id;
    by_id.set_profile_id(other);
    absl::StatusOr<v1::GetProfileResponse> more = resolver.GetProfile(by_id);
    if (absl::IsNotFound(more.status())) continue;  // Merged or erased meanwhile.
    CLT_RETURN_IF_ERROR(more.status());
    profiles.push_back(more->profile());
  }
  std::set<std::string> ids, keys;
  for (const v1::Profile& p : profiles) {
    ids.insert(p.profile_id());
    ids.insert(p.aliases().begin(), p.aliases().end());
    for (const common::v1::SourceKey& m : p.members()) keys.insert(SourceKeyString(m));
  }
  for (const std::string& id : ids) subject.add_profile_ids(id);
  for (const std::string& key : keys) *subject.add_source_keys() = SourceKeyOf(key);
  return subject;
}

}  // namespace clientele::identity
