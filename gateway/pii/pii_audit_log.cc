#include "gateway/pii/pii_audit_log.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "common/time/proto_time.h"

namespace clientele::gateway {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr size_t kPositionBytes = 16;  // [u64 micros][u64 sequence]

uint64_t MicrosOf(absl::Time t) {
  return static_cast<uint64_t>(std::max<int64_t>(0, absl::ToUnixMicros(t)));
}

std::string Position(uint64_t micros, uint64_t sequence) {
  std::string out;
  storage::AppendUint64(out, micros);
  storage::AppendUint64(out, sequence);
  return out;
}

// [u32 length][id]: no id is a prefix of another's index range.
std::string IndexPrefix(std::string_view id) {
  std::string out;
  storage::AppendUint32(out, static_cast<uint32_t>(id.size()));
  out.append(id);
  return out;
}

std::string Hex(std::string_view bytes) {
  return absl::BytesToHexString(absl::string_view(bytes.data(), bytes.size()));
}

absl::StatusOr<std::string> ParsePageToken(std::string_view token) {
  std::string bytes;
  if (token.size() != 2 * kPositionBytes || !std::all_of(token.begin(), token.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c));
      })) {
    return absl::InvalidArgumentError("page_token: not a token of ListPiiAudit");
  }
  return absl::HexStringToBytes(absl::string_view(token.data(), token.size()));
}

}  // namespace

std::vector<storage::ColumnFamilySpec> PiiAuditColumnFamilySpecs() {
  return {{"pii_audit", false}, {"pii_audit_by_key", false}, {"pii_audit_by_profile", false}};
}

absl::StatusOr<std::unique_ptr<PiiAuditLog>> PiiAuditLog::Open(storage::KvStore* store,
                                                               PiiAuditColumnFamilies families,
                                                               Clock clock) {
  uint64_t next_sequence = 1;
  std::unique_ptr<storage::KvIterator> last = store->NewIterator(families.entries);
  last->SeekToLast();
  if (last->Valid()) {
    if (last->key().size() != kPositionBytes) {
      absl::Status damaged = absl::DataLossError(absl::StrCat(
          "pii_audit: a key of ", last->key().size(), " bytes, expected ", kPositionBytes));
      store->ReportCorruption(damaged);
      return damaged;
    }
    next_sequence = storage::DecodeUint64(last->key().substr(8)) + 1;
  }
  CLT_RETURN_IF_ERROR(last->status());
  return std::unique_ptr<PiiAuditLog>(
      new PiiAuditLog(store, families, std::move(clock), next_sequence));
}

PiiAuditLog::PiiAuditLog(storage::KvStore* store, PiiAuditColumnFamilies families, Clock clock,
                         uint64_t next_sequence)
    : store_(store), families_(families), clock_(std::move(clock)), next_sequence_(next_sequence) {}

absl::Status PiiAuditLog::Append(v1::PiiAuditEntry entry) {
  const absl::Time now = entry.has_at() && IsValidProtoTimestamp(entry.at())
                             ? FromProtoTimestamp(entry.at())
                             : clock_();
  const uint64_t sequence = next_sequence_.fetch_add(1);
  ToProtoTimestamp(now, entry.mutable_at());
  entry.set_sequence(sequence);
  const std::string position = Position(MicrosOf(now), sequence);
  std::unique_ptr<storage::WriteBatch> batch = store_->NewWriteBatch();
  batch->Put(families_.entries, position, entry.SerializeAsString());
  if (!entry.key_id().empty()) {
    batch->Put(families_.by_key, IndexPrefix(entry.key_id()) + position, "");
  }
  for (const std::string& profile_id : entry.profile_ids()) {
    batch->Put(families_.by_profile, IndexPrefix(profile_id) + position, "");
  }
  absl::MutexLock lock(&write_mu_);
  return store_->Write(*batch);
}

absl::StatusOr<v1::ListPiiAuditResponse> PiiAuditLog::List(
    const v1::ListPiiAuditRequest& request) const {
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size: must not be negative");
  }
  const int page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  std::string start = Position(0, 0);
  if (request.has_since()) {
    CLT_ASSIGN_OR_RETURN(absl::Time since, ParseProtoTimestamp(request.since(), "since"));
    start = Position(MicrosOf(since), 0);
  }
  if (!request.page_token().empty()) {
    CLT_ASSIGN_OR_RETURN(std::string resume, ParsePageToken(request.page_token()));
    start = std::max(start, resume);
  }

  // The most selective index that applies; the other filter is checked on each entry.
  storage::ColumnFamilyId family = families_.entries;
  std::string prefix;
  if (!request.profile_id().empty()) {
    family = families_.by_profile;
    prefix = IndexPrefix(request.profile_id());
  } else if (!request.key_id().empty()) {
    family = families_.by_key;
    prefix = IndexPrefix(request.key_id());
  }
  storage::IteratorBounds bounds;
  bounds.lower_bound = prefix;
  bounds.upper_bound = prefix.empty() ? "" : storage::PrefixSuccessor(prefix);
  std::unique_ptr<storage::KvIterator> it = store_->NewIterator(family, bounds);

  v1::ListPiiAuditResponse response;
  for (it->Seek(prefix + start); it->Valid(); it->Next()) {
    const std::string_view position = it->key().substr(prefix.size());
    if (position.size() != kPositionBytes) {
      absl::Status damaged = absl::DataLossError(absl::StrCat(
          "pii_audit: an index key of ", it->key().size(), " bytes does not end in a position"));
      store_->ReportCorruption(damaged);
      return damaged;
    }
    v1::PiiAuditEntry entry;
    if (family == families_.entries) {
      if (!entry.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        absl::Status damaged = absl::DataLossError(
            absl::StrCat("pii_audit: the entry at ", Hex(position), " does not parse"));
        store_->ReportCorruption(damaged);
        return damaged;
      }
    } else {
      CLT_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                           store_->Get(families_.entries, position));
      if (!bytes.has_value() || !entry.ParseFromString(*bytes)) {
        absl::Status damaged =
            absl::DataLossError(absl::StrCat("pii_audit: the entry at ", Hex(position),
                                             " that an index names is missing or does not parse"));
        store_->ReportCorruption(damaged);
        return damaged;
      }
    }
    if (!request.key_id().empty() && entry.key_id() != request.key_id()) continue;
    if (response.entries_size() == page_size) {
      response.set_next_page_token(Hex(position));
      break;
    }
    *response.add_entries() = std::move(entry);
  }
  CLT_RETURN_IF_ERROR(it->status());
  return response;
}

}  // namespace clientele::gateway
