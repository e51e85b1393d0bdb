#include "analytics/state/analytics_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "analytics/analytics_schema.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"

namespace clientele::analytics {
namespace {

std::string ActiveKey(v1::JobKind kind) { return absl::StrCat("active/", v1::JobKind_Name(kind)); }

std::string VersionPrefix(uint64_t version) { return storage::EncodeUint64(version); }

std::string RowKey(uint64_t version, std::string_view profile_id) {
  std::string key = VersionPrefix(version);
  key.append(profile_id);
  return key;
}

// [u32 n][encoded source key: n bytes]: the length keeps "a/c1" from prefixing "a/c10".
std::string OrdersPrefix(const common::v1::SourceKey& key) {
  const std::string encoded = EncodeSourceKey(key);
  std::string prefix;
  storage::AppendUint32(prefix, static_cast<uint32_t>(encoded.size()));
  prefix.append(encoded);
  return prefix;
}

template <typename Message>
absl::StatusOr<Message> ParseValue(std::string_view bytes, const char* what, std::string_view key) {
  Message message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("analytics store: corrupt ", what, " at key '",
                     absl::CHexEscape(absl::string_view(key.data(), key.size())), "'"));
  }
  return message;
}

template <typename Message>
absl::StatusOr<std::optional<Message>> GetMessage(const storage::KvStore& kv,
                                                  storage::ColumnFamilyId cf, std::string_view key,
                                                  const char* what) {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> value, kv.Get(cf, key));
  if (!value) return std::optional<Message>();
  CLT_ASSIGN_OR_RETURN(Message message, ParseValue<Message>(*value, what, key));
  return std::optional<Message>(std::move(message));
}

}  // namespace

absl::StatusOr<std::optional<CustomerOrderAggregate>> AnalyticsStore::GetAggregate(
    const common::v1::SourceKey& key) const {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> value,
                       kv_->Get(kAggregatesCf, EncodeSourceKey(key)));
  if (!value) return std::optional<CustomerOrderAggregate>();
  absl::StatusOr<CustomerOrderAggregate> aggregate = CustomerOrderAggregate::Decode(*value);
  if (!aggregate.ok()) {
    return absl::DataLossError(
        absl::StrCat("aggregate of ", FormatSourceKey(key), ": ", aggregate.status().message()));
  }
  return std::optional<CustomerOrderAggregate>(std::move(*aggregate));
}

void AnalyticsStore::PutAggregate(storage::WriteBatch& batch, const common::v1::SourceKey& key,
                                  const CustomerOrderAggregate& aggregate) const {
  batch.Put(kAggregatesCf, EncodeSourceKey(key), aggregate.Encode());
}

absl::StatusOr<std::optional<common::v1::CustomerUpsert>> AnalyticsStore::GetAttributes(
    const common::v1::SourceKey& key) const {
  const std::string k = EncodeSourceKey(key);
  return GetMessage<common::v1::CustomerUpsert>(*kv_, kAttributesCf, k, "attributes");
}

void AnalyticsStore::PutAttributes(storage::WriteBatch& batch, const common::v1::SourceKey& key,
                                   const common::v1::CustomerUpsert& attributes) const {
  batch.Put(kAttributesCf, EncodeSourceKey(key), attributes.SerializeAsString());
}

void AnalyticsStore::PutOrder(storage::WriteBatch& batch, const v1::CustomerOrder& order) const {
  const int64_t micros =
      order.occurred_at().seconds() * 1000000 + order.occurred_at().nanos() / 1000;
  // Sign bit flipped: unsigned order equals signed order; inverted: newest first.
  const uint64_t newest_first = ~(static_cast<uint64_t>(micros) ^ (uint64_t{1} << 63));
  std::string key = OrdersPrefix(order.customer());
  storage::AppendUint64(key, newest_first);
  key.append(order.order_id());
  batch.Put(kOrdersCf, key, order.SerializeAsString());
}

absl::StatusOr<std::vector<v1::CustomerOrder>> AnalyticsStore::LatestOrders(
    const common::v1::SourceKey& key, int limit) const {
  std::vector<v1::CustomerOrder> orders;
  const std::string prefix = OrdersPrefix(key);
  storage::IteratorBounds bounds;
  bounds.lower_bound = prefix;
  bounds.upper_bound = storage::PrefixSuccessor(prefix);
  std::unique_ptr<storage::KvIterator> it = kv_->NewIterator(kOrdersCf, bounds);
  for (it->Seek(prefix); it->Valid() && static_cast<int>(orders.size()) < limit; it->Next()) {
    CLT_ASSIGN_OR_RETURN(v1::CustomerOrder order,
                         ParseValue<v1::CustomerOrder>(it->value(), "order", it->key()));
    orders.push_back(std::move(order));
  }
  CLT_RETURN_IF_ERROR(it->status());
  return orders;
}

