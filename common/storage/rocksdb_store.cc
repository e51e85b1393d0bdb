#include "common/storage/rocksdb_store.h"

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/listener.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "rocksdb/write_buffer_manager.h"

namespace clientele::storage {
namespace {

absl::Status FromRocksStatus(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message =
      absl::StrCat(absl::string_view(what.data(), what.size()), ": ", s.ToString());
  switch (s.code()) {
    case rocksdb::Status::kNotFound:
      return absl::NotFoundError(message);
    case rocksdb::Status::kCorruption:
      return absl::DataLossError(message);
    case rocksdb::Status::kInvalidArgument:
      return absl::InvalidArgumentError(message);
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTryAgain:
      return absl::UnavailableError(message);
    case rocksdb::Status::kIOError:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

// The first damage a store has seen (its Health()). Thread-safe.
class CorruptionRecord {
 public:
  explicit CorruptionRecord(std::string store_name) : store_name_(std::move(store_name)) {}

  const std::string& store_name() const { return store_name_; }

  // FromRocksStatus, with the store's name; remembers the first corruption.
  absl::Status Check(const rocksdb::Status& s, std::string_view what) {
    if (s.ok()) return absl::OkStatus();
    absl::Status status = FromRocksStatus(
        s, absl::StrCat("store ", store_name_, ": ", absl::string_view(what.data(), what.size())));
    if (absl::IsDataLoss(status)) Record(status);
    return status;
  }
  void Record(const absl::Status& status) {
    absl::MutexLock l(&mu_);
    if (first_.ok()) first_ = status;
  }
  absl::Status first() const {
    absl::MutexLock l(&mu_);
    return first_;
  }

 private:
  const std::string store_name_;
  mutable absl::Mutex mu_;
  absl::Status first_ ABSL_GUARDED_BY(mu_);
};

// Background flushes and compactions that meet damaged files stop the store's writes;
// RocksDB tells only listeners. Recorded so that Health() reports it.
class BackgroundErrorListener final : public rocksdb::EventListener {
 public:
  explicit BackgroundErrorListener(std::shared_ptr<CorruptionRecord> record)
      : record_(std::move(record)) {}
  void OnBackgroundError(rocksdb::BackgroundErrorReason /*reason*/,
                         rocksdb::Status* bg_error) override {
    if (bg_error != nullptr && bg_error->IsCorruption()) {
      (void)record_->Check(*bg_error, "background compaction or flush");
    }
  }

 private:
  const std::shared_ptr<CorruptionRecord> record_;
};

class RocksWriteBatch final : public WriteBatch {
 public:
  RocksWriteBatch(const std::vector<rocksdb::ColumnFamilyHandle*>* handles,
                  const std::vector<bool>* range_deletions)
      : handles_(handles), range_deletions_(range_deletions) {}

  void Put(ColumnFamilyId cf, std::string_view key, std::string_view value) override {
    batch_.Put(handles_->at(cf), rocksdb::Slice(key.data(), key.size()),
               rocksdb::Slice(value.data(), value.size()));
  }
  void Delete(ColumnFamilyId cf, std::string_view key) override {
    batch_.Delete(handles_->at(cf), rocksdb::Slice(key.data(), key.size()));
  }
  absl::Status DeleteRange(ColumnFamilyId cf, std::string_view begin,
                           std::string_view end) override {
    if (!range_deletions_->at(cf)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "column family ", cf, " was not declared with range_deletions (kv_store.h)"));
    }
    return FromRocksStatus(
        batch_.DeleteRange(handles_->at(cf), rocksdb::Slice(begin.data(), begin.size()),
                           rocksdb::Slice(end.data(), end.size())),
        "delete range");
  }
  int Count() const override { return batch_.Count(); }
  size_t ByteSize() const override { return batch_.GetDataSize(); }
  void Clear() override { batch_.Clear(); }

  rocksdb::WriteBatch* rocks() { return &batch_; }

 private:
  const std::vector<rocksdb::ColumnFamilyHandle*>* const handles_;  // Owned by the store.
  const std::vector<bool>* const range_deletions_;                  // Owned by the store.
  rocksdb::WriteBatch batch_;
};

class RocksIterator final : public KvIterator {
 public:
  RocksIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, IteratorBounds bounds,
                CorruptionRecord* corruption)
      : bounds_(std::move(bounds)), corruption_(corruption) {
    rocksdb::ReadOptions ro;
    if (!bounds_.lower_bound.empty()) {
      lower_ = rocksdb::Slice(bounds_.lower_bound);
      ro.iterate_lower_bound = &lower_;
    }
    if (!bounds_.upper_bound.empty()) {
      upper_ = rocksdb::Slice(bounds_.upper_bound);
      ro.iterate_upper_bound = &upper_;
    }
    it_.reset(db->NewIterator(ro, cf));
  }

