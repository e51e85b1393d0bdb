#include "identity/resolution/pending_records.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "identity/resolution/identity_schema.h"

namespace clientele::identity {
namespace {

absl::Status MissingRecord(const std::string& key) {
  return CorruptIdentityStore(absl::StrCat("record ", key, " is missing or corrupt"));
}

}  // namespace

absl::StatusOr<resolution::StoredRecord> PendingRecords::Get(uint32_t index) const {
  auto p = pending_.find(index);
  if (p != pending_.end()) return *p->second.stored;
  const std::string& key = index_->record(index).key;
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> v, store_->Get(kRecordsCf, key));
  resolution::StoredRecord stored;
  if (!v.has_value() || !stored.ParseFromString(*v)) return MissingRecord(key);
  return stored;
}

absl::StatusOr<resolution::StoredRecord*> PendingRecords::ForChange(uint32_t index) {
  auto p = pending_.find(index);
  if (p != pending_.end()) return p->second.stored;
  const std::string& key = index_->record(index).key;
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> v, store_->Get(kRecordsCf, key));
  resolution::StoredRecord* stored = New();
  if (!v.has_value() || !stored->ParseFromString(*v)) return MissingRecord(key);
  Add(index, stored);
  return stored;
}

void PendingRecords::MarkChanged(uint32_t index) {
  Entry& entry = pending_.at(index);
  if (entry.changed) return;
  entry.changed = true;
  changed_.push_back(index);
}

void PendingRecords::PutChanged(storage::WriteBatch& batch) {
  for (uint32_t index : changed_) {
    Entry& entry = pending_.at(index);
    entry.changed = false;
    entry.stored->SerializeToString(&serialized_);
    batch.Put(kRecordsCf, index_->record(index).key, serialized_);
  }
  changed_.clear();
}

void PendingRecords::Clear() {
  pending_.clear();
  changed_.clear();
  arena_->Reset();
}

}  // namespace clientele::identity
