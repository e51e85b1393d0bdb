#include "identity/replication/change_log_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/storage/key_encoding.h"
#include "identity/resolution/identity_schema.h"

namespace clientele::identity {
namespace {

constexpr char kHeadKey[] = "change_log/head";
constexpr char kErasureKey[] = "change_log/erasure";

// Forwards every change to the base store's batch and records the replicated ones.
class RecordingBatch final : public storage::WriteBatch {
 public:
  RecordingBatch(std::unique_ptr<storage::WriteBatch> base, const ChangeLogStore* store,
                 const std::vector<bool>* replicated, const std::vector<bool>* erasure)
      : base_(std::move(base)), store_(store), replicated_(replicated), erasure_(erasure) {}

  void Put(storage::ColumnFamilyId cf, std::string_view key, std::string_view value) override {
    base_->Put(cf, key, value);
    if (!Logged(cf)) return;
    v1::KvChange* op = Add(cf, v1::KvChange::KIND_PUT, key);
    op->set_value(value.data(), value.size());
  }
  void Delete(storage::ColumnFamilyId cf, std::string_view key) override {
    base_->Delete(cf, key);
    if (!Logged(cf)) return;
    Add(cf, v1::KvChange::KIND_DELETE, key);
    if (erasure_->at(cf)) change_.set_erasure(true);
  }
  absl::Status DeleteRange(storage::ColumnFamilyId cf, std::string_view begin,
                           std::string_view end) override {
    if (absl::Status s = base_->DeleteRange(cf, begin, end); !s.ok()) return s;
    if (!Logged(cf)) return absl::OkStatus();
    v1::KvChange* op = Add(cf, v1::KvChange::KIND_DELETE_RANGE, begin);
    op->set_end_key(end.data(), end.size());
    if (erasure_->at(cf)) change_.set_erasure(true);
    return absl::OkStatus();
  }
  int Count() const override { return base_->Count(); }
  size_t ByteSize() const override { return base_->ByteSize(); }
  void Clear() override {
    base_->Clear();
    change_.Clear();
  }

  storage::WriteBatch& base() { return *base_; }
  v1::Change& change() { return change_; }

 private:
  bool Logged(storage::ColumnFamilyId cf) const {
    return cf >= 0 && static_cast<size_t>(cf) < replicated_->size() && (*replicated_)[cf];
  }
  v1::KvChange* Add(storage::ColumnFamilyId cf, v1::KvChange::Kind kind, std::string_view key) {
    v1::KvChange* op = change_.add_ops();
    op->set_column_family(store_->family_name(cf));
    op->set_kind(kind);
    op->set_key(key.data(), key.size());
    return op;
  }

