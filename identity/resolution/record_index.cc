#include "identity/resolution/record_index.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "clientele/identity/resolution/identity_state.pb.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/internal/resolver_keys.h"

namespace clientele::identity {

absl::Status CorruptIdentityStore(const std::string& what) {
  return absl::DataLossError(absl::StrCat("identity store: ", what));
}

uint32_t RecordIndex::AddRecord(const std::string& key) {
  const uint32_t index = static_cast<uint32_t>(records_.size());
  records_.emplace_back().key = key;
  record_index_.emplace(key, index);
  return index;
}

void RecordIndex::IndexContacts(uint32_t index, bool add) {
  const PersonRecord& p = records_[index].person;
  for (auto [value, map] : {std::pair{&p.email, &by_email_}, std::pair{&p.phone, &by_phone_}}) {
    if (value->empty()) continue;
    std::vector<uint32_t>& list = (*map)[*value];
    if (add) {
      list.push_back(index);
    } else {
      list.erase(std::remove(list.begin(), list.end(), index), list.end());
      if (list.empty()) map->erase(*value);
    }
  }
}

const std::vector<uint32_t>* RecordIndex::RecordsWithEmail(const std::string& email) const {
  auto it = by_email_.find(email);
  return it == by_email_.end() ? nullptr : &it->second;
}

const std::vector<uint32_t>* RecordIndex::RecordsWithPhone(const std::string& phone) const {
  auto it = by_phone_.find(phone);
  return it == by_phone_.end() ? nullptr : &it->second;
}

std::vector<const PersonRecord*> RecordIndex::MemberPersons(uint64_t profile, size_t cap) const {
  std::vector<const PersonRecord*> out;
  auto it = profiles_.find(profile);
  if (it == profiles_.end()) return out;
  for (uint32_t m : it->second.members) {
    if (out.size() == cap) break;
    out.push_back(&records_[m].person);
  }
  return out;
}

void RecordIndex::Clear() {
  records_.clear();
  record_index_.clear();
  blocks_.Clear();
  by_email_.clear();
  by_phone_.clear();
  profiles_.clear();
  aliases_.clear();
  next_profile_ = 1;
}

absl::Status RecordIndex::Load(storage::KvStore& store, const RecordMatcher& matcher) {
  Clear();
  {  // Records.
    auto it = store.NewIterator(kRecordsCf);
    for (it->Seek(""); it->Valid(); it->Next()) {
      resolution::StoredRecord stored;
      if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return CorruptIdentityStore(
            absl::StrCat("record ", std::string(it->key()), " does not parse"));
      }
      CLT_ASSIGN_OR_RETURN(PersonRecord person, DecodePersonRecord(stored.person()));
      const uint32_t index = static_cast<uint32_t>(records_.size());
      IndexedRecord& entry = records_.emplace_back();
      entry.key = std::string(it->key());
      entry.person = std::move(person);
      entry.profile = stored.profile();
      record_index_.emplace(entry.key, index);
      IndexContacts(index, true);
    }
    CLT_RETURN_IF_ERROR(it->status());
  }
  {  // Record -> profile, for records written before StoredRecord held it.
    auto it = store.NewIterator(kRecordProfileCf);
    for (it->Seek(""); it->Valid(); it->Next()) {
      auto found = record_index_.find(std::string(it->key()));
      if (found == record_index_.end() || it->value().size() != 8) {
        return CorruptIdentityStore(
            absl::StrCat("record_profile entry of ", std::string(it->key())));
      }
      uint64_t& profile = records_[found->second].profile;
      if (profile == 0) profile = storage::DecodeUint64(it->value());
    }
    CLT_RETURN_IF_ERROR(it->status());
  }
  {  // Profiles.
    auto it = store.NewIterator(kProfilesCf);
    for (it->Seek(""); it->Valid(); it->Next()) {
      resolution::StoredProfile stored;
      if (it->key().size() != 8 ||
          !stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return CorruptIdentityStore("a profile does not parse");
      }
      const uint64_t number = storage::DecodeUint64(it->key());
      if (number == 0 || number >= Profiles::kMaxId) {
        return CorruptIdentityStore(absl::StrCat("profile number ", number, " out of range"));
      }
      IndexedProfile& p = profiles_[number];
      p.created_at = resolution_internal::TimeOf(stored.created_at());
      p.aliases.assign(stored.aliases().begin(), stored.aliases().end());
    }
    CLT_RETURN_IF_ERROR(it->status());
  }
  for (uint32_t i = 0; i < records_.size(); ++i) {
    auto p = profiles_.find(records_[i].profile);
    if (p == profiles_.end()) {
      return CorruptIdentityStore(absl::StrCat("record ", records_[i].key, " has no profile"));
    }
    p->second.members.push_back(i);
  }
  {  // Aliases.
    auto it = store.NewIterator(kAliasesCf);
    for (it->Seek(""); it->Valid(); it->Next()) {
      if (it->key().size() != 8 || it->value().size() != 8) {
        return CorruptIdentityStore("bad alias");
      }
      aliases_[storage::DecodeUint64(it->key())] = storage::DecodeUint64(it->value());
    }
    CLT_RETURN_IF_ERROR(it->status());
  }
  for (uint32_t i = 0; i < records_.size(); ++i) {
    for (const std::string& key : matcher.BlockingKeys(records_[i].person)) {
      blocks_.Add(key, i);
    }
  }
  return absl::OkStatus();
}

}  // namespace clientele::identity
