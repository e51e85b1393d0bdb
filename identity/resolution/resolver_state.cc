// Resolver: loading the in-memory indexes from the store, and small bookkeeping helpers.
#include <algorithm>
#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "common/time/proto_time.h"
#include "identity/normalize/email.h"
#include "identity/normalize/phone.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/internal/resolver_keys.h"
#include "identity/resolution/resolver.h"

namespace clientele::identity {

std::string ProfileIdString(uint64_t number) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "P%010llu", static_cast<unsigned long long>(number));
  return buf;
}

absl::StatusOr<uint64_t> ParseProfileId(const std::string& id, const std::string& field) {
  uint64_t n = 0;
  if (id.size() < 2 || id[0] != 'P' || !absl::SimpleAtoi(id.substr(1), &n) || n == 0 ||
      id.find_first_not_of("0123456789", 1) != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": '", id, "' is not a profile id (P followed by digits)"));
  }
  return n;
}

std::string SourceKeyString(const common::v1::SourceKey& key) {
  return absl::StrCat(key.system(), "/", key.id());
}

namespace {

google::protobuf::ArenaOptions BatchArenaOptions() {
  google::protobuf::ArenaOptions o;
  o.start_block_size = 64 << 10;  // A batch of records takes megabytes: few, larger blocks.
  o.max_block_size = 64 << 10;
  return o;
}

}  // namespace

Resolver::Resolver(storage::KvStore* store, std::unique_ptr<RecordMatcher> matcher,
                   ResolverOptions options)
    : store_(store),
      options_(std::move(options)),
      matcher_(std::move(matcher)),
      arena_(BatchArenaOptions()) {}

Resolver::~Resolver() = default;

absl::StatusOr<std::unique_ptr<Resolver>> Resolver::Open(storage::KvStore* store,
                                                         std::unique_ptr<RecordMatcher> matcher,
                                                         ResolverOptions options) {
  if (matcher == nullptr) return absl::InvalidArgumentError("matcher is required");
  std::unique_ptr<Resolver> resolver(new Resolver(store, std::move(matcher), std::move(options)));
  absl::MutexLock l(&resolver->mu_);
  CLT_RETURN_IF_ERROR(resolver->Load());
  resolver->PublishCommitted();
  return resolver;
}

void Resolver::Clear() {
  records_.clear();
  record_index_.clear();
  blocks_.Clear();
  by_email_.clear();
  by_phone_.clear();
  profiles_.clear();
  aliases_.clear();
  pending_decisions_.fill(0);
  ClearPending();
  pattern_counts_.clear();
  random_counts_.clear();
  records_at_last_estimate_ = 0;
  estimates_ = 0;
  model_dirty_ = model_estimated_ = model_in_batch_ = false;
  batches_since_model_write_ = 0;
  next_profile_ = next_audit_ = next_consent_ = 1;
  model_version_ = last_model_version_ = 0;
}

namespace {

absl::Status Corrupt(const std::string& what) {
  return absl::DataLossError(absl::StrCat("identity store: ", what));
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) { return FromProtoTimestamp(t); }

}  // namespace

