#include "identity/resolution/profile_writer.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "clientele/identity/resolution/identity_state.pb.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/internal/resolver_keys.h"

namespace clientele::identity {

using resolution_internal::ProfileKey;
using resolution_internal::SetTimestamp;

uint64_t ProfileWriter::NewProfile(absl::Time at, storage::WriteBatch& batch) {
  const uint64_t n = index_->NewProfileNumber();
  IndexedProfile& p = index_->profiles()[n];
  p.created_at = at;
  resolution::StoredProfile stored;
  SetTimestamp(at, stored.mutable_created_at());
  batch.Put(kProfilesCf, ProfileKey(n), stored.SerializeAsString());
  return n;
}

void ProfileWriter::Join(uint32_t record, uint64_t profile) {
  index_->record(record).profile = profile;
  index_->profiles()[profile].members.push_back(record);
}

absl::Status ProfileWriter::Move(uint32_t record, uint64_t to) {
  CLT_ASSIGN_OR_RETURN(resolution::StoredRecord * stored, pending_->ForChange(record));
  const uint64_t from = index_->record(record).profile;
  stored->set_profile(to);
  pending_->MarkChanged(record);
  index_->record(record).profile = to;
  std::vector<uint32_t>& members = index_->profiles()[from].members;
  members.erase(std::remove(members.begin(), members.end(), record), members.end());
  index_->profiles()[to].members.push_back(record);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ProfileWriter::Merge(uint64_t a, uint64_t b, storage::WriteBatch& batch) {
  const uint64_t survivor = std::min(a, b), gone = std::max(a, b);
  RecordIndex::Profiles& profiles = index_->profiles();
  // Read the moving records first: a failure leaves memory as it was.
  std::vector<resolution::StoredRecord*> stored;
  for (uint32_t m : profiles[gone].members) {
    CLT_ASSIGN_OR_RETURN(stored.emplace_back(), pending_->ForChange(m));
  }
  IndexedProfile merged = std::move(profiles[gone]);
  profiles.erase(gone);
  batch.Delete(kProfilesCf, ProfileKey(gone));
  IndexedProfile& s = profiles[survivor];
  for (size_t i = 0; i < merged.members.size(); ++i) {
    const uint32_t m = merged.members[i];
    stored[i]->set_profile(survivor);
    pending_->MarkChanged(m);
    index_->record(m).profile = survivor;
    s.members.push_back(m);
  }
  s.aliases.push_back(gone);
  s.aliases.insert(s.aliases.end(), merged.aliases.begin(), merged.aliases.end());
  std::sort(s.aliases.begin(), s.aliases.end());
  for (uint64_t alias : s.aliases) {
    index_->SetAlias(alias, survivor);
    batch.Put(kAliasesCf, ProfileKey(alias), storage::EncodeUint64(survivor));
  }
  resolution::StoredProfile stored_profile;
  SetTimestamp(s.created_at, stored_profile.mutable_created_at());
  stored_profile.mutable_aliases()->Add(s.aliases.begin(), s.aliases.end());
  batch.Put(kProfilesCf, ProfileKey(survivor), stored_profile.SerializeAsString());
  return survivor;
}

}  // namespace clientele::identity