  const std::unique_ptr<storage::WriteBatch> base_;
  const ChangeLogStore* const store_;
  const std::vector<bool>* const replicated_;  // Owned by the store.
  const std::vector<bool>* const erasure_;     // Owned by the store.
  v1::Change change_;
};

absl::StatusOr<uint64_t> ReadCounter(const storage::KvStore& store, storage::ColumnFamilyId cf,
                                     const char* key) {
  absl::StatusOr<std::optional<std::string>> v = store.Get(cf, key);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return 0;
  if ((*v)->size() != 8) return absl::DataLossError(absl::StrCat("identity store: bad ", key));
  return storage::DecodeUint64(**v);
}

}  // namespace

ChangeLogOptions IdentityChangeLogOptions(uint64_t retention) {
  ChangeLogOptions log;
  log.families = IdentityColumnFamilies();
  log.changes_cf = kChangesCf;
  log.position_cf = kProgressCf;
  log.not_replicated = {kProgressCf, kChangesCf};
  log.erasure_families = {kRecordsCf, kConsentsCf};
  log.retention = retention;
  return log;
}

ChangeLogStore::ChangeLogStore(std::unique_ptr<storage::KvStore> base, ChangeLogOptions options)
    : base_(std::move(base)), options_(std::move(options)) {
  replicated_.assign(options_.families.size(), true);
  erasure_.assign(options_.families.size(), false);
  for (storage::ColumnFamilyId cf : options_.not_replicated) replicated_.at(cf) = false;
  replicated_.at(options_.changes_cf) = false;
  replicated_.at(options_.position_cf) = false;
  for (storage::ColumnFamilyId cf : options_.erasure_families) erasure_.at(cf) = true;
}

absl::StatusOr<std::unique_ptr<ChangeLogStore>> ChangeLogStore::Open(
    std::unique_ptr<storage::KvStore> base, ChangeLogOptions options) {
  const auto n = static_cast<storage::ColumnFamilyId>(options.families.size());
  if (options.changes_cf < 0 || options.changes_cf >= n || options.position_cf < 0 ||
      options.position_cf >= n || !options.families[options.changes_cf].range_deletions) {
    return absl::InvalidArgumentError("change log: bad column families");
  }
  auto store = std::unique_ptr<ChangeLogStore>(new ChangeLogStore(std::move(base), options));
  absl::StatusOr<uint64_t> head = ReadCounter(*store->base_, options.position_cf, kHeadKey);
  if (!head.ok()) return head.status();
  absl::StatusOr<uint64_t> erasure = ReadCounter(*store->base_, options.position_cf, kErasureKey);
  if (!erasure.ok()) return erasure.status();
  absl::MutexLock lock(&store->mu_);
  store->head_ = *head;
  store->last_erasure_ = *erasure;
  return store;
}

const std::string& ChangeLogStore::family_name(storage::ColumnFamilyId cf) const {
  static const std::string* const kUnknown = new std::string();
  if (cf < 0 || static_cast<size_t>(cf) >= options_.families.size()) return *kUnknown;
  return options_.families[cf].name;
}

bool ChangeLogStore::Replicated(storage::ColumnFamilyId cf) const { return replicated_.at(cf); }

std::unique_ptr<storage::WriteBatch> ChangeLogStore::NewWriteBatch() const {
  return std::make_unique<RecordingBatch>(base_->NewWriteBatch(), this, &replicated_, &erasure_);
}

absl::Status ChangeLogStore::Write(storage::WriteBatch& batch) {
  auto& recording = static_cast<RecordingBatch&>(batch);
  v1::Change& change = recording.change();
  if (!enabled() || change.ops_size() == 0) return base_->Write(recording.base());
  absl::MutexLock lock(&mu_);
  const uint64_t sequence = head_ + 1;
  change.set_sequence(sequence);
  change.set_committed_at_unix_ms(absl::ToUnixMillis(absl::Now()));
  storage::WriteBatch& out = recording.base();
  out.Put(options_.changes_cf, storage::EncodeUint64(sequence), change.SerializeAsString());
  out.Put(options_.position_cf, kHeadKey, storage::EncodeUint64(sequence));
  if (change.erasure()) {
    out.Put(options_.position_cf, kErasureKey, storage::EncodeUint64(sequence));
  }
  const bool trim = ++writes_since_trim_ >= options_.trim_every && sequence > options_.retention;
  if (trim) {
    absl::Status s = out.DeleteRange(options_.changes_cf, storage::EncodeUint64(0),
                                     storage::EncodeUint64(sequence - options_.retention + 1));
    if (!s.ok()) return s;
  }
  const bool erasure = change.erasure();
  absl::Status s = base_->Write(out);
  // The batch may be cleared and reused by the caller: it must not log this change twice.
  change.Clear();
  if (!s.ok()) return s;
  if (trim) writes_since_trim_ = 0;
  head_ = sequence;
  if (erasure) last_erasure_ = sequence;
  return absl::OkStatus();
}

absl::Status ChangeLogStore::PurgeDeleted(const std::vector<storage::ColumnFamilyId>& cfs) {
  std::vector<storage::ColumnFamilyId> purge = cfs;
  if (enabled()) {
    uint64_t through = 0;
    {
      absl::MutexLock lock(&mu_);
      through = last_erasure_;
    }
    if (through > 0) {
      std::unique_ptr<storage::WriteBatch> trim = base_->NewWriteBatch();
      absl::Status s = trim->DeleteRange(options_.changes_cf, storage::EncodeUint64(0),
                                         storage::EncodeUint64(through + 1));
      if (s.ok()) s = base_->Write(*trim);
      if (!s.ok()) return s;
    }
    if (std::find(purge.begin(), purge.end(), options_.changes_cf) == purge.end()) {
      purge.push_back(options_.changes_cf);
    }
  }
  return base_->PurgeDeleted(purge);
}

uint64_t ChangeLogStore::head() const {
  absl::MutexLock lock(&mu_);
  return head_;
}

absl::StatusOr<std::vector<v1::Change>> ChangeLogStore::ReadChanges(uint64_t after,
                                                                    size_t max_bytes) const {
  if (!enabled()) {
    return absl::FailedPreconditionError(
        "identity keeps no change log (--identity_change_retention=0): no replica can follow it");
  }
  const uint64_t head = this->head();
  std::vector<v1::Change> out;
  if (after > head) {
    return absl::OutOfRangeError(absl::StrCat("change position ", after,
                                              " is past the primary's head ", head,
                                              " (another primary's data?): bootstrap again"));
  }
  if (after == head) return out;
  std::unique_ptr<storage::KvIterator> it = base_->NewIterator(options_.changes_cf, {});
  it->Seek(storage::EncodeUint64(after + 1));
  size_t bytes = 0;
  uint64_t expected = after + 1;
  for (; it->Valid() && bytes < max_bytes; it->Next()) {
    if (it->key().size() != 8) return absl::DataLossError("identity change log: bad key");
    const uint64_t sequence = storage::DecodeUint64(it->key());
    if (sequence != expected) break;
    v1::Change& change = out.emplace_back();
    if (!change.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("identity change log: change ", sequence));
    }
    bytes += it->value().size();
    ++expected;
  }
  if (absl::Status s = it->status(); !s.ok()) return s;
  if (out.empty()) {
    return absl::OutOfRangeError(
        absl::StrCat("change ", after + 1,
                     " is no longer kept by the primary (trimmed by retention or by an "
                     "erasure): bootstrap again"));
  }
  return out;
}

bool ChangeLogStore::WaitForChange(uint64_t after, absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  auto past = [this, after]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return head_ > after; };
  return mu_.AwaitWithDeadline(absl::Condition(&past), deadline);
}

ChangeSnapshot ChangeLogStore::OpenSnapshot() const {
  ChangeSnapshot snapshot;
  // Writes take the lock: every iterator sees the same committed batches, through head_.
  absl::MutexLock lock(&mu_);
  snapshot.sequence = head_;
  for (size_t cf = 0; cf < options_.families.size(); ++cf) {
    const auto id = static_cast<storage::ColumnFamilyId>(cf);
    if (!Replicated(id)) continue;
    snapshot.families.emplace_back(id, base_->NewIterator(id, {}));
  }
  return snapshot;
}

}  // namespace clientele::identity