absl::Status Resolver::Load() {
  Clear();
  {  // Records.
    auto it = store_->NewIterator(kRecordsCf);
    for (it->Seek(""); it->Valid(); it->Next()) {
      resolution::StoredRecord stored;
      if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return Corrupt(absl::StrCat("record ", std::string(it->key()), " does not parse"));
      }
      CLT_ASSIGN_OR_RETURN(PersonRecord person, DecodePersonRecord(stored.person()));
      const uint32_t index = static_cast<uint32_t>(records_.size());
      RecordEntry& entry = records_.emplace_back();
      entry.key = std::string(it->key());
      entry.person = std::move(person);
      entry.profile = stored.profile();
      record_index_.emplace(entry.key, index);
      IndexContacts(index, true);
    }
    CLT_RETURN_IF_ERROR(it->status());
  }
  {  // Record -> profile, for records written before StoredRecord held it.
    auto it = store_->NewIterator(kRecordProfileCf);
    for (it->Seek(""); it->Valid(); it->Next()) {
      auto found = record_index_.find(std::string(it->key()));
      if (found == record_index_.end() || it->value().size() != 8) {
        return Corrupt(absl::StrCat("record_profile entry of ", std::string(it->key())));
      }
      uint64_t& profile = records_[found->second].profile;
      if (profile == 0) profile = storage::DecodeUint64(it->value());
    }
    CLT_RETURN_IF_ERROR(it->status());
  }
  {  // Profiles.
    auto it = store_->NewIterator(kProfilesCf);
    for (it->Seek(""); it->Valid(); it->Next()) {
      resolution::StoredProfile stored;
      if (it->key().size() != 8 ||
          !stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return Corrupt("a profile does not parse");
      }
      const uint64_t number = storage::DecodeUint64(it->key());
      if (number == 0 || number >= decltype(profiles_)::kMaxId) {
        return Corrupt(absl::StrCat("profile number ", number, " out of range"));
      }
      ProfileEntry& p = profiles_[number];
      p.created_at = TimeOf(stored.created_at());
      p.aliases.assign(stored.aliases().begin(), stored.aliases().end());
    }
    CLT_RETURN_IF_ERROR(it->status());
  }
  for (uint32_t i = 0; i < records_.size(); ++i) {
    auto p = profiles_.find(records_[i].profile);
    if (p == profiles_.end())
      return Corrupt(absl::StrCat("record ", records_[i].key, " has no profile"));
    p->second.members.push_back(i);
  }
  {  // Aliases.
    auto it = store_->NewIterator(kAliasesCf);
    for (it->Seek(""); it->Valid(); it->Next()) {
      if (it->key().size() != 8 || it->value().size() != 8) return Corrupt("bad alias");
      aliases_[storage::DecodeUint64(it->key())] = storage::DecodeUint64(it->value());
    }
    CLT_RETURN_IF_ERROR(it->status());
  }
  // The blocking index derives from the records (BlockingKeys is a pure function of the
  // PersonRecord), so a new version of the key function needs no migration.
  for (uint32_t i = 0; i < records_.size(); ++i) {
    for (const std::string& key : matcher_->BlockingKeys(records_[i].person)) {
      blocks_.Add(key, i);
    }
  }
  {  // Do-not-link pairs.
    auto it = store_->NewIterator(kDoNotLinkCf);
    for (it->Seek(""); it->Valid(); it->Next()) {
      const std::string_view key = it->key();
      const size_t sep = key.find('\0');
      if (sep == std::string_view::npos) return Corrupt("bad do-not-link key");
      auto a = record_index_.find(std::string(key.substr(0, sep)));
      auto b = record_index_.find(std::string(key.substr(sep + 1)));
      if (a == record_index_.end() || b == record_index_.end()) {
        return Corrupt("do-not-link pair of an unknown record");
      }
      records_[a->second].do_not_link.push_back(b->second);
      records_[b->second].do_not_link.push_back(a->second);
    }
    CLT_RETURN_IF_ERROR(it->status());
  }
  {  // Consent ledger (keys sort by record, then ledger id: ledger order per record).
    auto it = store_->NewIterator(kConsentsCf);
    for (it->Seek(""); it->Valid(); it->Next()) {
      v1::ConsentEvent event;
      if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return Corrupt("a consent event does not parse");
      }
      auto found = record_index_.find(SourceKeyString(event.source()));
      if (found == record_index_.end()) return Corrupt("consent event of an unknown record");
      records_[found->second].consents.push_back(std::move(event));
    }
    CLT_RETURN_IF_ERROR(it->status());
  }
  {  // Counters.
    for (auto [name, target] : {std::pair<const char*, uint64_t*>{"next_profile", &next_profile_},
                                {"next_audit", &next_audit_},
                                {"next_consent", &next_consent_}}) {
      CLT_ASSIGN_OR_RETURN(std::optional<std::string> v, store_->Get(kMetaCf, name));
      if (v.has_value()) {
        if (v->size() != 8) return Corrupt(absl::StrCat("bad counter ", name));
        *target = storage::DecodeUint64(*v);
      }
    }
  }
  {  // Model.
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> v, store_->Get(kModelCf, "em"));
    if (v.has_value()) {
      resolution::StoredModel model;
      if (!model.ParseFromString(*v)) return Corrupt("the model does not parse");
      pattern_counts_.insert(model.pattern_counts().begin(), model.pattern_counts().end());
      random_counts_.insert(model.random_counts().begin(), model.random_counts().end());
      records_at_last_estimate_ = model.records_at_last_estimate();
      estimates_ = model.estimates();
      CLT_RETURN_IF_ERROR(matcher_->DecodeModel(model.model()));
    }
  }
  return LoadModelVersions();
}

absl::Status Resolver::LoadModelVersions() {
  const std::string prefix(resolution_internal::kModelVersionPrefix);
  auto it = store_->NewIterator(kModelCf, {prefix, storage::PrefixSuccessor(prefix)});
  it->SeekToLast();
  CLT_RETURN_IF_ERROR(it->status());
  if (!it->Valid()) return absl::OkStatus();
  if (it->key().size() != prefix.size() + 4) return Corrupt("bad model snapshot key");
  last_model_version_ = storage::DecodeUint32(it->key().substr(prefix.size()));
  // The loaded model keeps the last snapshot's version if it is that model.
  if (it->value() == matcher_->EncodeModel()) model_version_ = last_model_version_;
  return absl::OkStatus();
}

absl::StatusOr<resolution::StoredRecord> Resolver::LoadStoredRecord(uint32_t index) const {
  auto p = pending_.find(index);
  if (p != pending_.end()) return *p->second.stored;
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> v, store_->Get(kRecordsCf, records_[index].key));
  resolution::StoredRecord stored;
  if (!v.has_value() || !stored.ParseFromString(*v)) {
    return Corrupt(absl::StrCat("record ", records_[index].key, " is missing or corrupt"));
  }
  return stored;
}

