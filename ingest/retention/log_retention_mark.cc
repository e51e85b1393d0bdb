#include "ingest/retention/log_retention_mark.h"

#include "absl/strings/str_cat.h"
#include "common/storage/key_encoding.h"
#include "ingest/ingest_schema.h"

namespace clientele::ingest {
namespace {

std::string MarkKey(uint32_t partition) {
  std::string key;
  storage::AppendUint32(key, partition);
  return key;
}

}  // namespace

absl::StatusOr<uint64_t> LoadFirstRetained(const storage::KvStore& store, uint32_t partition) {
  absl::StatusOr<std::optional<std::string>> value = store.Get(kLogRetentionCf, MarkKey(partition));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return 0;
  if ((*value)->size() != 8) {
    return absl::DataLossError(absl::StrCat(
        "store ingest, log_retention: malformed first retained sequence of partition ", partition));
  }
  return storage::DecodeUint64(**value);
}

void PutFirstRetained(uint32_t partition, uint64_t first_retained, storage::WriteBatch& batch) {
  batch.Put(kLogRetentionCf, MarkKey(partition), storage::EncodeUint64(first_retained));
}

absl::Status BehindRetentionError(uint32_t partition, uint64_t needed_sequence,
                                  uint64_t first_retained, const std::string& consumer) {
  return absl::FailedPreconditionError(absl::StrCat(
      consumer.empty() ? "a reader" : absl::StrCat("consumer '", consumer, "'"), " needs sequence ",
      needed_sequence, " of partition ", partition,
      ", but log retention removed every entry below sequence ", first_retained,
      " (the first retained sequence); nothing is skipped: rebuild the consumer's state another "
      "way, or remove it (docs/ingest.md, \"Retention\")"));
}

}  // namespace clientele::ingest
