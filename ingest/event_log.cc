#include "ingest/event_log.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/log/partitioning.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "ingest/ingest_schema.h"
#include "ingest/log_entry_codec.h"

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
  const int64_t nanos = absl::ToUnixNanos(now);
  letter.mutable_rejected_at()->set_seconds(nanos / 1000000000);
  letter.mutable_rejected_at()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
  letter.set_event_id(event.event_id());
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
  for (uint32_t p : owned) {
    CLT_ASSIGN_OR_RETURN(auto bounds, ScanBounds(*store, p));
    first[p] = bounds.first;
    last[p] = bounds.second;
  }
  CLT_ASSIGN_OR_RETURN(DeadLetterStore dead_letters, DeadLetterStore::Open(store));
  return std::unique_ptr<EventLog>(new EventLog(store, std::move(options), std::move(owned),
                                                std::move(first), std::move(last),
                                                std::move(dead_letters)));
}

EventLog::EventLog(storage::KvStore* store, EventLogOptions options, std::vector<uint32_t> owned,
                   std::vector<uint64_t> first, std::vector<uint64_t> last,
                   DeadLetterStore dead_letters)
    : store_(store),
      options_(std::move(options)),
      owned_(std::move(owned)),
      owns_(options_.partition_count, 0),
      dead_letters_(std::move(dead_letters)),
      first_(std::move(first)),
      last_(std::move(last)) {
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
  std::vector<size_t> valid;
  valid.reserve(events.size());
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
    valid.push_back(i);
  }

  std::vector<std::string> id_keys;
  id_keys.reserve(valid.size());
  for (size_t i : valid) {
    id_keys.push_back(EventIdKey((*results)[i].partition, events[i]->event_id()));
  }

  absl::MutexLock append_lock(&append_mu_);
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
  std::vector<std::pair<std::string_view, uint64_t>> new_ids;  // id key -> sequence.
  new_ids.reserve(valid.size());
  std::string value;
  for (size_t k = 0; k < valid.size(); ++k) {
    const size_t i = valid[k];
    AppendResult& r = (*results)[i];
    if (!stored[k].ok()) return stored[k].status();
    if (stored[k]->has_value()) {
      const std::string& seq = **stored[k];
      if (seq.size() != 8) return absl::DataLossError("event_ids: malformed value");
      r.outcome = Outcome::kDuplicate;
      r.sequence = storage::DecodeUint64(seq);
      continue;
    }
    auto [it, inserted] = in_batch.emplace(id_keys[k], k);
    if (!inserted) {
      r.outcome = Outcome::kDuplicate;
      r.sequence = (*results)[valid[it->second]].sequence;
      continue;
    }
    r.outcome = Outcome::kAccepted;
    r.sequence = ++next[r.partition];
    EncodeStoredLogEntry(r.partition, r.sequence, now, *events[i], &value);
    batch->Put(kLogCf, LogKey(r.partition, r.sequence), value);
    new_ids.emplace_back(id_keys[k], r.sequence);
  }
  // In key order: event ids are random, and sorted memtable inserts cost half as much.
  std::sort(new_ids.begin(), new_ids.end());
  for (const auto& [key, sequence] : new_ids) {
    batch->Put(kEventIdsCf, key, storage::EncodeUint64(sequence));
  }
  for (size_t i = 0; i < events.size(); ++i) {
    const AppendResult& r = (*results)[i];
    if (r.outcome == Outcome::kRejected) {
      dead_letters_.Add(MakeDeadLetter(*events[i], r.rejection, now), *batch);
    }
  }
  for (const v1::ClientRejection& c : client_rejections) {
    v1::DeadLetter letter;
    const int64_t nanos = absl::ToUnixNanos(now);
    letter.mutable_rejected_at()->set_seconds(nanos / 1000000000);
    letter.mutable_rejected_at()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
    letter.set_source_name(c.source_name());
    letter.set_row(c.row());
    letter.set_field(c.field());
    letter.set_code("client_parse_error");
    letter.set_reason(c.reason());
    letter.set_raw(c.raw().substr(0, 4096));
    dead_letters_.Add(std::move(letter), *batch);
  }
  if (batch->Count() == 0) return absl::OkStatus();
  if (absl::Status s = store_->Write(*batch); !s.ok()) {
    dead_letters_.Rollback(dead_letter_id_before);
    return absl::UnavailableError(absl::StrCat("the log could not be written: ", s.message()));
  }
  absl::MutexLock l(&state_mu_);
  for (uint32_t p : owned_) {
    if (next[p] != last_before[p] && first_[p] == 0) first_[p] = last_before[p] + 1;
    last_[p] = next[p];
  }
  return absl::OkStatus();
}

absl::StatusOr<ReadResult> EventLog::Read(uint32_t partition, uint64_t from_sequence,
                                          int max_entries,
                                          absl::Span<const common::v1::PayloadType> types,
                                          const std::function<void(std::string_view)>& sink) const {
  if (!Owns(partition)) {
    return absl::InvalidArgumentError(absl::StrCat("partition: ", partition,
                                                   " is not served here (partition_count ",
                                                   options_.partition_count, ")"));
  }
  if (from_sequence == 0) from_sequence = 1;
  ReadResult result;
  result.through_sequence = from_sequence - 1;
  // Bounded scan even when the filter drops everything, so callers see progress.
  const int max_scanned = std::max(max_entries, 1) * 16;
  storage::IteratorBounds bounds{LogKey(partition, from_sequence), PartitionPrefix(partition + 1)};
  auto it = store_->NewIterator(kLogCf, bounds);
  int scanned = 0;
  for (it->Seek(bounds.lower_bound);
       it->Valid() && result.entries < max_entries && scanned < max_scanned;
       it->Next(), ++scanned) {
    const std::string_view stored = it->value();
    const common::v1::PayloadType type = StoredPayloadType(stored);
    if (types.empty() || std::find(types.begin(), types.end(), type) != types.end()) {
      sink(StoredLogEntryBytes(stored));
      ++result.entries;
    }
    result.through_sequence = storage::DecodeUint64(it->key().substr(4));
  }
  CLT_RETURN_IF_ERROR(it->status());
  return result;
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

}  // namespace clientele::ingest
