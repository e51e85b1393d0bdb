#include "identity/resolution/link_policy.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "common/status/status_macros.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/internal/resolver_keys.h"

namespace clientele::identity {

const std::vector<uint32_t>& LinkPolicy::DoNotLink(uint32_t record) const {
  static const std::vector<uint32_t> kNone;
  auto it = do_not_link_.find(record);
  return it == do_not_link_.end() ? kNone : it->second;
}

bool LinkPolicy::MayJoin(uint32_t record, uint64_t profile) const {
  if (do_not_link_.empty()) return true;
  for (uint32_t d : DoNotLink(record)) {
    if (index_->record(d).profile == profile) return false;
  }
  return true;
}

bool LinkPolicy::Compatible(const std::vector<const PersonRecord*>& persons,
                            uint64_t profile) const {
  for (const PersonRecord* member : index_->MemberPersons(profile, conflict_sample_)) {
    for (const PersonRecord* p : persons) {
      const PairScore score = matcher_->Score(*p, *member);
      if (score.weight < conflict_weight_ || score.conflict) return false;
    }
  }
  return true;
}

LinkPolicy::Veto LinkPolicy::JoinVeto(uint32_t record, uint64_t profile) const {
  if (!MayJoin(record, profile) ||
      index_->profiles().at(profile).members.size() >= max_auto_profile_size_) {
    return Veto::kForbidden;
  }
  if (!Compatible({&index_->record(record).person}, profile)) return Veto::kDisagree;
  return Veto::kNone;
}

LinkPolicy::Veto LinkPolicy::MergeVeto(uint64_t a, uint64_t b) const {
  const RecordIndex::Profiles& profiles = index_->profiles();
  auto pa = profiles.find(a);
  if (pa == profiles.end()) return Veto::kForbidden;
  for (uint32_t m : pa->second.members) {
    if (!MayJoin(m, b)) return Veto::kForbidden;
  }
  if (pa->second.members.size() + profiles.at(b).members.size() > max_auto_profile_size_) {
    return Veto::kForbidden;
  }
  if (!Compatible(index_->MemberPersons(a, conflict_sample_), b)) return Veto::kDisagree;
  return Veto::kNone;
}

void LinkPolicy::AddDoNotLink(uint32_t a, uint32_t b, storage::WriteBatch& batch) {
  do_not_link_[a].push_back(b);
  do_not_link_[b].push_back(a);
  batch.Put(kDoNotLinkCf,
            resolution_internal::PairKey(index_->record(a).key, index_->record(b).key), "");
}

void LinkPolicy::RemoveDoNotLinkBetween(uint64_t a, uint64_t b, storage::WriteBatch& batch) {
  auto profile = index_->profiles().find(a);
  if (profile == index_->profiles().end()) return;
  for (uint32_t m : profile->second.members) {
    auto own = do_not_link_.find(m);
    if (own == do_not_link_.end()) continue;
    std::vector<uint32_t>& dnl = own->second;
    for (uint32_t d : dnl) {
      if (index_->record(d).profile != b) continue;
      batch.Delete(kDoNotLinkCf,
                   resolution_internal::PairKey(index_->record(m).key, index_->record(d).key));
      auto back = do_not_link_.find(d);  // Present: pairs are kept in both directions.
      back->second.erase(std::remove(back->second.begin(), back->second.end(), m),
                         back->second.end());
    }
    dnl.erase(std::remove_if(dnl.begin(), dnl.end(),
                             [&](uint32_t d) { return index_->record(d).profile == b; }),
              dnl.end());
  }
}

absl::Status LinkPolicy::Load(storage::KvStore& store) {
  Clear();
  auto it = store.NewIterator(kDoNotLinkCf);
  for (it->Seek(""); it->Valid(); it->Next()) {
    const std::string_view key = it->key();
    const size_t sep = key.find('\0');
    if (sep == std::string_view::npos) return CorruptIdentityStore("bad do-not-link key");
    const uint32_t* a = index_->FindRecord(std::string(key.substr(0, sep)));
    const uint32_t* b = index_->FindRecord(std::string(key.substr(sep + 1)));
    if (a == nullptr || b == nullptr) {
      return CorruptIdentityStore("do-not-link pair of an unknown record");
    }
    do_not_link_[*a].push_back(*b);
    do_not_link_[*b].push_back(*a);
  }
  return it->status();
}

}  // namespace clientele::identity
