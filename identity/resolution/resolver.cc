// Resolver: applying log events (incremental resolution), merges, splits, audit and EM.
#include "identity/resolution/resolver.h"

#include <algorithm>
#include <optional>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/log/partitioning.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/internal/resolver_keys.h"

namespace clientele::identity {
namespace {

using resolution_internal::ModelVersionKey;
using resolution_internal::ProfileKey;
using resolution_internal::SetTimestamp;
using resolution_internal::TimeOf;

using common::v1::CustomerUpsert;

// Lays the fields set in `upsert` (observed at `micros`) over `stored`'s raw record. A field
// keeps its value when it was set by a later event already (out-of-order delivery).
void MergeRaw(const CustomerUpsert& upsert, int64_t micros, resolution::StoredRecord* stored) {
  CustomerUpsert* raw = stored->mutable_raw();
  auto& times = *stored->mutable_field_set_micros();
  auto take = [&](const std::string& name) {
    auto it = times.find(name);
    if (it != times.end() && it->second > micros) return false;
    times[name] = micros;
    return true;
  };
  auto str = [&](const char* name, const std::string& v,
                 void (CustomerUpsert::*set)(const std::string&)) {
    if (!v.empty() && take(name)) (raw->*set)(v);
  };
  str("email", upsert.email(), &CustomerUpsert::set_email);
  str("phone", upsert.phone(), &CustomerUpsert::set_phone);
  str("loyalty_id", upsert.loyalty_id(), &CustomerUpsert::set_loyalty_id);
  str("national_id_hash", upsert.national_id_hash(), &CustomerUpsert::set_national_id_hash);
  str("given_name", upsert.given_name(), &CustomerUpsert::set_given_name);
  str("family_name", upsert.family_name(), &CustomerUpsert::set_family_name);
  str("full_name", upsert.full_name(), &CustomerUpsert::set_full_name);
  if (upsert.has_birth_date() && take("birth_date")) {
    *raw->mutable_birth_date() = upsert.birth_date();
  }
  if (upsert.gender() != common::v1::GENDER_UNSPECIFIED && take("gender")) {
    raw->set_gender(upsert.gender());
  }
  if (upsert.has_address() && take("address")) *raw->mutable_address() = upsert.address();
  for (const auto& [k, v] : upsert.attributes()) {
    if (take(absl::StrCat("attributes.", k))) (*raw->mutable_attributes())[k] = v;
  }
}

std::vector<std::string> SortedUnique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Log application.

constexpr int kModelWriteIntervalBatches = 32;

void Resolver::BeginBatch() { mu_.Lock(); }

void Resolver::CommitBatch() {
  PublishCommitted();
  ClearPending();
  if (model_in_batch_) {
    model_dirty_ = model_estimated_ = model_in_batch_ = false;
    batches_since_model_write_ = 0;
  }
  mu_.Unlock();
}

absl::Status Resolver::AbortBatch() {
  absl::Status s = Load();
  needs_reload_ = !s.ok();
  mu_.Unlock();
  return s;
}

absl::Status Resolver::ApplyEvents(absl::Span<const common::v1::Event* const> events,
                                   storage::WriteBatch& batch) {
  // The PersonRecord of a record that is new and upserted once in this batch depends on its
  // event only: normalize those (ICU, libphonenumber: a third of the work) on two threads.
  std::vector<std::optional<PersonRecord>> normalized(events.size());
  {
    absl::flat_hash_map<std::string, int> seen;
    std::vector<size_t> todo;
    for (size_t i = 0; i < events.size(); ++i) {
      if (!events[i]->has_customer_upsert()) continue;
      std::string key = SourceKeyString(events[i]->source());
      if (++seen[key] == 1 && !record_index_.contains(key)) todo.push_back(i);
    }
    auto work = [&](size_t from, size_t to) {
      for (size_t t = from; t < to; ++t) {
        const size_t i = todo[t];
        if (seen.find(SourceKeyString(events[i]->source()))->second != 1) continue;
        normalized[i] = FromCustomerUpsert(SourceKeyString(events[i]->source()),
                                           events[i]->customer_upsert(), options_.normalization);
      }
    };
    if (todo.size() >= 64) {
      std::thread helper(work, todo.size() / 2, todo.size());
      work(0, todo.size() / 2);
      helper.join();
    } else {
      work(0, todo.size());
    }
  }
  for (size_t i = 0; i < events.size(); ++i) {
    CLT_RETURN_IF_ERROR(
        ApplyEvent(*events[i], batch, normalized[i].has_value() ? &*normalized[i] : nullptr));
  }
  return absl::OkStatus();
}

std::optional<PersonRecord> Resolver::NormalizeUpsert(const common::v1::Event& event) const {
  if (!event.has_customer_upsert() || event.source().system().empty() ||
      event.source().id().empty()) {
    return std::nullopt;
  }
  return FromCustomerUpsert(SourceKeyString(event.source()), event.customer_upsert(),
                            options_.normalization);
}

absl::Status Resolver::ApplyEvents(absl::Span<const common::v1::Event* const> events,
                                   absl::Span<PersonRecord* const> normalized,
                                   storage::WriteBatch& batch) {
  if (normalized.size() != events.size()) {
    return absl::InternalError("ApplyEvents: one normalized record per event expected");
  }
  // As above: a prepared record stands for a record that is new and upserted once here.
  absl::flat_hash_map<std::string, int> seen;
  std::vector<std::string> keys(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    if (!events[i]->has_customer_upsert()) continue;
    keys[i] = SourceKeyString(events[i]->source());
    ++seen[keys[i]];
  }
  for (size_t i = 0; i < events.size(); ++i) {
    // The record index is far larger than the cache: start fetching a later event's slot.
    constexpr size_t kAhead = 2;
    if (i + kAhead < events.size() && !keys[i + kAhead].empty()) {
      record_index_.prefetch(keys[i + kAhead]);
    }
    PersonRecord* person = nullptr;
    if (normalized[i] != nullptr && seen[keys[i]] == 1) person = normalized[i];
    CLT_RETURN_IF_ERROR(ApplyEvent(*events[i], batch, person));
  }
  return absl::OkStatus();
}

absl::Status Resolver::ApplyEvent(const common::v1::Event& event, storage::WriteBatch& batch,
                                  PersonRecord* normalized) {
  if (needs_reload_) {
    CLT_RETURN_IF_ERROR(Load());
    needs_reload_ = false;
  }
  switch (event.payload_case()) {
    case common::v1::Event::kCustomerUpsert:
      CLT_RETURN_IF_ERROR(ApplyUpsert(event, batch, normalized));
      return MaybeReestimate();
    case common::v1::Event::kOrder:
      if (event.order().has_customer() && !event.order().customer().system().empty() &&
          !event.order().customer().id().empty()) {
        EnsureRecord(event.order().customer(), TimeOf(event.occurred_at()), "order", batch);
      }
      return absl::OkStatus();
    case common::v1::Event::kConsentChange:
      return ApplyConsent(event, batch);
    default:
      return absl::OkStatus();
  }
}

void Resolver::FinishBatch(storage::WriteBatch& batch) {
  PutChangedRecords(batch);
  PutCounters(batch);
  // The statistics are written every few batches (a crash loses a few batches' worth of
  // counts, harmless to estimation); a new estimate at once.
  ++batches_since_model_write_;
  if (model_estimated_ ||
      (model_dirty_ && batches_since_model_write_ >= kModelWriteIntervalBatches)) {
    model_in_batch_ = true;
    resolution::StoredModel model;
    model.set_model(matcher_->EncodeModel());
    model.mutable_pattern_counts()->insert(pattern_counts_.begin(), pattern_counts_.end());
    model.mutable_random_counts()->insert(random_counts_.begin(), random_counts_.end());
    model.set_records_at_last_estimate(records_at_last_estimate_);
    model.set_estimates(estimates_);
    batch.Put(kModelCf, "em", model.SerializeAsString());
  }
}

void Resolver::PutCounters(storage::WriteBatch& batch) {
  batch.Put(kMetaCf, "next_profile", storage::EncodeUint64(next_profile_));
  batch.Put(kMetaCf, "next_audit", storage::EncodeUint64(next_audit_));
  batch.Put(kMetaCf, "next_consent", storage::EncodeUint64(next_consent_));
}

uint64_t Resolver::NewProfile(absl::Time at, storage::WriteBatch& batch) {
  const uint64_t n = next_profile_++;
  ProfileEntry& p = profiles_[n];
  p.created_at = at;
  resolution::StoredProfile stored;
  SetTimestamp(at, stored.mutable_created_at());
  batch.Put(kProfilesCf, ProfileKey(n), stored.SerializeAsString());
  return n;
}

uint32_t Resolver::EnsureRecord(const common::v1::SourceKey& key, absl::Time at,
                                const std::string& why, storage::WriteBatch& batch) {
  const std::string skey = SourceKeyString(key);
  auto it = record_index_.find(skey);
  if (it != record_index_.end()) return it->second;
  const uint32_t index = static_cast<uint32_t>(records_.size());
  RecordEntry& entry = records_.emplace_back();
  entry.key = skey;
  entry.person.source_key = skey;
  record_index_.emplace(skey, index);
  const uint64_t profile = NewProfile(at, batch);
  entry.profile = profile;
  profiles_[profile].members.push_back(index);
  auto* stored = google::protobuf::Arena::CreateMessage<resolution::StoredRecord>(&arena_);
  *stored->mutable_source() = key;
  SetTimestamp(at, stored->mutable_first_seen_at());
  stored->set_person(EncodePersonRecord(entry.person));
  stored->set_profile(profile);
  AddPending(index, stored);
  MarkChanged(index);
  v1::AuditEntry& audit = NewAudit();
  SetTimestamp(at, audit.mutable_at());
  audit.set_action(v1::AUDIT_ACTION_CREATE);
  audit.set_actor("resolver");
  audit.set_reason(absl::StrCat("first seen in a ", why, " event"));
  audit.add_profile_ids(ProfileIdString(profile));
  *audit.add_records() = key;
  Audit(std::move(audit), batch);
  return index;
}

absl::Status Resolver::ApplyConsent(const common::v1::Event& event, storage::WriteBatch& batch) {
  if (event.source().system().empty() || event.source().id().empty()) return absl::OkStatus();
  const absl::Time at = TimeOf(event.occurred_at());
  const uint32_t index = EnsureRecord(event.source(), at, "consent", batch);
  const common::v1::ConsentChange& change = event.consent_change();
  v1::ConsentEvent ce;
  ce.set_purpose(change.purpose());
  ce.set_status(change.status());
  *ce.mutable_occurred_at() = event.occurred_at();
  ce.set_channel(change.channel() != common::v1::CHANNEL_UNSPECIFIED ? change.channel()
                                                                     : event.channel());
  ce.set_evidence(change.evidence());
  *ce.mutable_source() = event.source();
  ce.set_event_id(event.event_id());
  ce.set_ledger_id(next_consent_++);
  std::string key = records_[index].key;
  key.push_back('\0');
  storage::AppendUint64(key, ce.ledger_id());
  batch.Put(kConsentsCf, key, ce.SerializeAsString());
  records_[index].consents.push_back(std::move(ce));
  return absl::OkStatus();
}

std::vector<Resolver::ScoredCandidate> Resolver::Candidates(
    const PersonRecord& person, int64_t self, const std::vector<std::string>* keys) const {
  std::vector<std::string> computed;
  if (keys == nullptr) {
    computed = matcher_->BlockingKeys(person);
    keys = &computed;
  }
  CandidateScratch scratch;
  FindCandidates(person, self, *keys, scratch);
  return std::move(scratch.candidates);
}

void Resolver::FindCandidates(const PersonRecord& person, int64_t self,
                              const std::vector<std::string>& keys,
                              CandidateScratch& scratch) const {
  std::vector<const resolution_internal::BlockingIndex::Postings*>& lists = scratch.lists;
  lists.clear();
  for (const std::string& key : keys) blocks_.Prefetch(key);
  for (const std::string& key : keys) {
    const resolution_internal::BlockingIndex::Postings* list = blocks_.Find(key);
    if (list == nullptr || list->size() > matcher_->max_block_size()) continue;
    lists.push_back(list);
  }
  // The most specific keys first, so that the cap keeps the best candidates.
  std::sort(lists.begin(), lists.end(),
            [](const auto* a, const auto* b) { return a->size() < b->size(); });
  std::vector<ScoredCandidate>& out = scratch.candidates;
  out.clear();
  // Every record seen for the first time becomes a candidate, so with a small cap (25 by
  // default) "seen" is a scan of the candidates, which stay in L1; a stamp array indexed by
  // record would miss the cache on every posting at a million records.
  constexpr size_t kMaxScannedCandidates = 64;
  const bool scan = options_.max_candidates <= kMaxScannedCandidates;
  if (scan) {
    // Nothing to reset.
  } else if (scratch.dense) {
    if (scratch.stamps.size() < records_.size()) scratch.stamps.resize(records_.size() + 4096, 0);
    if (++scratch.stamp == 0) {  // Wrapped: forget every old stamp.
      std::fill(scratch.stamps.begin(), scratch.stamps.end(), 0);
      scratch.stamp = 1;
    }
  } else {
    scratch.seen.clear();
  }
  auto first_sight = [&](uint32_t r) {
    if (scan) {
      return std::none_of(out.begin(), out.end(),
                          [r](const ScoredCandidate& c) { return c.record == r; });
    }
    if (!scratch.dense) return scratch.seen.insert(r).second;
    if (scratch.stamps[r] == scratch.stamp) return false;
    scratch.stamps[r] = scratch.stamp;
    return true;
  };
  for (const resolution_internal::BlockingIndex::Postings* list : lists) {
    for (uint32_t r : *list) {
      if (out.size() >= options_.max_candidates) break;
      if (static_cast<int64_t>(r) == self || !first_sight(r)) continue;
      out.push_back({r, PairScore{}});
    }
    if (out.size() >= options_.max_candidates) break;
  }
  ScoreAhead(
      person, out.size(), [&](size_t i) { return out[i].record; },
      [&](size_t i, const PairScore& score) { out[i].score = score; });
}

absl::Status Resolver::ApplyUpsert(const common::v1::Event& event, storage::WriteBatch& batch,
                                   PersonRecord* normalized) {
  if (event.source().system().empty() || event.source().id().empty()) {
    return absl::OkStatus();  // Validation upstream guarantees a source; nothing to key on.
  }
  const std::string key = SourceKeyString(event.source());
  const absl::Time at = TimeOf(event.occurred_at());
  const int64_t micros = absl::ToUnixMicros(at);
  auto found = record_index_.find(key);
  const bool is_new = found == record_index_.end();
  uint32_t index;
  resolution::StoredRecord* stored_ptr;  // On arena_, until the batch commits.
  if (is_new) {
    index = static_cast<uint32_t>(records_.size());
    records_.emplace_back().key = key;
    record_index_.emplace(key, index);
    stored_ptr = google::protobuf::Arena::CreateMessage<resolution::StoredRecord>(&arena_);
    *stored_ptr->mutable_source() = event.source();
    SetTimestamp(at, stored_ptr->mutable_first_seen_at());
    AddPending(index, stored_ptr);
  } else {
    index = found->second;
    CLT_ASSIGN_OR_RETURN(stored_ptr, PendingRecord(index));
  }
  resolution::StoredRecord& stored = *stored_ptr;
  const bool first_details = stored.upserts() == 0;
  MergeRaw(event.customer_upsert(), micros, &stored);
  if (!stored.has_last_upsert_at() ||
      micros >= absl::ToUnixMicros(TimeOf(stored.last_upsert_at()))) {
    SetTimestamp(at, stored.mutable_last_upsert_at());
    stored.set_channel(event.channel());
  }
  stored.set_upserts(stored.upserts() + 1);
  PersonRecord person = is_new && normalized != nullptr
                            ? std::move(*normalized)
                            : FromCustomerUpsert(key, stored.raw(), options_.normalization);
  stored.set_person(EncodePersonRecord(person));

  // Blocking index and contact indexes.
  std::vector<std::string> old_keys;
  if (!is_new) {
    old_keys = SortedUnique(matcher_->BlockingKeys(records_[index].person));
    IndexContacts(index, false);
  }
  std::vector<std::string> new_keys = SortedUnique(matcher_->BlockingKeys(person));
  for (const std::string& k : old_keys) {
    if (std::binary_search(new_keys.begin(), new_keys.end(), k)) continue;
    blocks_.Remove(k, index);
  }
  // Candidates are looked up before this record enters the posting lists.
  scratch_.dense = true;
  FindCandidates(person, index, new_keys, scratch_);
  const std::vector<ScoredCandidate>& candidates = scratch_.candidates;
  for (const std::string& k : new_keys) {
    if (std::binary_search(old_keys.begin(), old_keys.end(), k)) continue;
    blocks_.Add(k, index);
  }
  records_[index].person = std::move(person);
  IndexContacts(index, true);
  MarkChanged(index);  // Written by FinishBatch, with the profile decided below.

  if (first_details) {
    for (const ScoredCandidate& c : candidates) ObservePattern(c.score.pattern);
    // Pseudo-random pairs per new record: nearly always non-matches, for u. Rare agreement
    // levels need many of them, or their u (and so their weight) is estimated far too small.
    if (options_.reestimate && records_.size() > 1) {
      std::vector<uint32_t>& others = scratch_.random_others;
      others.clear();
      uint64_t h = log::StableHash(key);
      for (size_t i = 0; i < options_.random_pairs_per_record; ++i) {
        h = h * 6364136223846793005ULL + 1442695040888963407ULL;
        const uint32_t other = static_cast<uint32_t>((h >> 33) % records_.size());
        if (other != index) others.push_back(other);
      }
      ScoreAhead(
          records_[index].person, others.size(), [&](size_t i) { return others[i]; },
          [&](size_t, const PairScore& score) { ++random_counts_[score.pattern]; });
    }
  }
  // Best candidate per profile (the first of equal weights), then by weight.
  std::vector<std::pair<uint64_t, uint32_t>>& by_profile = scratch_.by_profile;
  by_profile.clear();
  for (uint32_t i = 0; i < candidates.size(); ++i) {
    by_profile.emplace_back(records_[candidates[i].record].profile, i);
  }
  std::sort(by_profile.begin(), by_profile.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    const double wa = candidates[a.second].score.weight, wb = candidates[b.second].score.weight;
    return wa != wb ? wa > wb : a.second < b.second;
  });
  std::vector<std::pair<uint64_t, ScoredCandidate>>& ranked = scratch_.ranked;
  ranked.clear();
  for (size_t i = 0; i < by_profile.size(); ++i) {
    if (i > 0 && by_profile[i].first == by_profile[i - 1].first) continue;
    ranked.emplace_back(by_profile[i].first, candidates[by_profile[i].second]);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (a.second.score.weight != b.second.score.weight) {
      return a.second.score.weight > b.second.score.weight;
    }
    return a.first < b.first;
  });

