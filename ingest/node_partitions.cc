#include "ingest/node_partitions.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log/partition_count_record.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "ingest/ingest_schema.h"
#include "ingest/retention/log_retention_mark.h"

namespace clientele::ingest {
namespace {

constexpr char kPartitionCountKey[] = "partition_count";
constexpr char kServedKey[] = "served_partitions";
constexpr char kReleasedKey[] = "released_partitions";

std::string EncodePartitions(const std::set<uint32_t>& partitions) {
  std::string out;
  for (uint32_t p : partitions) storage::AppendUint32(out, p);
  return out;
}

// The set under `key`; nullopt when absent.
absl::StatusOr<std::optional<std::set<uint32_t>>> LoadPartitions(const storage::KvStore& store,
                                                                 std::string_view key,
                                                                 std::string_view path) {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> value, store.Get(kNodeMetaCf, key));
  if (!value.has_value()) return std::optional<std::set<uint32_t>>();
  if (value->size() % 4 != 0) {
    return absl::DataLossError(
        absl::StrCat(std::string(path), ": node_meta ", std::string(key), " does not parse"));
  }
  std::set<uint32_t> out;
  for (size_t i = 0; i < value->size(); i += 4) {
    out.insert(storage::DecodeUint32(std::string_view(*value).substr(i)));
  }
  return std::optional<std::set<uint32_t>>(std::move(out));
}

// Whether the log of `partition` holds an entry or retention removed some (a log that was
// written to: consumers may have applied it).
absl::StatusOr<bool> HoldsLog(const storage::KvStore& store, uint32_t partition) {
  std::string begin, end;
  storage::AppendUint32(begin, partition);
  if (partition != UINT32_MAX) storage::AppendUint32(end, partition + 1);
  auto it = store.NewIterator(kLogCf, {begin, end});
  it->Seek(begin);
  CLT_RETURN_IF_ERROR(it->status());
  if (it->Valid()) return true;
  CLT_ASSIGN_OR_RETURN(const uint64_t mark, LoadFirstRetained(store, partition));
  return mark > 1;
}

// The partition of the first log entry at or above `partition_count`, if any.
absl::StatusOr<std::optional<uint32_t>> LogEntryAtOrAbove(const storage::KvStore& store,
                                                          uint32_t partition_count) {
  std::string begin;
  storage::AppendUint32(begin, partition_count);
  auto it = store.NewIterator(kLogCf, {begin, ""});
  it->Seek(begin);
  CLT_RETURN_IF_ERROR(it->status());
  if (!it->Valid() || it->key().size() < 4) return std::optional<uint32_t>();
  return std::optional<uint32_t>(storage::DecodeUint32(it->key()));
}

// Deletes the log of `partition` (a range tombstone), its retention mark, the consumers'
// positions in it and its dedup index (point deletes, in batches: that family takes no range
// deletions).
absl::Status DeletePartitionData(storage::KvStore& store, uint32_t partition) {
  std::string begin, end;
  storage::AppendUint32(begin, partition);
  if (partition != UINT32_MAX) storage::AppendUint32(end, partition + 1);
  std::unique_ptr<storage::WriteBatch> batch = store.NewWriteBatch();
  CLT_RETURN_IF_ERROR(
      batch->DeleteRange(kLogCf, begin, end.empty() ? std::string(12, '\xff') : end));
  batch->Delete(kLogRetentionCf, begin);
  // The consumers' positions in it ([name][0x00][u32 partition]).
  auto consumers = store.NewIterator(kConsumersCf);
  for (consumers->Seek(""); consumers->Valid(); consumers->Next()) {
    const std::string_view key = consumers->key();
    if (key.size() >= 5 && key[key.size() - 5] == '\0' &&
        storage::DecodeUint32(key.substr(key.size() - 4)) == partition) {
      batch->Delete(kConsumersCf, key);
    }
  }
  CLT_RETURN_IF_ERROR(consumers->status());
  CLT_RETURN_IF_ERROR(store.Write(*batch));
  constexpr int kDeletesPerBatch = 10000;
  while (true) {
    batch->Clear();
    auto it = store.NewIterator(kEventIdsCf, {begin, end});
    for (it->Seek(begin); it->Valid() && batch->Count() < kDeletesPerBatch; it->Next()) {
      batch->Delete(kEventIdsCf, it->key());
    }
    CLT_RETURN_IF_ERROR(it->status());
    if (batch->Count() == 0) return absl::OkStatus();
    CLT_RETURN_IF_ERROR(store.Write(*batch));
  }
}

std::string List(const std::set<uint32_t>& partitions) {
  return partitions.empty() ? "none" : absl::StrJoin(partitions, ",");
}

}  // namespace

