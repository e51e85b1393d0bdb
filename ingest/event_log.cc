#include "ingest/event_log.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/log/partitioning.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "common/time/proto_time.h"
#include "ingest/ingest_schema.h"
#include "ingest/log_entry_codec.h"
#include "ingest/retention/log_retention_mark.h"
#include "ingest/sealed_log_entry.h"

namespace clientele::ingest {
namespace {

std::string PartitionPrefix(uint32_t partition) {
  std::string key;
  storage::AppendUint32(key, partition);
  return key;
}

std::string LogKey(uint32_t partition, uint64_t sequence) {
  std::string key;
  key.reserve(12);
  storage::AppendUint32(key, partition);
  storage::AppendUint64(key, sequence);
  return key;
}

std::string EventIdKey(uint32_t partition, std::string_view event_id) {
  std::string key;
  key.reserve(4 + event_id.size());
  storage::AppendUint32(key, partition);
  key.append(event_id);
  return key;
}

// First and last sequence stored for `partition` (0, 0 when empty).
absl::StatusOr<std::pair<uint64_t, uint64_t>> ScanBounds(const storage::KvStore& store,
                                                         uint32_t partition) {
  storage::IteratorBounds bounds{PartitionPrefix(partition), PartitionPrefix(partition + 1)};
  if (partition == UINT32_MAX) bounds.upper_bound.clear();
  auto it = store.NewIterator(kLogCf, bounds);
  it->Seek(bounds.lower_bound);
  CLT_RETURN_IF_ERROR(it->status());
  if (!it->Valid()) return std::make_pair(uint64_t{0}, uint64_t{0});
  if (it->key().size() != 12) return absl::DataLossError("log: malformed key");
  const uint64_t first = storage::DecodeUint64(it->key().substr(4));
  it->SeekToLast();
  CLT_RETURN_IF_ERROR(it->status());
  if (!it->Valid() || it->key().size() != 12) return absl::DataLossError("log: malformed key");
  return std::make_pair(first, storage::DecodeUint64(it->key().substr(4)));
}

v1::DeadLetter MakeDeadLetter(const common::v1::Event& event, const Rejection& rejection,
                              absl::Time now) {
  v1::DeadLetter letter;
  ToProtoTimestamp(now, letter.mutable_rejected_at());
  letter.set_event_id(event.event_id());
  if (rejection.code == kErasedSubjectCode) {
    // The subject was erased: keep nothing of what it sent.
    letter.set_field(rejection.field);
    letter.set_code(rejection.code);
    return letter;
  }
  letter.set_source_name(event.origin().source_name());
  letter.set_row(event.origin().row());
  // A rejection inside an order line names that line's own file row.
  constexpr std::string_view kLinePrefix = "order.lines[";
  if (event.has_order() && rejection.field.rfind(kLinePrefix, 0) == 0) {
    size_t end = rejection.field.find(']');
    int index = 0;
    if (end != std::string::npos &&
        absl::SimpleAtoi(rejection.field.substr(kLinePrefix.size(), end - kLinePrefix.size()),
                         &index) &&
        index >= 0 && index < event.order().lines_size() &&
        event.order().lines(index).source_row() > 0) {
      letter.set_row(event.order().lines(index).source_row());
    }
  }
  letter.set_field(rejection.field);
  letter.set_code(rejection.code);
  letter.set_reason(rejection.reason);
  *letter.mutable_event() = event;
  return letter;
}

// The identity of an event's content, to tell a retry (same payload) from a conflicting
// reuse of its event_id: FNV-1a of its deterministic encoding (map entries in key order).
uint64_t PayloadFingerprint(const common::v1::Event& event) {
  return log::StableHash(DeterministicBytes(event));
}

// The rejection of an event whose subject is suppressed; quotes no value.
Rejection ErasedSubjectRejection(const common::v1::Event& event) {
  return {event.has_order() ? "order.customer" : "source", kErasedSubjectCode,
          "the event's subject was erased and is suppressed; its events are not accepted "
          "(docs/privacy.md)"};
}

std::string SubjectName(const common::v1::SourceKey& key) {
  return absl::StrCat(key.system(), "\x1f", key.id());
}

// Whether `raw` (a client's unparsable row, or the JSON excerpt of a large event) holds `id`
// as a whole delimited field (',', ';' or tab, quotes allowed) or as a quoted string.
bool RawHoldsId(std::string_view raw, std::string_view id) {
  if (id.empty() || raw.find(id) == std::string_view::npos) return false;
  std::string quoted = "\"";
  quoted.append(id);
  quoted.push_back('"');
  if (raw.find(quoted) != std::string_view::npos) return true;
  size_t start = 0;
  while (start <= raw.size()) {
    size_t end = raw.find_first_of(",;\t\r\n", start);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view field = raw.substr(start, end - start);
    while (!field.empty() && field.front() == ' ') field.remove_prefix(1);
    while (!field.empty() && field.back() == ' ') field.remove_suffix(1);
    if (field == id) return true;
    start = end + 1;
  }
  return false;
}

// Rows are all-or-nothing: a valid event (provisionally kAccepted) that carries the same
// file row as a rejected one is rejected too.
void RejectRowsOfRejectedEvents(absl::Span<const common::v1::Event* const> events,
                                std::vector<AppendResult>& results) {
  using RowKey = std::pair<std::string_view, int64_t>;
  absl::flat_hash_map<RowKey, size_t> rejected_rows;  // Row -> its first rejected event.
  for (size_t i = 0; i < events.size(); ++i) {
    const common::v1::Origin& origin = events[i]->origin();
    if (results[i].outcome != AppendResult::Outcome::kAccepted && origin.row() > 0 &&
        !origin.source_name().empty()) {
      rejected_rows.emplace(RowKey(origin.source_name(), origin.row()), i);
    }
  }
  if (rejected_rows.empty()) return;
  for (size_t i = 0; i < events.size(); ++i) {
    const common::v1::Origin& origin = events[i]->origin();
    if (results[i].outcome != AppendResult::Outcome::kAccepted || origin.row() <= 0) continue;
    auto it = rejected_rows.find(RowKey(origin.source_name(), origin.row()));
    if (it == rejected_rows.end()) continue;
    const size_t culprit = it->second;
    results[i].outcome = AppendResult::Outcome::kRejected;
    results[i].rejection = {
        "origin.row", "row_rejected",
        absl::StrCat("event ", events[culprit]->event_id(), " of the same row ", origin.row(),
                     " was rejected (", results[culprit].rejection.field, ": ",
                     results[culprit].rejection.reason,
                     "); a row is accepted whole or not at all")};
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(storage::KvStore* store,
                                                         EventLogOptions options) {
  if (options.partition_count == 0) {
    return absl::InvalidArgumentError("partition_count must be at least 1");
  }
  std::vector<uint32_t> owned = options.owned_partitions;
  if (owned.empty()) {
    for (uint32_t p = 0; p < options.partition_count; ++p) owned.push_back(p);
  }
  std::sort(owned.begin(), owned.end());
  owned.erase(std::unique(owned.begin(), owned.end()), owned.end());
  for (uint32_t p : owned) {
    if (p >= options.partition_count) {
      return absl::InvalidArgumentError(absl::StrCat("owned partition ", p, " is not below ",
                                                     "partition_count ", options.partition_count));
    }
  }
  std::vector<uint64_t> first(options.partition_count, 0), last(options.partition_count, 0);
  std::vector<uint64_t> first_retained(options.partition_count, 1);
  for (uint32_t p : owned) {
    if (options.external != nullptr) {
      // The external log holds the entries: its ends are the log's.
      absl::StatusOr<uint64_t> end = options.external->EndOfLog(p);
      absl::StatusOr<uint64_t> begin = options.external->FirstSequence(p);
      if (!end.ok() || !begin.ok()) {
        const absl::Status& s = end.ok() ? begin.status() : end.status();
        return absl::UnavailableError(
            absl::StrCat("the external log's partition ", p, " could not be read: ", s.message()));
      }
      first[p] = *begin;
      last[p] = *end;
      continue;
    }
    CLT_ASSIGN_OR_RETURN(auto bounds, ScanBounds(*store, p));
    first[p] = bounds.first;
    last[p] = bounds.second;
    // Entries below the retention mark were removed on purpose: the log starts at the mark
    // (a stored entry after it is missing damage, which Read reports) and ends no earlier
    // than just before it, so consumers that applied the removed entries are not ahead.
    CLT_ASSIGN_OR_RETURN(const uint64_t mark, LoadFirstRetained(*store, p));
    if (mark > 1) {
      first_retained[p] = mark;
      first[p] = mark;
      last[p] = std::max(last[p], mark - 1);
    }
  }
  CLT_ASSIGN_OR_RETURN(DeadLetterStore dead_letters, DeadLetterStore::Open(store));
  return std::unique_ptr<EventLog>(
      new EventLog(store, std::move(options), std::move(owned), std::move(first), std::move(last),
                   std::move(first_retained), std::move(dead_letters)));
}

EventLog::EventLog(storage::KvStore* store, EventLogOptions options, std::vector<uint32_t> owned,
                   std::vector<uint64_t> first, std::vector<uint64_t> last,
                   std::vector<uint64_t> first_retained, DeadLetterStore dead_letters)
    : store_(store),
      options_(std::move(options)),
      owned_(std::move(owned)),
      owns_(options_.partition_count, 0),
      dead_letters_(std::move(dead_letters)),
      first_(std::move(first)),
      last_(std::move(last)),
      fences_(options_.partition_count),
      first_retained_(std::move(first_retained)) {
  for (uint32_t p : owned_) owns_[p] = 1;
}

bool EventLog::Owns(uint32_t partition) const {
  return partition < owns_.size() && owns_[partition];
}

absl::Status EventLog::Append(
    absl::Span<const common::v1::Event* const> events,
    const google::protobuf::RepeatedPtrField<v1::ClientRejection>& client_rejections,
    absl::Time now, std::vector<AppendResult>* results) {
  using Outcome = AppendResult::Outcome;
  results->assign(events.size(), AppendResult());

  // Validation and routing need no lock.
  for (size_t i = 0; i < events.size(); ++i) {
    AppendResult& r = (*results)[i];
    if (std::optional<Rejection> rejection = ValidateEvent(*events[i], now, options_.limits)) {
      r.rejection = std::move(*rejection);
      continue;
    }
    r.partition = log::PartitionOf(*events[i], options_.partition_count);
    if (!Owns(r.partition)) {
      r.rejection = {"event_id", "wrong_partition",
                     absl::StrCat("the event routes to partition ", r.partition, " of ",
                                  options_.partition_count, ", which this node does not own")};
      continue;
    }
    r.outcome = Outcome::kAccepted;  // Provisionally: valid.
  }
  // The subjects' references (hashing needs no lock).
  privacy::SubjectKeyStore* const keys = options_.keys;
  std::vector<int> subject_of(events.size(), -1);  // Index into `subject_refs`.
  std::vector<std::string> subject_refs;
  if (keys != nullptr) {
    absl::flat_hash_map<std::string, int> seen;
    for (size_t i = 0; i < events.size(); ++i) {
      const common::v1::SourceKey* subject = log::CustomerKeyOf(*events[i]);
      if (subject == nullptr || subject->id().empty()) continue;
      auto [it, inserted] =
          seen.emplace(keys->Reference(*subject), static_cast<int>(subject_refs.size()));
      if (inserted) subject_refs.push_back(it->first);
      subject_of[i] = it->second;
    }
  }

  absl::MutexLock append_lock(&append_mu_);
  std::vector<privacy::SubjectKeyStore::Lookup> subjects;
  if (!subject_refs.empty()) {
    if (absl::Status s = keys->LookupForAppend(subject_refs, &subjects); !s.ok()) {
      return absl::UnavailableError(absl::StrCat("the key store could not be read: ", s.message()));
    }
    // A suppressed subject's event is rejected whatever else is wrong with it, so that its
    // dead letter keeps nothing of it.
    for (size_t i = 0; i < events.size(); ++i) {
      if (subject_of[i] < 0 || !subjects[subject_of[i]].suppressed) continue;
      (*results)[i].outcome = Outcome::kRejected;
      (*results)[i].rejection = ErasedSubjectRejection(*events[i]);
    }
  }
  RejectRowsOfRejectedEvents(events, *results);
  std::vector<size_t> valid;
  valid.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    if ((*results)[i].outcome == Outcome::kAccepted) {
      (*results)[i].outcome = Outcome::kRejected;
      valid.push_back(i);
    }
  }

  std::vector<std::string> id_keys;
  std::vector<uint64_t> fingerprints;
  id_keys.reserve(valid.size());
  fingerprints.reserve(valid.size());
  for (size_t i : valid) {
    id_keys.push_back(EventIdKey((*results)[i].partition, events[i]->event_id()));
    fingerprints.push_back(PayloadFingerprint(*events[i]));
  }

  {
    absl::MutexLock l(&state_mu_);
    for (size_t i : valid) {
      const absl::Status& fence = fences_[(*results)[i].partition];
      if (!fence.ok()) return fence;
    }
  }
  std::vector<absl::StatusOr<std::optional<std::string>>> stored =
      store_->MultiGet(kEventIdsCf, id_keys);

  std::vector<uint64_t> next;
  {
    absl::MutexLock l(&state_mu_);
    next = last_;
  }
  const std::vector<uint64_t> last_before = next;
  const uint64_t dead_letter_id_before = dead_letters_.last_id();

  std::unique_ptr<storage::WriteBatch> batch = store_->NewWriteBatch();
  absl::flat_hash_map<std::string_view, size_t> in_batch;  // id key -> index into `valid`.
  in_batch.reserve(valid.size());
  std::vector<std::pair<std::string_view, std::string>> new_ids;  // id key -> value.
  new_ids.reserve(valid.size());
  std::string value;
  // Nonces for every event that may be sealed, drawn at once.
  std::string nonces;
  size_t nonce_at = 0;
  if (!subject_refs.empty()) {
    if (absl::Status s = privacy::RandomBytes(valid.size() * privacy::kNonceBytes, &nonces);
        !s.ok()) {
      return s;
    }
  }
  std::vector<std::pair<std::string, privacy::DataKey>> new_keys;
  // With an external log: the records to append, the index into `valid` of each, and the
  // retries within this call (index into `valid`, index of the original).
  log::LogWriter* const external = options_.external;
  std::vector<log::LogRecord> records;
  std::vector<size_t> record_of;
  std::vector<std::pair<size_t, size_t>> retries_in_call;
  for (size_t k = 0; k < valid.size(); ++k) {
    const size_t i = valid[k];
    AppendResult& r = (*results)[i];
    if (!stored[k].ok()) return stored[k].status();
    if (stored[k]->has_value()) {
      const std::string& id_value = **stored[k];
      if (id_value.size() != 8 && id_value.size() != 16) {
        return absl::DataLossError(
            absl::StrCat("store ingest, event_ids: malformed value of event ", r.partition, "/",
                         events[i]->event_id()));
      }
      r.sequence = storage::DecodeUint64(id_value);
      // Values written before payload fingerprints existed have none: a duplicate.
      const bool same =
          id_value.size() == 8 ||
          storage::DecodeUint64(std::string_view(id_value).substr(8)) == fingerprints[k];
      MarkRetry(same, r);
      continue;
    }
    auto [it, inserted] = in_batch.emplace(id_keys[k], k);
    if (!inserted) {
      r.sequence = (*results)[valid[it->second]].sequence;
      MarkRetry(fingerprints[it->second] == fingerprints[k], r);
      if (external != nullptr) retries_in_call.emplace_back(k, it->second);
      continue;
    }
    r.outcome = Outcome::kAccepted;
    // An external log assigns the position when it takes the entry.
    r.sequence = external != nullptr ? 0 : ++next[r.partition];
    if (subject_of[i] < 0) {
      EncodeStoredLogEntry(r.partition, r.sequence, now, *events[i], &value);
    } else {
      privacy::SubjectKeyStore::Lookup& subject = subjects[subject_of[i]];
      if (!subject.key.has_value()) {
        // The subject's first event: its key is written (synced) before the log batch.
        subject.key.emplace();
        if (absl::Status s = privacy::NewDataKey(&*subject.key); !s.ok()) return s;
        new_keys.emplace_back(subject_refs[subject_of[i]], *subject.key);
      }
      const std::string_view nonce =
          std::string_view(nonces).substr(nonce_at, privacy::kNonceBytes);
      nonce_at += privacy::kNonceBytes;
      if (absl::Status s =
              EncodeSealedLogEntry(r.partition, r.sequence, now, *events[i],
                                   subject_refs[subject_of[i]], *subject.key, nonce, &value);
          !s.ok()) {
        return s;
      }
    }
    if (external != nullptr) {
      log::LogRecord& record = records.emplace_back();
      record.partition = r.partition;
      // The record key routes nothing (the partition is explicit) and must reveal nobody: the
      // subject's salted reference, else the event's routing hash.
      record.key = subject_of[i] >= 0
                       ? subject_refs[subject_of[i]]
                       : storage::EncodeUint64(log::StableHash(events[i]->event_id()));
      record.value = std::move(value);
      value.clear();
      record_of.push_back(k);
      continue;
    }
    batch->Put(kLogCf, LogKey(r.partition, r.sequence), value);
    std::string id_value = storage::EncodeUint64(r.sequence);
    id_value += storage::EncodeUint64(fingerprints[k]);
    new_ids.emplace_back(id_keys[k], std::move(id_value));
  }
  if (external != nullptr && !records.empty()) {
    // The subjects' new keys are durable before any entry sealed with them is in the log.
    if (!new_keys.empty()) {
      if (absl::Status s = keys->CreateKeys(new_keys); !s.ok()) {
        return absl::UnavailableError(
            absl::StrCat("the key store could not be written: ", s.message()));
      }
      new_keys.clear();
    }
    std::vector<log::LogAppendOutcome> outcomes;
    external->Append(records, &outcomes);
    for (size_t j = 0; j < records.size(); ++j) {
      const size_t k = record_of[j];
      AppendResult& r = (*results)[valid[k]];
      if (j >= outcomes.size() || !outcomes[j].status.ok()) {
        r.outcome = Outcome::kUnavailable;
        r.rejection = {
            "", "unavailable",
            absl::StrCat("the log did not take the event: ",
                         j < outcomes.size() ? outcomes[j].status.message() : "no outcome",
                         "; resend it")};
        continue;
      }
      r.sequence = outcomes[j].sequence;
      next[r.partition] = std::max(next[r.partition], r.sequence);
      std::string id_value = storage::EncodeUint64(r.sequence);
      id_value += storage::EncodeUint64(fingerprints[k]);
      new_ids.emplace_back(id_keys[k], std::move(id_value));
    }
    // A retry within the call shares its original's fate.
    for (const auto& [k, original] : retries_in_call) {
      AppendResult& r = (*results)[valid[k]];
      const AppendResult& o = (*results)[valid[original]];
      if (o.outcome == Outcome::kUnavailable) {
        r = o;
      } else {
        r.sequence = o.sequence;
        if (r.outcome == Outcome::kConflict) MarkRetry(false, r);  // Names the sequence.
      }
    }
  }
  // In key order: event ids are random, and sorted memtable inserts cost half as much.
  std::sort(new_ids.begin(), new_ids.end());
  for (const auto& [key, id_value] : new_ids) batch->Put(kEventIdsCf, key, id_value);
  absl::Status letters = AddDeadLetters(events, *results, client_rejections, now, *batch);
  if (letters.ok() && !new_keys.empty()) {
    letters = keys->CreateKeys(new_keys);
    if (!letters.ok()) {
      letters = absl::UnavailableError(
          absl::StrCat("the key store could not be written: ", letters.message()));
    }
  }
  if (letters.ok() && batch->Count() > 0) letters = store_->Write(*batch);
  if (!letters.ok()) {
    dead_letters_.Rollback(dead_letter_id_before);
    return absl::IsDataLoss(letters) ? letters
                                     : absl::UnavailableError(absl::StrCat(
                                           "the log could not be written: ", letters.message()));
  }
  dead_letters_.Commit();
  absl::MutexLock l(&state_mu_);
  for (uint32_t p : owned_) {
    if (next[p] != last_before[p] && first_[p] == 0) first_[p] = last_before[p] + 1;
    last_[p] = next[p];
  }
  return absl::OkStatus();
}

void EventLog::MarkRetry(bool same_payload, AppendResult& r) {
  if (same_payload) {
    r.outcome = AppendResult::Outcome::kDuplicate;
    return;
  }
  r.outcome = AppendResult::Outcome::kConflict;
  r.rejection = {"event_id", "conflict",
                 absl::StrCat("event_id was accepted before with a different payload (partition ",
                              r.partition, ", sequence ", r.sequence,
                              "); a retry must resend the same event, a new event needs a new "
                              "event_id")};
}

absl::Status EventLog::AddDeadLetters(
    absl::Span<const common::v1::Event* const> events, const std::vector<AppendResult>& results,
    const google::protobuf::RepeatedPtrField<v1::ClientRejection>& client_rejections,
    absl::Time now, storage::WriteBatch& batch) {
  for (size_t i = 0; i < events.size(); ++i) {
    const AppendResult& r = results[i];
    if (r.outcome == AppendResult::Outcome::kRejected ||
        r.outcome == AppendResult::Outcome::kConflict) {
      CLT_RETURN_IF_ERROR(dead_letters_.Add(MakeDeadLetter(*events[i], r.rejection, now), batch));
    }
  }
  for (const v1::ClientRejection& c : client_rejections) {
    v1::DeadLetter letter;
    ToProtoTimestamp(now, letter.mutable_rejected_at());
    letter.set_source_name(c.source_name());
    letter.set_row(c.row());
    letter.set_field(c.field());
    letter.set_code("client_parse_error");
    letter.set_reason(c.reason());
    letter.set_raw(c.raw().substr(0, kMaxDeadLetterEventBytes));
    CLT_RETURN_IF_ERROR(dead_letters_.Add(std::move(letter), batch));
  }
  return absl::OkStatus();
}

absl::StatusOr<ReadResult> EventLog::Read(
    uint32_t partition, uint64_t from_sequence, int max_entries,
    absl::Span<const common::v1::PayloadType> types,
    const std::function<bool(uint64_t sequence, std::string_view entry)>& sink) const {
  if (!Owns(partition)) {
    return absl::InvalidArgumentError(absl::StrCat("partition: ", partition,
                                                   " is not served here (partition_count ",
                                                   options_.partition_count, ")"));
  }
  if (options_.external != nullptr) {
    return absl::FailedPreconditionError(
        "the log is external (--log=kafka): consumers read it there, not from ingest");
  }
  CLT_RETURN_IF_ERROR(DataLossFence(partition));
  if (from_sequence == 0) from_sequence = 1;
  ReadResult result;
  result.through_sequence = from_sequence - 1;
  // Bounded scan even when the filter drops everything, so callers see progress.
  const int max_scanned = std::max(max_entries, 1) * 16;
  storage::IteratorBounds bounds{LogKey(partition, from_sequence), PartitionPrefix(partition + 1)};
  auto it = store_->NewIterator(kLogCf, bounds);
  // Checked after the iterator's snapshot is taken: RemoveThrough raises the mark before it
  // deletes, so a Read that passes this check sees the entries it asks for.
  if (const uint64_t first_retained = FirstRetained(partition); from_sequence < first_retained) {
    return BehindRetentionError(partition, from_sequence, first_retained);
  }
  int scanned = 0;
  std::string opened;  // A sealed entry's LogEntry bytes.
  for (it->Seek(bounds.lower_bound);
       it->Valid() && result.entries < max_entries && scanned < max_scanned;
       it->Next(), ++scanned) {
    const std::string_view stored = it->value();
    const uint64_t sequence =
        it->key().size() == 12 ? storage::DecodeUint64(it->key().substr(4)) : 0;
    const common::v1::PayloadType type = StoredPayloadType(stored);
    const bool wanted = types.empty() || std::find(types.begin(), types.end(), type) != types.end();
    bool readable = true;
    std::string_view entry = StoredLogEntryBytes(stored);
    if (wanted && IsSealedStoredEntry(stored)) {
      CLT_ASSIGN_OR_RETURN(readable, OpenSealed(stored, partition, sequence, &opened));
      entry = opened;
    }
    // Sequences have no gaps: a missing one is damage as much as a garbled one.
    if (sequence != result.through_sequence + 1 || !common::v1::PayloadType_IsValid(type) ||
        type == common::v1::PAYLOAD_TYPE_UNSPECIFIED || !readable ||
        (wanted && !sink(sequence, entry))) {
      // What came before the damaged entry is delivered; the next Read starts at it.
      if (result.through_sequence >= from_sequence) break;
      absl::Status damage = absl::DataLossError(absl::StrCat(
          "store ingest, log of partition ", partition, ": the entry at sequence ",
          result.through_sequence + 1,
          sequence == result.through_sequence + 1
              ? " is damaged (it does not parse as the log entry of that position)"
              : " is missing",
          "; consumers stop here, nothing is skipped (docs/reliability.md, \"Data loss\")"));
      store_->ReportCorruption(damage);
      return damage;
    }
    if (wanted) ++result.entries;
    result.through_sequence = sequence;
  }
  CLT_RETURN_IF_ERROR(it->status());
  return result;
}

absl::StatusOr<bool> EventLog::OpenSealed(std::string_view stored, uint32_t partition,
                                          uint64_t sequence, std::string* out) const {
  if (options_.keys == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("store ingest, log of partition ", partition, ": the entry at sequence ",
                     sequence, " is sealed, and the log was opened without its key store"));
  }
  std::optional<SealedLogEntry> sealed = ParseSealedLogEntry(stored);
  if (!sealed.has_value()) return false;
  absl::StatusOr<std::optional<privacy::DataKey>> key = options_.keys->Find(sealed->ref);
  if (!key.ok()) {
    return absl::UnavailableError(
        absl::StrCat("the key store could not be read: ", key.status().message()));
  }
  absl::Status status = OpenSealedLogEntry(*sealed, partition, sequence, *key, out);
  if (absl::IsDataLoss(status)) return false;
  CLT_RETURN_IF_ERROR(status);
  return true;
}

absl::StatusOr<EraseResult> EventLog::EraseSubjects(
    absl::Span<const common::v1::SourceKey> subjects, const std::string& request_id,
    absl::Time now) {
  privacy::SubjectKeyStore* const keys = options_.keys;
  if (keys == nullptr) {
    return absl::FailedPreconditionError("the log was opened without a key store");
  }
  std::vector<std::pair<std::string, uint32_t>> owned;
  absl::flat_hash_set<std::string> names;  // "system" 0x1f "id" of the owned subjects.
  std::vector<std::string_view> ids;
  for (const common::v1::SourceKey& subject : subjects) {
    if (subject.id().empty()) continue;
    const uint32_t partition = log::PartitionOf(subject, options_.partition_count);
    if (!Owns(partition)) continue;
    if (!names.insert(SubjectName(subject)).second) continue;
    owned.emplace_back(keys->Reference(subject), partition);
    ids.push_back(subject.id());
  }
  EraseResult result;
  {
    absl::MutexLock append_lock(&append_mu_);
    if (!owned.empty()) {
      CLT_ASSIGN_OR_RETURN(result.keys_deleted, keys->Shred(owned, request_id, now));
      std::unique_ptr<storage::WriteBatch> batch = store_->NewWriteBatch();
      CLT_ASSIGN_OR_RETURN(int64_t letters, dead_letters_.DeleteIf(
                                                [&](const v1::DeadLetter& letter) {
                                                  if (letter.has_event()) {
                                                    const common::v1::SourceKey* subject =
                                                        log::CustomerKeyOf(letter.event());
                                                    return subject != nullptr &&
                                                           names.contains(SubjectName(*subject));
                                                  }
                                                  if (letter.raw().empty()) return false;
                                                  for (std::string_view id : ids) {
                                                    if (RawHoldsId(letter.raw(), id)) return true;
                                                  }
                                                  return false;
                                                },
                                                *batch));
      if (batch->Count() > 0) CLT_RETURN_IF_ERROR(store_->Write(*batch));
      result.keys_deleted += letters;
    }
    absl::MutexLock l(&state_mu_);
    for (uint32_t p : owned_) result.last_sequences[p] = last_[p];
  }
  // Even when nothing was deleted now: an earlier attempt may have failed before its purge.
  CLT_RETURN_IF_ERROR(keys->PurgeDeleted());
  CLT_RETURN_IF_ERROR(store_->PurgeDeleted({kDeadLettersCf, kDeadLetterKeysCf}));
  return result;
}

absl::StatusOr<bool> EventLog::LiftSuppression(const common::v1::SourceKey& subject) {
  if (options_.keys == nullptr) {
    return absl::FailedPreconditionError("the log was opened without a key store");
  }
  absl::MutexLock append_lock(&append_mu_);
  return options_.keys->Lift(options_.keys->Reference(subject));
}

void EventLog::FenceDataLoss(uint32_t partition, absl::Status status) {
  absl::MutexLock l(&state_mu_);
  if (partition < fences_.size() && fences_[partition].ok()) fences_[partition] = std::move(status);
}

void EventLog::ClearDataLossFence(uint32_t partition) {
  absl::MutexLock l(&state_mu_);
  if (partition < fences_.size()) fences_[partition] = absl::OkStatus();
}

absl::Status EventLog::DataLossFence(uint32_t partition) const {
  absl::MutexLock l(&state_mu_);
  return partition < fences_.size() ? fences_[partition] : absl::OkStatus();
}

absl::Status EventLog::Health() const {
  CLT_RETURN_IF_ERROR(store_->Health());
  absl::MutexLock l(&state_mu_);
  for (uint32_t p : owned_) {
    if (!fences_[p].ok()) return fences_[p];
  }
  return absl::OkStatus();
}

uint64_t EventLog::WaitForSequence(uint32_t partition, uint64_t sequence,
                                   absl::Time deadline) const {
  absl::MutexLock l(&state_mu_);
  if (partition >= last_.size()) return 0;
  auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_mu_) {
    return closed_ || last_[partition] >= sequence;
  };
  state_mu_.AwaitWithDeadline(absl::Condition(&ready), deadline);
  return last_[partition];
}

void EventLog::Close() {
  absl::MutexLock l(&state_mu_);
  closed_ = true;
}

bool EventLog::closed() const {
  absl::MutexLock l(&state_mu_);
  return closed_;
}

uint64_t EventLog::FirstSequence(uint32_t partition) const {
  absl::MutexLock l(&state_mu_);
  return partition < first_.size() ? first_[partition] : 0;
}

uint64_t EventLog::LastSequence(uint32_t partition) const {
  absl::MutexLock l(&state_mu_);
  return partition < last_.size() ? last_[partition] : 0;
}

uint64_t EventLog::FirstRetained(uint32_t partition) const {
  absl::MutexLock l(&state_mu_);
  return partition < first_retained_.size() ? first_retained_[partition] : 1;
}

absl::Status EventLog::RemoveThrough(uint32_t partition, uint64_t through_sequence) {
  if (!Owns(partition)) {
    return absl::InvalidArgumentError(
        absl::StrCat("partition: ", partition, " is not served here"));
  }
  uint64_t before;
  {
    absl::MutexLock l(&state_mu_);
    if (through_sequence > last_[partition]) {
      return absl::InvalidArgumentError(absl::StrCat("through_sequence: ", through_sequence,
                                                     " is beyond the end of partition ", partition,
                                                     " (last sequence ", last_[partition], ")"));
    }
    before = first_retained_[partition];
    if (through_sequence < before) return absl::OkStatus();
    // Raised before the entries go, so that no Read finds them missing (see Read).
    first_retained_[partition] = through_sequence + 1;
  }
  std::unique_ptr<storage::WriteBatch> batch = store_->NewWriteBatch();
  absl::Status status =
      batch->DeleteRange(kLogCf, LogKey(partition, 0), LogKey(partition, through_sequence + 1));
  if (status.ok()) {
    PutFirstRetained(partition, through_sequence + 1, *batch);
    status = store_->Write(*batch);
  }
  absl::MutexLock l(&state_mu_);
  if (!status.ok()) {
    first_retained_[partition] = before;
    return status;
  }
  first_[partition] = through_sequence + 1;
  return absl::OkStatus();
}

absl::Status EventLog::PurgeRemoved(uint32_t partition) {
  const uint64_t first_retained = FirstRetained(partition);
  if (first_retained <= 1) return absl::OkStatus();
  return store_->PurgeDeletedRange(kLogCf, LogKey(partition, 0), LogKey(partition, first_retained));
}

}  // namespace clientele::ingest
