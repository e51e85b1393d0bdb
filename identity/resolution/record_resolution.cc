#include "identity/resolution/record_resolution.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clientele/identity/resolution/identity_state.pb.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/internal/resolver_keys.h"
#include "identity/resolution/profile_id.h"

namespace clientele::identity {
namespace {

using common::v1::CustomerUpsert;
using resolution_internal::SetTimestamp;
using resolution_internal::TimeOf;

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

absl::Status RecordResolution::Apply(const common::v1::Event& event, storage::WriteBatch& batch,
                                     PersonRecord* normalized) {
  switch (event.payload_case()) {
    case common::v1::Event::kCustomerUpsert:
      CLT_RETURN_IF_ERROR(ApplyUpsert(event, batch, normalized));
      return parts_.statistics->MaybeReestimate(parts_.index->record_count());
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

uint32_t RecordResolution::EnsureRecord(const common::v1::SourceKey& key, absl::Time at,
                                        const std::string& why, storage::WriteBatch& batch) {
  RecordIndex& index = *parts_.index;
  const std::string skey = SourceKeyString(key);
  if (const uint32_t* found = index.FindRecord(skey)) return *found;
  const uint32_t r = index.AddRecord(skey);
  IndexedRecord& entry = index.record(r);
  entry.person.source_key = skey;
  const uint64_t profile = parts_.writer->NewProfile(at, batch);
  parts_.writer->Join(r, profile);
  resolution::StoredRecord* stored = parts_.pending->New();
  *stored->mutable_source() = key;
  SetTimestamp(at, stored->mutable_first_seen_at());
  stored->set_person(EncodePersonRecord(entry.person));
  stored->set_profile(profile);
  parts_.pending->Add(r, stored);
  parts_.pending->MarkChanged(r);
  v1::AuditEntry& audit = parts_.audit->NewEntry();
  SetTimestamp(at, audit.mutable_at());
  audit.set_action(v1::AUDIT_ACTION_CREATE);
  audit.set_actor("resolver");
  audit.set_reason(absl::StrCat("first seen in a ", why, " event"));
  audit.add_profile_ids(ProfileIdString(profile));
  *audit.add_records() = key;
  parts_.audit->Append(audit, batch);
  return r;
}

absl::Status RecordResolution::ApplyConsent(const common::v1::Event& event,
                                            storage::WriteBatch& batch) {
  if (event.source().system().empty() || event.source().id().empty()) return absl::OkStatus();
  const absl::Time at = TimeOf(event.occurred_at());
  const uint32_t r = EnsureRecord(event.source(), at, "consent", batch);
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
  IndexedRecord& record = parts_.index->record(r);
  std::string key = record.key;
  key.push_back('\0');
  storage::AppendUint64(key, ce.ledger_id());
  batch.Put(kConsentsCf, key, ce.SerializeAsString());
  record.consents.push_back(std::move(ce));
  return absl::OkStatus();
}

absl::Status RecordResolution::LoadConsents(storage::KvStore& store) {
  // Keys sort by record, then ledger id: ledger order per record.
  auto it = store.NewIterator(kConsentsCf);
  for (it->Seek(""); it->Valid(); it->Next()) {
    v1::ConsentEvent event;
    if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return CorruptIdentityStore("a consent event does not parse");
    }
    const uint32_t* found = parts_.index->FindRecord(SourceKeyString(event.source()));
    if (found == nullptr) return CorruptIdentityStore("consent event of an unknown record");
    parts_.index->record(*found).consents.push_back(std::move(event));
  }
  return it->status();
}

absl::Status RecordResolution::ApplyUpsert(const common::v1::Event& event,
                                           storage::WriteBatch& batch, PersonRecord* normalized) {
  if (event.source().system().empty() || event.source().id().empty()) {
    return absl::OkStatus();  // Validation upstream guarantees a source; nothing to key on.
  }
  RecordIndex& index = *parts_.index;
  PendingRecords& pending = *parts_.pending;
  AuditLog& audit_log = *parts_.audit;
  const RecordMatcher& matcher = *parts_.matcher;
  const std::string key = SourceKeyString(event.source());
  const absl::Time at = TimeOf(event.occurred_at());
  const int64_t micros = absl::ToUnixMicros(at);
  const uint32_t* found = index.FindRecord(key);
  const bool is_new = found == nullptr;
  uint32_t r;
  resolution::StoredRecord* stored_ptr;  // On the batch arena, until the batch commits.
  if (is_new) {
    r = index.AddRecord(key);
    stored_ptr = pending.New();
    *stored_ptr->mutable_source() = event.source();
    SetTimestamp(at, stored_ptr->mutable_first_seen_at());
    pending.Add(r, stored_ptr);
  } else {
    r = *found;
    CLT_ASSIGN_OR_RETURN(stored_ptr, pending.ForChange(r));
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
                            : FromCustomerUpsert(key, stored.raw(), normalization_);
  stored.set_person(EncodePersonRecord(person));

  // Blocking index and contact indexes.
  resolution_internal::BlockingIndex& blocks = index.blocking();
  std::vector<std::string> old_keys;
  if (!is_new) {
    old_keys = SortedUnique(matcher.BlockingKeys(index.record(r).person));
    index.IndexContacts(r, false);
  }
  std::vector<std::string> new_keys = SortedUnique(matcher.BlockingKeys(person));
  for (const std::string& k : old_keys) {
    if (std::binary_search(new_keys.begin(), new_keys.end(), k)) continue;
    blocks.Remove(k, r);
  }
  // Candidates are looked up before this record enters the posting lists.
  scratch_.dense = true;
  parts_.search->Find(person, r, new_keys, scratch_);
  const std::vector<ScoredCandidate>& candidates = scratch_.candidates;
  for (const std::string& k : new_keys) {
    if (std::binary_search(old_keys.begin(), old_keys.end(), k)) continue;
    blocks.Add(k, r);
  }
  index.record(r).person = std::move(person);
  index.IndexContacts(r, true);
  pending.MarkChanged(r);  // Written by FinishBatch, with the profile decided below.

  MatchStatistics& statistics = *parts_.statistics;
  if (first_details) {
    for (const ScoredCandidate& c : candidates) statistics.ObserveCandidate(c.score.pattern);
    // Pseudo-random pairs per new record: nearly always non-matches, for u. Rare agreement
    // levels need many of them, or their u (and so their weight) is estimated far too small.
    if (statistics.samples_random_pairs() && index.record_count() > 1) {
      statistics.RandomPartners(key, r, index.record_count(), random_others_);
      parts_.search->ScoreAhead(
          index.record(r).person, random_others_.size(),
          [&](size_t i) { return random_others_[i]; },
          [&](size_t, const PairScore& score) { statistics.ObserveRandom(score.pattern); });
    }
  }
  // Best candidate per profile (the first of equal weights), then by weight.
  parts_.search->RankByProfile(scratch_);
  const std::vector<std::pair<uint64_t, ScoredCandidate>>& ranked = scratch_.ranked;

  // The pair's records and score; the caller stores its explanation as the pattern.
  auto explained = [&](v1::AuditEntry& audit, const ScoredCandidate& c) {
    audit.set_score(c.score.weight);
    *audit.add_records() = event.source();
    *audit.add_records() = SourceKeyOf(index.record(c.record).key);
  };

  const LinkPolicy& policy = *parts_.policy;
  uint64_t own = is_new ? 0 : index.record(r).profile;
  if (own == 0) {
    for (const auto& [p, c] : ranked) {
      if (c.score.decision != v1::MATCH_DECISION_LINK ||
          policy.JoinVeto(r, p) != LinkPolicy::Veto::kNone) {
        continue;
      }
      own = p;
      v1::AuditEntry& audit = audit_log.NewEntry();
      SetTimestamp(at, audit.mutable_at());
      audit.set_action(v1::AUDIT_ACTION_LINK);
      audit.set_actor("resolver");
      audit.set_reason("best linking candidate");
      audit.add_profile_ids(ProfileIdString(p));
      audit.set_score(c.score.weight);
      *audit.add_records() = event.source();
      audit_log.Append(audit, batch);
      break;
    }
    if (own == 0) {
      own = parts_.writer->NewProfile(at, batch);
      v1::AuditEntry& audit = audit_log.NewEntry();
      SetTimestamp(at, audit.mutable_at());
      audit.set_action(v1::AUDIT_ACTION_CREATE);
      audit.set_actor("resolver");
      audit.set_reason("no linking candidate");
      audit.add_profile_ids(ProfileIdString(own));
      *audit.add_records() = event.source();
      audit_log.Append(audit, batch);
    }
    parts_.writer->Join(r, own);
  }
  // Every other profile this record links to merges with its own, unless forbidden.
  int reviews = 0;
  for (const auto& [p, c] : ranked) {
    const uint64_t other = index.Canonical(p);
    if (other == own) continue;
    if (c.score.decision == v1::MATCH_DECISION_REVIEW) {
      if (++reviews > 1) continue;  // The best review candidate only.
      v1::AuditEntry& audit = audit_log.NewEntry();
      SetTimestamp(at, audit.mutable_at());
      audit.set_action(v1::AUDIT_ACTION_REVIEW);
      audit.set_actor("resolver");
      audit.set_reason("score between the review and link thresholds");
      audit.add_profile_ids(ProfileIdString(own));
      audit.add_profile_ids(ProfileIdString(other));
      explained(audit, c);
      audit_log.AppendExplained(audit, c.score.pattern, statistics.ModelVersion(batch), batch);
      continue;
    }
    if (c.score.decision != v1::MATCH_DECISION_LINK) continue;
    v1::AuditEntry& audit = audit_log.NewEntry();
    SetTimestamp(at, audit.mutable_at());
    audit.set_actor("resolver");
    const LinkPolicy::Veto veto = policy.MergeVeto(own, other);
    if (veto == LinkPolicy::Veto::kNone) {
      const uint64_t younger = std::max(own, other);
      CLT_ASSIGN_OR_RETURN(own, parts_.writer->Merge(own, other, batch));
      audit.set_action(v1::AUDIT_ACTION_AUTO_MERGE);
      audit.set_reason("record links strongly to both profiles");
      audit.add_profile_ids(ProfileIdString(own));
      audit.add_profile_ids(ProfileIdString(younger));
    } else {
      audit.set_action(v1::AUDIT_ACTION_MERGE_BLOCKED);
      audit.set_reason(veto == LinkPolicy::Veto::kDisagree
                           ? "members of the two profiles clearly disagree"
                           : "a do-not-link constraint or the size cap forbids the merge");
      audit.add_profile_ids(ProfileIdString(own));
      audit.add_profile_ids(ProfileIdString(other));
    }
    explained(audit, c);
    audit_log.AppendExplained(audit, c.score.pattern, statistics.ModelVersion(batch), batch);
  }
  stored.set_profile(index.record(r).profile);
  return absl::OkStatus();
}

}  // namespace clientele::identity