  const PersonRecord& me = records_[index].person;
  // The pair's records and score; the caller stores its explanation as the pattern.
  auto explained = [&](v1::AuditEntry& audit, const ScoredCandidate& c) {
    audit.set_score(c.score.weight);
    *audit.add_records() = event.source();
    common::v1::SourceKey* sk = audit.add_records();
    const std::string& ok = records_[c.record].key;
    const size_t slash = ok.find('/');
    sk->set_system(ok.substr(0, slash));
    sk->set_id(ok.substr(slash + 1));
  };

  uint64_t own = is_new ? 0 : records_[index].profile;
  if (own == 0) {
    for (const auto& [p, c] : ranked) {
      if (c.score.decision != v1::MATCH_DECISION_LINK || !RecordMayJoin(index, p) ||
          profiles_[p].members.size() >= options_.max_auto_profile_size || !Compatible({&me}, p)) {
        continue;
      }
      own = p;
      v1::AuditEntry& audit = NewAudit();
      SetTimestamp(at, audit.mutable_at());
      audit.set_action(v1::AUDIT_ACTION_LINK);
      audit.set_actor("resolver");
      audit.set_reason("best linking candidate");
      audit.add_profile_ids(ProfileIdString(p));
      audit.set_score(c.score.weight);
      *audit.add_records() = event.source();
      Audit(std::move(audit), batch);
      break;
    }
    if (own == 0) {
      own = NewProfile(at, batch);
      v1::AuditEntry& audit = NewAudit();
      SetTimestamp(at, audit.mutable_at());
      audit.set_action(v1::AUDIT_ACTION_CREATE);
      audit.set_actor("resolver");
      audit.set_reason("no linking candidate");
      audit.add_profile_ids(ProfileIdString(own));
      *audit.add_records() = event.source();
      Audit(std::move(audit), batch);
    }
    records_[index].profile = own;
    profiles_[own].members.push_back(index);
  }
  // Every other profile this record links to merges with its own, unless forbidden.
  int reviews = 0;
  for (const auto& [p, c] : ranked) {
    const uint64_t other = Canonical(p);
    if (other == own) continue;
    if (c.score.decision == v1::MATCH_DECISION_REVIEW) {
      if (++reviews > 1) continue;  // The best review candidate only.
      v1::AuditEntry& audit = NewAudit();
      SetTimestamp(at, audit.mutable_at());
      audit.set_action(v1::AUDIT_ACTION_REVIEW);
      audit.set_actor("resolver");
      audit.set_reason("score between the review and link thresholds");
      audit.add_profile_ids(ProfileIdString(own));
      audit.add_profile_ids(ProfileIdString(other));
      explained(audit, c);
      Audit(audit, batch, c.score.pattern);
      continue;
    }
    if (c.score.decision != v1::MATCH_DECISION_LINK) continue;
    v1::AuditEntry& audit = NewAudit();
    SetTimestamp(at, audit.mutable_at());
    audit.set_actor("resolver");
    const bool allowed = ProfilesMayMerge(own, other) &&
                         profiles_[own].members.size() + profiles_[other].members.size() <=
                             options_.max_auto_profile_size;
    if (allowed && Compatible(MemberPersons(own, options_.conflict_sample), other)) {
      const uint64_t younger = std::max(own, other);
      CLT_ASSIGN_OR_RETURN(own, MergeInto(own, other, batch));
      audit.set_action(v1::AUDIT_ACTION_AUTO_MERGE);
      audit.set_reason("record links strongly to both profiles");
      audit.add_profile_ids(ProfileIdString(own));
      audit.add_profile_ids(ProfileIdString(younger));
    } else {
      audit.set_action(v1::AUDIT_ACTION_MERGE_BLOCKED);
      audit.set_reason(allowed ? "members of the two profiles clearly disagree"
                               : "a do-not-link constraint or the size cap forbids the merge");
      audit.add_profile_ids(ProfileIdString(own));
      audit.add_profile_ids(ProfileIdString(other));
    }
    explained(audit, c);
    Audit(audit, batch, c.score.pattern);
  }
  stored.set_profile(records_[index].profile);
  return absl::OkStatus();
}