absl::StatusOr<int64_t> AnalyticsStore::DeleteCustomer(storage::WriteBatch& batch,
                                                       const common::v1::SourceKey& key) const {
  const std::string encoded = EncodeSourceKey(key);
  int64_t deleted = 0;
  for (storage::ColumnFamilyId cf : {kAggregatesCf, kAttributesCf}) {
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_->Get(cf, encoded));
    if (!value) continue;
    batch.Delete(cf, encoded);
    ++deleted;
  }
  const std::string prefix = OrdersPrefix(key);
  storage::IteratorBounds bounds;
  bounds.lower_bound = prefix;
  bounds.upper_bound = storage::PrefixSuccessor(prefix);
  std::unique_ptr<storage::KvIterator> it = kv_->NewIterator(kOrdersCf, bounds);
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    batch.Delete(kOrdersCf, it->key());
    ++deleted;
  }
  CLT_RETURN_IF_ERROR(it->status());
  return deleted;
}

absl::Status AnalyticsStore::ForEachAggregate(
    const std::function<absl::Status(const common::v1::SourceKey&, const CustomerOrderAggregate&)>&
        visit) const {
  std::unique_ptr<storage::KvIterator> it = kv_->NewIterator(kAggregatesCf);
  for (it->Seek(""); it->Valid(); it->Next()) {
    CLT_ASSIGN_OR_RETURN(common::v1::SourceKey key, DecodeSourceKey(it->key(), "analytics"));
    absl::StatusOr<CustomerOrderAggregate> aggregate = CustomerOrderAggregate::Decode(it->value());
    if (!aggregate.ok()) {
      return absl::DataLossError(
          absl::StrCat("aggregate of ", FormatSourceKey(key), ": ", aggregate.status().message()));
    }
    CLT_RETURN_IF_ERROR(visit(key, *aggregate));
  }
  return it->status();
}

absl::Status AnalyticsStore::ForEachAttributes(
    const std::function<absl::Status(const common::v1::SourceKey&,
                                     const common::v1::CustomerUpsert&)>& visit) const {
  std::unique_ptr<storage::KvIterator> it = kv_->NewIterator(kAttributesCf);
  for (it->Seek(""); it->Valid(); it->Next()) {
    CLT_ASSIGN_OR_RETURN(common::v1::SourceKey key, DecodeSourceKey(it->key(), "analytics"));
    CLT_ASSIGN_OR_RETURN(
        common::v1::CustomerUpsert attributes,
        ParseValue<common::v1::CustomerUpsert>(it->value(), "attributes", it->key()));
    CLT_RETURN_IF_ERROR(visit(key, attributes));
  }
  return it->status();
}

absl::StatusOr<std::optional<v1::Model>> AnalyticsStore::GetModel(uint64_t version) const {
  return GetMessage<v1::Model>(*kv_, kModelsCf, storage::EncodeUint64(version), "model");
}

void AnalyticsStore::PutModel(storage::WriteBatch& batch, const v1::Model& model) const {
  batch.Put(kModelsCf, storage::EncodeUint64(model.version()), model.SerializeAsString());
}

absl::StatusOr<uint64_t> AnalyticsStore::AllocateModelVersion() {
  constexpr char kNextVersion[] = "next_version";
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_->Get(kMetaCf, kNextVersion));
  uint64_t next = 1;
  if (value) {
    if (value->size() != 8) return absl::DataLossError("analytics store: malformed next_version");
    next = storage::DecodeUint64(*value);
  }
  CLT_ASSIGN_OR_RETURN(uint64_t last, LastModelVersion());
  next = std::max(next, last + 1);
  std::unique_ptr<storage::WriteBatch> batch = kv_->NewWriteBatch();
  batch->Put(kMetaCf, kNextVersion, storage::EncodeUint64(next + 1));
  CLT_RETURN_IF_ERROR(kv_->Write(*batch));
  return next;
}

absl::StatusOr<uint64_t> AnalyticsStore::LastAllocatedVersion() const {
  CLT_ASSIGN_OR_RETURN(uint64_t last, LastModelVersion());
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> next, kv_->Get(kMetaCf, "next_version"));
  if (next && next->size() == 8 && storage::DecodeUint64(*next) > 0) {
    last = std::max(last, storage::DecodeUint64(*next) - 1);
  }
  return last;
}

absl::StatusOr<uint64_t> AnalyticsStore::LastModelVersion() const {
  std::unique_ptr<storage::KvIterator> it = kv_->NewIterator(kModelsCf);
  it->SeekToLast();
  if (!it->Valid()) {
    CLT_RETURN_IF_ERROR(it->status());
    return 0;
  }
  if (it->key().size() != 8) return absl::DataLossError("analytics store: malformed model key");
  return storage::DecodeUint64(it->key());
}