  void Seek(std::string_view key) override { it_->Seek(rocksdb::Slice(key.data(), key.size())); }
  void SeekToLast() override { it_->SeekToLast(); }
  bool Valid() const override { return it_->Valid(); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override {
    rocksdb::Slice s = it_->key();
    return {s.data(), s.size()};
  }
  std::string_view value() const override {
    rocksdb::Slice s = it_->value();
    return {s.data(), s.size()};
  }
  absl::Status status() const override { return corruption_->Check(it_->status(), "iterate"); }

 private:
  const IteratorBounds bounds_;         // Backs the slices below.
  CorruptionRecord* const corruption_;  // Owned by the store.
  rocksdb::Slice lower_;
  rocksdb::Slice upper_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

class RocksDbStore final : public KvStore {
 public:
  RocksDbStore(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> handles,
               std::vector<bool> range_deletions,
               std::vector<rocksdb::ColumnFamilyHandle*> extra_handles, bool sync_writes,
               std::shared_ptr<CorruptionRecord> corruption)
      : db_(std::move(db)),
        handles_(std::move(handles)),
        range_deletions_(std::move(range_deletions)),
        extra_handles_(std::move(extra_handles)),
        sync_writes_(sync_writes),
        corruption_(std::move(corruption)) {}

  ~RocksDbStore() override {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    for (auto* h : extra_handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close().PermitUncheckedError();
  }

  std::unique_ptr<WriteBatch> NewWriteBatch() const override {
    return std::make_unique<RocksWriteBatch>(&handles_, &range_deletions_);
  }

  absl::Status Write(WriteBatch& batch) override {
    rocksdb::WriteOptions wo;
    wo.sync = sync_writes_;
    return corruption_->Check(db_->Write(wo, static_cast<RocksWriteBatch&>(batch).rocks()),
                              "write");
  }

  absl::StatusOr<std::optional<std::string>> Get(ColumnFamilyId cf,
                                                 std::string_view key) const override {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_.at(cf),
                                 rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return corruption_->Check(s, "get");
    return std::optional<std::string>(std::move(value));
  }

  std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      ColumnFamilyId cf, const std::vector<std::string>& keys) const override {
    std::vector<rocksdb::Slice> slices;
    slices.reserve(keys.size());
    for (const auto& k : keys) slices.emplace_back(k);
    std::vector<rocksdb::PinnableSlice> values(keys.size());
    std::vector<rocksdb::Status> statuses(keys.size());
    db_->MultiGet(rocksdb::ReadOptions(), handles_.at(cf), keys.size(), slices.data(),
                  values.data(), statuses.data());
    std::vector<absl::StatusOr<std::optional<std::string>>> out;
    out.reserve(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      if (statuses[i].IsNotFound()) {
        out.emplace_back(std::optional<std::string>());
      } else if (!statuses[i].ok()) {
        out.emplace_back(corruption_->Check(statuses[i], "multiget"));
      } else {
        out.emplace_back(std::optional<std::string>(values[i].ToString()));
      }
    }
    return out;
  }

  std::unique_ptr<KvIterator> NewIterator(ColumnFamilyId cf, IteratorBounds bounds) const override {
    return std::make_unique<RocksIterator>(db_.get(), handles_.at(cf), std::move(bounds),
                                           corruption_.get());
  }

  absl::Status Flush() override {
    rocksdb::FlushOptions fo;
    fo.wait = true;
    rocksdb::Status s = db_->Flush(fo, handles_);
    if (!s.ok()) return corruption_->Check(s, "flush");
    return corruption_->Check(db_->SyncWAL(), "sync wal");
  }

  absl::Status PurgeDeleted(const std::vector<ColumnFamilyId>& cfs) override {
    rocksdb::FlushOptions fo;
    fo.wait = true;
    std::vector<rocksdb::ColumnFamilyHandle*> all = handles_;
    all.insert(all.end(), extra_handles_.begin(), extra_handles_.end());
    rocksdb::Status s = db_->Flush(fo, all);
    if (!s.ok()) return corruption_->Check(s, "flush for purge");
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    co.exclusive_manual_compaction = false;
    for (ColumnFamilyId cf : cfs) {
      s = db_->CompactRange(co, handles_.at(cf), nullptr, nullptr);
      if (!s.ok()) return corruption_->Check(s, "compact for purge");
    }
    // The MANIFEST records each SST file's smallest and largest key, so a deleted key that
    // bounded a file stays in it after the compaction. The store rolls to a new MANIFEST on
    // every change of its files (max_manifest_file_size 0), writing the state before that
    // change first: one more change (a marker written and deleted in the undeclared default
    // column family, then flushed) writes a MANIFEST that holds only the files left now, and
    // the old one is deleted.
    rocksdb::WriteBatch marker;
    s = marker.Put(extra_handles_.front(), "purge", "");
    if (s.ok()) s = marker.Delete(extra_handles_.front(), "purge");
    if (s.ok()) s = db_->Write(rocksdb::WriteOptions(), &marker);
    if (s.ok()) s = db_->Flush(fo, extra_handles_.front());
    if (!s.ok()) return corruption_->Check(s, "roll manifest for purge");
    // Obsolete WAL and SST files are deleted by the flush and compactions themselves; this asks
    // for any left over (e.g. unpinned since) to go now.
    return corruption_->Check(db_->SyncWAL(), "sync wal after purge");
  }

  absl::Status PurgeDeletedRange(ColumnFamilyId cf, std::string_view begin,
                                 std::string_view end) override {
    rocksdb::FlushOptions fo;
    fo.wait = true;
    std::vector<rocksdb::ColumnFamilyHandle*> all = handles_;
    all.insert(all.end(), extra_handles_.begin(), extra_handles_.end());
    rocksdb::Status s = db_->Flush(fo, all);
    if (!s.ok()) return corruption_->Check(s, "flush for range purge");
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    co.exclusive_manual_compaction = false;
    const rocksdb::Slice from(begin.data(), begin.size());
    const rocksdb::Slice to(end.data(), end.size());
    s = db_->CompactRange(co, handles_.at(cf), &from, &to);
    return corruption_->Check(s, "compact range for purge");
  }

  absl::Status Health() const override { return corruption_->first(); }

  absl::Status VerifyChecksums() override {
    return corruption_->Check(db_->VerifyChecksum(), "verify checksums");
  }

  void ReportCorruption(const absl::Status& status) override {
    corruption_->Record(absl::DataLossError(
        absl::StrCat("store ", corruption_->store_name(), ": ", status.message())));
  }

 private:
  const std::unique_ptr<rocksdb::DB> db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> handles_;        // Index = ColumnFamilyId.
  const std::vector<bool> range_deletions_;                        // Index = ColumnFamilyId.
  const std::vector<rocksdb::ColumnFamilyHandle*> extra_handles_;  // On disk, undeclared.
  const bool sync_writes_;
  const std::shared_ptr<CorruptionRecord> corruption_;  // Shared with the event listener.
};

rocksdb::ColumnFamilyOptions MakeCfOptions(const ColumnFamilySpec& spec, size_t write_buffer) {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = write_buffer;
  // Writers hand RocksDB their batches in key order (SortedWriteBatch, the event-id index).
  // A skip-list insert then only needs to fix the lowest levels of the previous insert's
  // position, but RocksDB does that partial fix only for inserts "with a hint"; without one,
  // every key outside the last gap is searched for from the top. One hint per column family
  // (a prefix of length 0): an ingest-only import of 1.27M events took ~10% less CPU.
  // Not for families with range deletions: see ColumnFamilySpec::range_deletions.
  if (!spec.range_deletions) {
    o.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(0));
  }
  o.compression = rocksdb::kLZ4Compression;
  o.bottommost_compression = rocksdb::kZSTD;
  rocksdb::BlockBasedTableOptions t;
  if (spec.bloom_filter) {
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    o.memtable_prefix_bloom_size_ratio = 0.02;
    o.memtable_whole_key_filtering = true;
  }
  t.block_size = 16 << 10;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

absl::Mutex budget_mu;
size_t memtable_budget ABSL_GUARDED_BY(budget_mu) = 64 << 20;
std::shared_ptr<rocksdb::WriteBufferManager> shared_write_buffers ABSL_GUARDED_BY(budget_mu);

// The process's WriteBufferManager for the current budget (null: unbounded).
std::shared_ptr<rocksdb::WriteBufferManager> SharedWriteBufferManager() {
  absl::MutexLock l(&budget_mu);
  if (memtable_budget == 0) return nullptr;
  if (shared_write_buffers == nullptr || shared_write_buffers->buffer_size() != memtable_budget) {
    shared_write_buffers = std::make_shared<rocksdb::WriteBufferManager>(memtable_budget);
  }
  return shared_write_buffers;
}

}  // namespace

void SetProcessMemtableBudget(size_t bytes) {
  absl::MutexLock l(&budget_mu);
  memtable_budget = bytes;
}

size_t ProcessMemtableBudget() {
  absl::MutexLock l(&budget_mu);
  return memtable_budget;
}

absl::StatusOr<std::unique_ptr<KvStore>> OpenRocksDbStore(const RocksDbOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create data directory ", options.path, ": ", ec.message()));
  }
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.bytes_per_sync = 1 << 20;
  db_options.keep_log_file_num = 5;
  // A new MANIFEST (the current state) on every change of the files, the old one deleted: a
  // deleted key that bounded a file does not outlive the file there (PurgeDeleted). Costs one
  // state snapshot (about 100 bytes a file) per flush or compaction.
  db_options.max_manifest_file_size = 0;
  // Concurrent memtable writes ignore insert hints (above). Our writers are serialized
  // already (one consumer writer thread; ingest appends under a lock).
  db_options.allow_concurrent_memtable_write = false;
  // WAL recovery: a write that was acknowledged is complete in the WAL (without sync_writes
  // the OS holds it after a kill -9), so only a record torn by the crash itself (the tail of
  // the last file, never acknowledged) may be dropped. Damage anywhere else fails the open
  // with Corruption instead of silently recovering to the point before it, which RocksDB's
  // default (kPointInTimeRecovery) does: that lost acknowledged events and then reused their
  // sequence numbers (docs/reliability.md, "WAL recovery").
  db_options.write_buffer_manager = SharedWriteBufferManager();
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db_options.paranoid_checks = true;
  const std::string store_name =
      options.name.empty() ? std::filesystem::path(options.path).filename().string() : options.name;
  auto corruption = std::make_shared<CorruptionRecord>(store_name);
  db_options.listeners.push_back(std::make_shared<BackgroundErrorListener>(corruption));

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (const auto& spec : options.column_families) {
    descriptors.emplace_back(spec.name, MakeCfOptions(spec, options.write_buffer_bytes));
  }
  // Keep column families that exist on disk but are not declared (e.g. by a newer version).
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, options.path, &existing).ok()) {
    for (const auto& name : existing) {
      bool known = name == rocksdb::kDefaultColumnFamilyName;
      for (const auto& spec : options.column_families) known |= spec.name == name;
      if (!known) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db_options, options.path, descriptors, &handles, &raw)
          : rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &raw);
  if (!s.ok()) {
    return FromRocksStatus(s, absl::StrCat("store ", store_name, ": open ", options.path));
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  // handles[0] is "default"; the declared ones follow in registry order.
  std::vector<rocksdb::ColumnFamilyHandle*> declared(
      handles.begin() + 1, handles.begin() + 1 + options.column_families.size());
  std::vector<rocksdb::ColumnFamilyHandle*> extra = {handles[0]};
  extra.insert(extra.end(), handles.begin() + 1 + options.column_families.size(), handles.end());
  std::vector<bool> range_deletions;
  for (const auto& spec : options.column_families) range_deletions.push_back(spec.range_deletions);
  return std::unique_ptr<KvStore>(
      std::make_unique<RocksDbStore>(std::move(db), std::move(declared), std::move(range_deletions),
                                     std::move(extra), options.sync_writes, std::move(corruption)));
}

}  // namespace clientele::storage