absl::Status OpenNodePartitions(storage::KvStore& store, const NodePartitionsOptions& options) {
  const std::string& path = options.store_path;
  std::set<uint32_t> owned(options.owned.begin(), options.owned.end());
  if (owned.empty()) {
    for (uint32_t p = 0; p < options.partition_count; ++p) owned.insert(p);
  }
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> count,
                       store.Get(kNodeMetaCf, kPartitionCountKey));
  if (!count.has_value()) {
    // A new store, or one written before the record: its entries tell what it holds.
    CLT_ASSIGN_OR_RETURN(std::optional<uint32_t> above,
                         LogEntryAtOrAbove(store, options.partition_count));
    if (above.has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat("--partition_count=", options.partition_count, ": the data in ", path,
                       " holds the log of partition ", *above,
                       ", so it was created with a larger partition count; start with that count"));
    }
  }
  CLT_RETURN_IF_ERROR(log::RecordPartitionCount(store, kNodeMetaCf, kPartitionCountKey,
                                                options.partition_count, path));
  CLT_ASSIGN_OR_RETURN(std::optional<std::set<uint32_t>> served,
                       LoadPartitions(store, kServedKey, path));
  CLT_ASSIGN_OR_RETURN(std::optional<std::set<uint32_t>> released_or,
                       LoadPartitions(store, kReleasedKey, path));
  std::set<uint32_t> released = released_or.value_or(std::set<uint32_t>());
  if (!served.has_value()) {
    served.emplace(owned);
    for (uint32_t p = 0; p < options.partition_count; ++p) {
      CLT_ASSIGN_OR_RETURN(const bool holds, HoldsLog(store, p));
      if (holds) served->insert(p);
    }
  }
  std::set<uint32_t> stale;
  for (uint32_t p : owned) {
    if (released.count(p)) stale.insert(p);
  }
  if (!stale.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--partitions: the data in ", path, " released partition(s) ", List(stale),
        " to another node; the copy here is stale and cannot serve it again (copy the "
        "partition's current data from the node that serves it, docs/operations.md \"Scaling "
        "ingest\")"));
  }
  std::set<uint32_t> dropped;  // Served before, not owned now, with entries.
  for (uint32_t p : *served) {
    if (owned.count(p)) continue;
    CLT_ASSIGN_OR_RETURN(const bool holds, HoldsLog(store, p));
    if (holds) dropped.insert(p);
  }
  if (!dropped.empty() && !options.release_unowned) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--partitions=", List(owned), ": the data in ", path, " holds the log of partition(s) ",
        List(dropped),
        ", which this node would no longer serve; start it owning them, or, once their data "
        "is copied to the node that owns them now, start it once with "
        "--release_unowned_partitions (docs/operations.md \"Scaling ingest\")"));
  }
  for (uint32_t p : dropped) CLT_RETURN_IF_ERROR(DeletePartitionData(store, p));
  released.insert(dropped.begin(), dropped.end());
  std::unique_ptr<storage::WriteBatch> batch = store.NewWriteBatch();
  batch->Put(kNodeMetaCf, kServedKey, EncodePartitions(owned));
  batch->Put(kNodeMetaCf, kReleasedKey, EncodePartitions(released));
  return store.Write(*batch);
}

}  // namespace clientele::ingest