absl::StatusOr<uint64_t> AnalyticsStore::ActiveVersion(v1::JobKind kind) const {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_->Get(kMetaCf, ActiveKey(kind)));
  if (!value) return 0;
  if (value->size() != 8) {
    return absl::DataLossError(absl::StrCat("analytics store: malformed ", ActiveKey(kind)));
  }
  return storage::DecodeUint64(*value);
}

void AnalyticsStore::PutActiveVersion(storage::WriteBatch& batch, v1::JobKind kind,
                                      uint64_t version) const {
  batch.Put(kMetaCf, ActiveKey(kind), storage::EncodeUint64(version));
}

void AnalyticsStore::PutRfmRow(storage::WriteBatch& batch, uint64_t version,
                               const v1::RfmRow& row) const {
  batch.Put(kRfmRowsCf, RowKey(version, row.profile_id()), row.SerializeAsString());
}

absl::StatusOr<std::optional<v1::RfmRow>> AnalyticsStore::GetRfmRow(
    uint64_t version, std::string_view profile_id) const {
  return GetMessage<v1::RfmRow>(*kv_, kRfmRowsCf, RowKey(version, profile_id), "rfm row");
}

absl::StatusOr<std::vector<v1::RfmRow>> AnalyticsStore::RfmRowsAfter(
    uint64_t version, std::string_view after, int limit,
    const std::function<bool(const v1::RfmRow&)>& filter, const Interrupt& interrupt) const {
  std::vector<v1::RfmRow> rows;
  const std::string prefix = VersionPrefix(version);
  storage::IteratorBounds bounds;
  bounds.lower_bound = prefix;
  bounds.upper_bound = storage::PrefixSuccessor(prefix);
  std::unique_ptr<storage::KvIterator> it = kv_->NewIterator(kRfmRowsCf, bounds);
  std::string start = RowKey(version, after);
  if (!after.empty()) start.push_back('\0');  // The smallest key after `after`.
  int64_t scanned = 0;
  for (it->Seek(start); it->Valid() && static_cast<int>(rows.size()) < limit; it->Next()) {
    if (++scanned % kInterruptCheckEvery == 0) CLT_RETURN_IF_ERROR(interrupt.Check());
    CLT_ASSIGN_OR_RETURN(v1::RfmRow row, ParseValue<v1::RfmRow>(it->value(), "rfm row", it->key()));
    if (filter && !filter(row)) continue;
    rows.push_back(std::move(row));
  }
  CLT_RETURN_IF_ERROR(it->status());
  return rows;
}

void AnalyticsStore::PutClusterRow(storage::WriteBatch& batch, uint64_t version,
                                   std::string_view profile_id, int32_t cluster) const {
  std::string value;
  storage::AppendUint32(value, static_cast<uint32_t>(cluster));
  batch.Put(kClusterRowsCf, RowKey(version, profile_id), value);
}

absl::StatusOr<std::optional<int32_t>> AnalyticsStore::GetClusterRow(
    uint64_t version, std::string_view profile_id) const {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> value,
                       kv_->Get(kClusterRowsCf, RowKey(version, profile_id)));
  if (!value) return std::optional<int32_t>();
  if (value->size() != 4) return absl::DataLossError("analytics store: malformed cluster row");
  return std::optional<int32_t>(static_cast<int32_t>(storage::DecodeUint32(*value)));
}

absl::StatusOr<int64_t> AnalyticsStore::DeleteProfileRows(storage::WriteBatch& batch,
                                                          uint64_t version,
                                                          std::string_view profile_id) const {
  const std::string key = RowKey(version, profile_id);
  int64_t deleted = 0;
  for (storage::ColumnFamilyId cf : {kRfmRowsCf, kClusterRowsCf}) {
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_->Get(cf, key));
    if (!value) continue;
    batch.Delete(cf, key);
    ++deleted;
  }
  return deleted;
}

void AnalyticsStore::PutMember(storage::WriteBatch& batch, uint64_t version,
                               const common::v1::SourceKey& key,
                               std::string_view profile_id) const {
  batch.Put(kMembersCf, RowKey(version, EncodeSourceKey(key)), profile_id);
}

absl::StatusOr<std::optional<std::string>> AnalyticsStore::GetMember(
    uint64_t version, const common::v1::SourceKey& key) const {
  return kv_->Get(kMembersCf, RowKey(version, EncodeSourceKey(key)));
}

void AnalyticsStore::DeleteMember(storage::WriteBatch& batch, uint64_t version,
                                  const common::v1::SourceKey& key) const {
  batch.Delete(kMembersCf, RowKey(version, EncodeSourceKey(key)));
}

}  // namespace clientele::analytics
