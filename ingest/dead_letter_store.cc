#include "ingest/dead_letter_store.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "ingest/ingest_schema.h"

namespace clientele::ingest {

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

void DeadLetterStore::Add(v1::DeadLetter letter, storage::WriteBatch& batch) {
  const uint64_t id = last_id_.fetch_add(1) + 1;
  letter.set_id(id);
  batch.Put(kDeadLettersCf, storage::EncodeUint64(id), letter.SerializeAsString());
}

absl::StatusOr<v1::ListRejectedResponse> DeadLetterStore::List(
    int page_size, const std::string& page_token) const {
  if (page_size < 0 || page_size > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", page_size, " is outside [0, 1000]"));
  }
  if (page_size == 0) page_size = 100;
  uint64_t from = 1;
  if (!page_token.empty() && (!absl::SimpleAtoi(page_token, &from) || from == 0)) {
    return absl::InvalidArgumentError(absl::StrCat("page_token: '", page_token, "' is not valid"));
  }
  v1::ListRejectedResponse response;
  response.set_total(static_cast<int64_t>(last_id()));
  auto it = store_->NewIterator(kDeadLettersCf);
  for (it->Seek(storage::EncodeUint64(from)); it->Valid(); it->Next()) {
    if (response.dead_letters_size() == page_size) {
      response.set_next_page_token(absl::StrCat(storage::DecodeUint64(it->key())));
      break;
    }
    if (!response.add_dead_letters()->ParseFromArray(it->value().data(),
                                                     static_cast<int>(it->value().size()))) {
      return absl::DataLossError("dead_letters: unreadable record");
    }
  }
  CLT_RETURN_IF_ERROR(it->status());
  return response;
}

}  // namespace clientele::ingest