absl::StatusOr<resolution::StoredRecord*> Resolver::PendingRecord(uint32_t index) {
  auto p = pending_.find(index);
  if (p != pending_.end()) return p->second.stored;
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> v, store_->Get(kRecordsCf, records_[index].key));
  auto* stored = google::protobuf::Arena::CreateMessage<resolution::StoredRecord>(&arena_);
  if (!v.has_value() || !stored->ParseFromString(*v)) {
    return Corrupt(absl::StrCat("record ", records_[index].key, " is missing or corrupt"));
  }
  AddPending(index, stored);
  return stored;
}

void Resolver::AddPending(uint32_t index, resolution::StoredRecord* stored) {
  pending_[index].stored = stored;
}

void Resolver::MarkChanged(uint32_t index) {
  PendingRecordEntry& entry = pending_.at(index);
  if (entry.changed) return;
  entry.changed = true;
  changed_records_.push_back(index);
}

void Resolver::PutChangedRecords(storage::WriteBatch& batch) {
  for (uint32_t index : changed_records_) {
    PendingRecordEntry& entry = pending_.at(index);
    entry.changed = false;
    entry.stored->SerializeToString(&serialized_);
    batch.Put(kRecordsCf, records_[index].key, serialized_);
  }
  changed_records_.clear();
}

void Resolver::PublishCommitted() {
  for (size_t i = 0; i < pending_decisions_.size(); ++i) {
    if (pending_decisions_[i] != 0) {
      committed_decisions_[i].fetch_add(pending_decisions_[i], std::memory_order_relaxed);
    }
  }
  pending_decisions_.fill(0);
  committed_records_.store(records_.size(), std::memory_order_relaxed);
  committed_profiles_.store(profiles_.size(), std::memory_order_relaxed);
}

void Resolver::ClearPending() {
  pending_.clear();
  changed_records_.clear();
  arena_.Reset();
}

absl::Status Resolver::SetRecordProfile(uint32_t index, uint64_t profile) {
  CLT_ASSIGN_OR_RETURN(resolution::StoredRecord * stored, PendingRecord(index));
  stored->set_profile(profile);
  MarkChanged(index);
  records_[index].profile = profile;
  return absl::OkStatus();
}

uint64_t Resolver::Canonical(uint64_t number) const {
  if (profiles_.count(number)) return number;
  auto it = aliases_.find(number);
  return it == aliases_.end() ? 0 : it->second;
}

void Resolver::IndexContacts(uint32_t index, bool add) {
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

absl::StatusOr<uint64_t> Resolver::Lookup(const v1::ProfileLookup& lookup,
                                          std::vector<uint64_t>* others) const {
  switch (lookup.key_case()) {
    case v1::ProfileLookup::kProfileId: {
      CLT_ASSIGN_OR_RETURN(uint64_t n, ParseProfileId(lookup.profile_id(), "lookup.profile_id"));
      const uint64_t c = Canonical(n);
      if (c == 0)
        return absl::NotFoundError(absl::StrCat("profile ", lookup.profile_id(), " not found"));
      return c;
    }
    case v1::ProfileLookup::kSource: {
      if (lookup.source().system().empty() || lookup.source().id().empty()) {
        return absl::InvalidArgumentError("lookup.source: system and id are required");
      }
      auto it = record_index_.find(SourceKeyString(lookup.source()));
      if (it == record_index_.end()) {
        return absl::NotFoundError(
            absl::StrCat("source record ", SourceKeyString(lookup.source()), " not found"));
      }
      return records_[it->second].profile;
    }
    case v1::ProfileLookup::kEmail:
    case v1::ProfileLookup::kPhone: {
      const bool email = lookup.key_case() == v1::ProfileLookup::kEmail;
      std::optional<std::string> normalized =
          email ? NormalizeEmail(lookup.email(), options_.normalization.email_rules)
                : NormalizePhoneE164(lookup.phone(), options_.normalization.default_phone_region);
      if (!normalized.has_value()) {
        return absl::InvalidArgumentError(email ? "lookup.email: not an e-mail address"
                                                : "lookup.phone: not a valid phone number");
      }
      const auto& map = email ? by_email_ : by_phone_;
      auto it = map.find(*normalized);
      if (it == map.end()) {
        return absl::NotFoundError(email ? "no profile with this e-mail"
                                         : "no profile with this phone");
      }
      std::vector<uint64_t> found;
      for (uint32_t r : it->second) found.push_back(records_[r].profile);
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

size_t Resolver::record_count() const {
  absl::ReaderMutexLock l(&mu_);
  return records_.size();
}

size_t Resolver::profile_count() const {
  absl::ReaderMutexLock l(&mu_);
  return profiles_.size();
}

uint64_t Resolver::model_estimates() const {
  absl::ReaderMutexLock l(&mu_);
  return estimates_;
}

}  // namespace clientele::identity
