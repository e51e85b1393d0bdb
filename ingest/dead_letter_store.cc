#include "ingest/dead_letter_store.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/partitioning.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "google/protobuf/util/json_util.h"
#include "ingest/ingest_schema.h"
#include "ingest/log_entry_codec.h"

namespace clientele::ingest {
namespace {

constexpr int kDefaultPageBytes = 1 << 20;
constexpr int kMaxPageBytes = 4 << 20;

// A large event becomes the first kMaxDeadLetterEventBytes of its JSON (cut at a UTF-8
// character boundary, so the string field stays valid UTF-8).
void BoundEvent(v1::DeadLetter& letter) {
  if (!letter.has_event() || letter.event().ByteSizeLong() <= kMaxDeadLetterEventBytes) return;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(letter.event(), &json);
  size_t end = std::min(json.size(), kMaxDeadLetterEventBytes);
  while (end > 0 && end < json.size() && (static_cast<unsigned char>(json[end]) & 0xC0) == 0x80) {
    --end;
  }
  json.resize(end);
  letter.clear_event();
  letter.set_raw(std::move(json));
  letter.set_excerpt(true);
}

}  // namespace

absl::StatusOr<DeadLetterStore> DeadLetterStore::Open(storage::KvStore* store) {
  auto it = store->NewIterator(kDeadLettersCf);
  it->SeekToLast();
  CLT_RETURN_IF_ERROR(it->status());
  uint64_t last = 0;
  if (it->Valid()) {
    if (it->key().size() != 8) return absl::DataLossError("dead_letters: malformed key");
    last = storage::DecodeUint64(it->key());
  }
  return DeadLetterStore(store, last);
}

uint64_t DeadLetterStore::Fingerprint(const v1::DeadLetter& letter) {
  std::string identity =
      absl::StrCat(letter.source_name(), "\x1f", letter.row(), "\x1f", letter.event_id(), "\x1f",
                   letter.field(), "\x1f", letter.code(), "\x1f", letter.raw(), "\x1f");
  if (letter.has_event()) identity += DeterministicBytes(letter.event());
  return log::StableHash(identity);
}

absl::Status DeadLetterStore::Add(v1::DeadLetter letter, storage::WriteBatch& batch) {
  BoundEvent(letter);
  const uint64_t fingerprint = Fingerprint(letter);
  const std::string key = storage::EncodeUint64(fingerprint);
  v1::DeadLetter stored;
  if (auto it = pending_.find(fingerprint); it != pending_.end()) {
    stored = it->second;
  } else {
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> id, store_->Get(kDeadLetterKeysCf, key));
    if (id.has_value()) {
      if (id->size() != 8) return absl::DataLossError("dead_letter_keys: malformed value");
      CLT_ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_->Get(kDeadLettersCf, *id));
      if (!bytes.has_value() ||
          !stored.ParseFromArray(bytes->data(), static_cast<int>(bytes->size()))) {
        return absl::DataLossError(
            absl::StrCat("dead_letters: letter ", storage::DecodeUint64(*id), " is unreadable"));
      }
    }
  }
  if (stored.id() != 0) {
    stored.set_repeats(stored.repeats() + 1);
    batch.Put(kDeadLettersCf, storage::EncodeUint64(stored.id()), stored.SerializeAsString());
    pending_[fingerprint] = std::move(stored);
    return absl::OkStatus();
  }
  const uint64_t id = last_id_.fetch_add(1) + 1;
  letter.set_id(id);
  batch.Put(kDeadLettersCf, storage::EncodeUint64(id), letter.SerializeAsString());
  batch.Put(kDeadLetterKeysCf, key, storage::EncodeUint64(id));
  pending_[fingerprint] = std::move(letter);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> DeadLetterStore::DeleteIf(
    const std::function<bool(const v1::DeadLetter&)>& doomed, storage::WriteBatch& batch) const {
  int64_t deleted = 0;
  auto it = store_->NewIterator(kDeadLettersCf);
  v1::DeadLetter letter;
  for (it->Seek(""); it->Valid(); it->Next()) {
    if (!letter.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("dead_letters: letter ",
                                              storage::DecodeUint64(it->key()), " is unreadable"));
    }
    if (!doomed(letter)) continue;
    batch.Delete(kDeadLettersCf, it->key());
    // Stored letters are bounded already: their fingerprint is their dedup key.
    batch.Delete(kDeadLetterKeysCf, storage::EncodeUint64(Fingerprint(letter)));
    deleted += 2;
  }
  CLT_RETURN_IF_ERROR(it->status());
  return deleted;
}

absl::StatusOr<v1::ListRejectedResponse> DeadLetterStore::List(int page_size,
                                                               const std::string& page_token,
                                                               int max_bytes) const {
  if (page_size < 0 || page_size > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", page_size, " is outside [0, 1000]"));
  }
  if (max_bytes < 0 || max_bytes > kMaxPageBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_bytes: ", max_bytes, " is outside [0, ", kMaxPageBytes, "]"));
  }
  if (page_size == 0) page_size = 100;
  if (max_bytes == 0) max_bytes = kDefaultPageBytes;
  uint64_t from = 1;
  if (!page_token.empty() && (!absl::SimpleAtoi(page_token, &from) || from == 0)) {
    return absl::InvalidArgumentError(absl::StrCat("page_token: '", page_token, "' is not valid"));
  }
  v1::ListRejectedResponse response;
  response.set_total(static_cast<int64_t>(last_id()));
  size_t bytes = 0;
  auto it = store_->NewIterator(kDeadLettersCf);
  for (it->Seek(storage::EncodeUint64(from)); it->Valid(); it->Next()) {
    const size_t size = it->value().size();
    if (response.dead_letters_size() == page_size ||
        (response.dead_letters_size() > 0 && bytes + size > static_cast<size_t>(max_bytes))) {
      response.set_next_page_token(absl::StrCat(storage::DecodeUint64(it->key())));
      break;
    }
    bytes += size;
    if (!response.add_dead_letters()->ParseFromArray(it->value().data(), static_cast<int>(size))) {
      return absl::DataLossError(absl::StrCat("dead_letters: letter ",
                                              storage::DecodeUint64(it->key()), " is unreadable"));
    }
  }
  CLT_RETURN_IF_ERROR(it->status());
  return response;
}

}  // namespace clientele::ingest