bool Resolver::RecordMayJoin(uint32_t index, uint64_t profile) const {
  for (uint32_t d : records_[index].do_not_link) {
    if (records_[d].profile == profile) return false;
  }
  return true;
}

bool Resolver::ProfilesMayMerge(uint64_t a, uint64_t b) const {
  auto it = profiles_.find(a);
  if (it == profiles_.end()) return false;
  for (uint32_t m : it->second.members) {
    if (!RecordMayJoin(m, b)) return false;
  }
  return true;
}

bool Resolver::Compatible(const std::vector<const PersonRecord*>& persons, uint64_t profile) const {
  for (const PersonRecord* member : MemberPersons(profile, options_.conflict_sample)) {
    for (const PersonRecord* p : persons) {
      const PairScore score = matcher_->Score(*p, *member);
      if (score.weight < options_.conflict_weight || score.conflict) return false;
    }
  }
  return true;
}

absl::Status Resolver::MoveRecord(uint32_t index, uint64_t to) {
  const uint64_t from = records_[index].profile;
  CLT_RETURN_IF_ERROR(SetRecordProfile(index, to));
  std::vector<uint32_t>& members = profiles_[from].members;
  members.erase(std::remove(members.begin(), members.end(), index), members.end());
  profiles_[to].members.push_back(index);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Resolver::MergeInto(uint64_t a, uint64_t b, storage::WriteBatch& batch) {
  const uint64_t survivor = std::min(a, b), gone = std::max(a, b);
  // Read the moving records first: a failure leaves memory as it was.
  for (uint32_t m : profiles_[gone].members) CLT_RETURN_IF_ERROR(PendingRecord(m).status());
  ProfileEntry merged = std::move(profiles_[gone]);
  profiles_.erase(gone);
  batch.Delete(kProfilesCf, ProfileKey(gone));
  ProfileEntry& s = profiles_[survivor];
  for (uint32_t m : merged.members) {
    CLT_RETURN_IF_ERROR(SetRecordProfile(m, survivor));  // Pending already: cannot fail.
    s.members.push_back(m);
  }
  s.aliases.push_back(gone);
  s.aliases.insert(s.aliases.end(), merged.aliases.begin(), merged.aliases.end());
  std::sort(s.aliases.begin(), s.aliases.end());
  for (uint64_t alias : s.aliases) {
    aliases_[alias] = survivor;
    batch.Put(kAliasesCf, ProfileKey(alias), storage::EncodeUint64(survivor));
  }
  resolution::StoredProfile stored;
  SetTimestamp(s.created_at, stored.mutable_created_at());
  stored.mutable_aliases()->Add(s.aliases.begin(), s.aliases.end());
  batch.Put(kProfilesCf, ProfileKey(survivor), stored.SerializeAsString());
  return survivor;
}

v1::AuditEntry& Resolver::NewAudit() {
  return *google::protobuf::Arena::CreateMessage<v1::AuditEntry>(&arena_);
}

void Resolver::Audit(v1::AuditEntry& entry, storage::WriteBatch& batch,
                     std::optional<uint64_t> pattern) {
  const uint64_t id = next_audit_++;
  entry.set_id(id);
  if (entry.action() >= 0 && entry.action() < v1::AuditAction_ARRAYSIZE) {
    ++pending_decisions_[entry.action()];
  }
  entry.SerializeToString(&serialized_);
  if (pattern.has_value()) {
    resolution::StoredAuditExplanation compact;
    compact.set_pattern(*pattern);
    compact.set_model_version(ModelVersion(batch));
    compact.AppendToString(&serialized_);
  }
  batch.Put(kAuditCf, storage::EncodeUint64(id), serialized_);
  for (const std::string& p : entry.profile_ids()) {
    absl::StatusOr<uint64_t> n = ParseProfileId(p, "profile");
    if (!n.ok()) continue;
    std::string key = storage::EncodeUint64(*n);
    storage::AppendUint64(key, id);
    batch.Put(kAuditByProfileCf, key, "");
  }
}

uint32_t Resolver::ModelVersion(storage::WriteBatch& batch) {
  if (model_version_ == 0) {
    model_version_ = ++last_model_version_;
    batch.Put(kModelCf, ModelVersionKey(model_version_), matcher_->EncodeModel());
  }
  return model_version_;
}

void Resolver::ObservePattern(uint64_t pattern) {
  ++pattern_counts_[pattern];
  model_dirty_ = true;
}

absl::Status Resolver::MaybeReestimate() {
  const uint64_t n = records_.size();
  if (!options_.reestimate || n < options_.first_estimate_records ||
      n < 2 * records_at_last_estimate_) {
    return absl::OkStatus();
  }
  records_at_last_estimate_ = n;
  model_dirty_ = model_estimated_ = true;
  // A failed estimate keeps the previous parameters; it is retried at the next doubling.
  if (matcher_->Estimate(pattern_counts_, random_counts_).ok()) {
    ++estimates_;
    model_version_ = 0;  // Snapshotted when an audit entry first needs it.
  }
  return absl::OkStatus();
}

}  // namespace clientele::identity
