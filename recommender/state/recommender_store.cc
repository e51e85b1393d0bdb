#include "recommender/state/recommender_store.h"

#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "recommender/recommender_schema.h"

namespace clientele::recommender {
namespace {

constexpr char kActive[] = "active";
constexpr char kNextVersion[] = "next_version";

std::string Hex(std::string_view key) {
  return absl::CHexEscape(absl::string_view(key.data(), key.size()));
}

template <typename Message>
absl::StatusOr<Message> ParseValue(std::string_view bytes, const char* what, std::string_view key) {
  Message message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("recommender store: corrupt ", what, " at key '", Hex(key), "'"));
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

// Visits every value of `cf` parsed as Message.
template <typename Message>
absl::Status ForEachMessage(
    const storage::KvStore& kv, storage::ColumnFamilyId cf, const char* what,
    const std::function<absl::Status(std::string_view key, const Message&)>& visit) {
  std::unique_ptr<storage::KvIterator> it = kv.NewIterator(cf);
  Message message;
  for (it->Seek(""); it->Valid(); it->Next()) {
    if (!message.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("recommender store: corrupt ", what, " at key '", Hex(it->key()), "'"));
    }
    CLT_RETURN_IF_ERROR(visit(it->key(), message));
  }
  return it->status();
}

std::string ArtifactKey(uint64_t version, std::string_view name) {
  std::string key = storage::EncodeUint64(version);
  key.append(name);
  return key;
}

}  // namespace

void RecommenderStore::PutOrder(storage::WriteBatch& batch, const common::v1::Event& event) const {
  const common::v1::SourceKey& customer = event.order().customer();
  std::string key;
  if (customer.system().empty() && customer.id().empty()) {
    key.push_back('\0');
  } else {
    key = EncodeSourceKey(customer);
  }
  key.push_back('\0');
  key.append(EncodeSourceKey(event.source()));
  batch.Put(kOrdersCf, key, event.SerializeAsString());
}

void RecommenderStore::PutInteraction(storage::WriteBatch& batch, uint64_t sequence,
                                      const common::v1::Event& event) const {
  std::string key = EncodeSourceKey(event.source());
  storage::AppendUint64(key, sequence);
  batch.Put(kInteractionsCf, key, event.SerializeAsString());
}

absl::StatusOr<std::optional<common::v1::ProductUpsert>> RecommenderStore::GetProduct(
    std::string_view sku) const {
  return GetMessage<common::v1::ProductUpsert>(*kv_, kProductsCf, sku, "product");
}

void RecommenderStore::PutProduct(storage::WriteBatch& batch,
                                  const common::v1::ProductUpsert& product) const {
  batch.Put(kProductsCf, product.sku(), product.SerializeAsString());
}

void RecommenderStore::PutCustomer(storage::WriteBatch& batch,
                                   const common::v1::SourceKey& key) const {
  batch.Put(kCustomersCf, EncodeSourceKey(key), "");
}

absl::StatusOr<bool> RecommenderStore::HasCustomer(const common::v1::SourceKey& key) const {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> value,
                       kv_->Get(kCustomersCf, EncodeSourceKey(key)));
  return value.has_value();
}

void RecommenderStore::PutPurchase(storage::WriteBatch& batch,
                                   const common::v1::SourceKey& customer, uint32_t partition,
                                   uint64_t sequence, const v1::PurchasedItems& items) const {
  std::string key = EncodeSourceKey(customer);
  key.push_back('\0');
  storage::AppendUint32(key, partition);
  storage::AppendUint64(key, sequence);
  batch.Put(kPurchasesCf, key, items.SerializeAsString());
}

absl::Status RecommenderStore::ForEachPurchaseSince(
    const common::v1::SourceKey& customer,
    const google::protobuf::RepeatedPtrField<v1::AppliedPosition>& after,
    const std::function<void(const std::string& sku)>& visit) const {
  std::string prefix = EncodeSourceKey(customer);
  prefix.push_back('\0');
  std::string end = prefix;
  end.back() = '\1';  // The first key past the prefix.
  std::unique_ptr<storage::KvIterator> it = kv_->NewIterator(kPurchasesCf, {prefix, end});
  auto floor_of = [&after](uint32_t partition) -> uint64_t {
    for (const v1::AppliedPosition& p : after) {
      if (p.partition() == partition) return p.sequence();
    }
    return 0;
  };
  v1::PurchasedItems items;
  it->Seek(prefix);
  while (it->Valid()) {
    const std::string_view key = it->key();
    // Another customer whose id extends this one's ("a" and "a\0..."): not ours.
    if (key.size() != prefix.size() + 12) {
      it->Next();
      continue;
    }
    const uint32_t partition = storage::DecodeUint32(key.substr(prefix.size(), 4));
    const uint64_t sequence = storage::DecodeUint64(key.substr(prefix.size() + 4, 8));
    const uint64_t floor = floor_of(partition);
    if (sequence <= floor) {
      std::string target = prefix;
      if (floor == UINT64_MAX) {
        if (partition == UINT32_MAX) break;
        storage::AppendUint32(target, partition + 1);
      } else {
        storage::AppendUint32(target, partition);
        storage::AppendUint64(target, floor + 1);
      }
      it->Seek(target);
      continue;
    }
    if (!items.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("recommender store: corrupt purchase at key '", Hex(key), "'"));
    }
    for (const std::string& sku : items.skus()) visit(sku);
    it->Next();
  }
  return it->status();
}

absl::Status RecommenderStore::ForEachPurchaseSince(
    const std::string& source_key_text,
    const google::protobuf::RepeatedPtrField<v1::AppliedPosition>& after,
    const std::function<void(const std::string& sku)>& visit) const {
  absl::StatusOr<common::v1::SourceKey> key = ParseSourceKey(source_key_text, "source_key");
  if (!key.ok()) return absl::OkStatus();
  return ForEachPurchaseSince(*key, after, visit);
}

absl::StatusOr<std::vector<v1::AppliedPosition>> RecommenderStore::AppliedLog() const {
  // LogConsumer::ProgressKey("recommender", p): "applied/recommender" 0x00 [u32 p].
  std::string prefix = "applied/recommender";
  prefix.push_back('\0');
  std::string end = prefix;
  end.back() = '\1';
  std::unique_ptr<storage::KvIterator> it = kv_->NewIterator(kMetaCf, {prefix, end});
  std::vector<v1::AppliedPosition> out;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (it->key().size() != prefix.size() + 4 || it->value().size() != 8) {
      return absl::DataLossError(absl::StrCat(
          "recommender store: malformed applied position at key '", Hex(it->key()), "'"));
    }
    v1::AppliedPosition& p = out.emplace_back();
    p.set_partition(storage::DecodeUint32(it->key().substr(prefix.size())));
    p.set_sequence(storage::DecodeUint64(it->value()));
  }
  CLT_RETURN_IF_ERROR(it->status());
  return out;
}

absl::StatusOr<std::optional<v1::ConsentRecord>> RecommenderStore::GetConsent(
    const common::v1::SourceKey& key) const {
  return GetMessage<v1::ConsentRecord>(*kv_, kConsentsCf, EncodeSourceKey(key), "consent");
}

void RecommenderStore::PutConsent(storage::WriteBatch& batch, const common::v1::SourceKey& key,
                                  const v1::ConsentRecord& record) const {
  batch.Put(kConsentsCf, EncodeSourceKey(key), record.SerializeAsString());
}

absl::Status RecommenderStore::ForEachOrder(
    const std::function<absl::Status(const common::v1::Event&)>& visit) const {
  return ForEachMessage<common::v1::Event>(
      *kv_, kOrdersCf, "order",
      [&](std::string_view, const common::v1::Event& event) { return visit(event); });
}

absl::Status RecommenderStore::ForEachInteraction(
    const std::function<absl::Status(const common::v1::Event&)>& visit) const {
  return ForEachMessage<common::v1::Event>(
      *kv_, kInteractionsCf, "interaction",
      [&](std::string_view, const common::v1::Event& event) { return visit(event); });
}

absl::Status RecommenderStore::ForEachProduct(
    const std::function<absl::Status(const common::v1::ProductUpsert&)>& visit) const {
  return ForEachMessage<common::v1::ProductUpsert>(
      *kv_, kProductsCf, "product",
      [&](std::string_view, const common::v1::ProductUpsert& product) { return visit(product); });
}

absl::Status RecommenderStore::ForEachCustomer(
    const std::function<absl::Status(const common::v1::SourceKey&)>& visit) const {
  std::unique_ptr<storage::KvIterator> it = kv_->NewIterator(kCustomersCf);
  for (it->Seek(""); it->Valid(); it->Next()) {
    CLT_ASSIGN_OR_RETURN(common::v1::SourceKey key, DecodeSourceKey(it->key(), "recommender"));
    CLT_RETURN_IF_ERROR(visit(key));
  }
  return it->status();
}

absl::Status RecommenderStore::ForEachConsent(
    const std::function<absl::Status(const common::v1::SourceKey&, const v1::ConsentRecord&)>&
        visit) const {
  return ForEachMessage<v1::ConsentRecord>(
      *kv_, kConsentsCf, "consent",
      [&](std::string_view key, const v1::ConsentRecord& record) -> absl::Status {
        CLT_ASSIGN_OR_RETURN(common::v1::SourceKey source, DecodeSourceKey(key, "recommender"));
        return visit(source, record);
      });
}

void RecommenderStore::PutItemVector(storage::WriteBatch& batch, std::string_view sku,
                                     const std::vector<float>& values) const {
  std::string bytes(values.size() * sizeof(float), '\0');
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  batch.Put(kItemVectorsCf, sku, bytes);
}

absl::Status RecommenderStore::ForEachItemVector(
    const std::function<absl::Status(std::string_view sku, std::vector<float> values)>& visit)
    const {
  std::unique_ptr<storage::KvIterator> it = kv_->NewIterator(kItemVectorsCf);
  for (it->Seek(""); it->Valid(); it->Next()) {
    const std::string_view bytes = it->value();
    if (bytes.size() % sizeof(float) != 0) {
      return absl::DataLossError(
          absl::StrCat("recommender store: corrupt item vector at key '", Hex(it->key()), "'"));
    }
    std::vector<float> values(bytes.size() / sizeof(float));
    if (!values.empty()) std::memcpy(values.data(), bytes.data(), bytes.size());
    CLT_RETURN_IF_ERROR(visit(it->key(), std::move(values)));
  }
  return it->status();
}

absl::StatusOr<uint64_t> RecommenderStore::AllocateModelVersion() {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_->Get(kMetaCf, kNextVersion));
  uint64_t next = 1;
  if (value) {
    if (value->size() != 8) return absl::DataLossError("recommender store: malformed next_version");
    next = storage::DecodeUint64(*value);
  }
  std::unique_ptr<storage::WriteBatch> batch = kv_->NewWriteBatch();
  batch->Put(kMetaCf, kNextVersion, storage::EncodeUint64(next + 1));
  CLT_RETURN_IF_ERROR(kv_->Write(*batch));
  return next;
}

absl::StatusOr<std::optional<v1::ModelManifest>> RecommenderStore::GetManifest(
    uint64_t version) const {
  return GetMessage<v1::ModelManifest>(*kv_, kModelsCf, storage::EncodeUint64(version),
                                       "model manifest");
}

void RecommenderStore::PutManifest(storage::WriteBatch& batch,
                                   const v1::ModelManifest& manifest) const {
  batch.Put(kModelsCf, storage::EncodeUint64(manifest.version()), manifest.SerializeAsString());
}

absl::StatusOr<std::optional<std::string>> RecommenderStore::GetArtifact(
    uint64_t version, std::string_view name) const {
  return kv_->Get(kArtifactsCf, ArtifactKey(version, name));
}

void RecommenderStore::PutArtifact(storage::WriteBatch& batch, uint64_t version,
                                   std::string_view name, std::string_view bytes) const {
  batch.Put(kArtifactsCf, ArtifactKey(version, name), bytes);
}

absl::StatusOr<uint64_t> RecommenderStore::ActiveVersion() const {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_->Get(kMetaCf, kActive));
  if (!value) return 0;
  if (value->size() != 8) return absl::DataLossError("recommender store: malformed active version");
  return storage::DecodeUint64(*value);
}

void RecommenderStore::PutActiveVersion(storage::WriteBatch& batch, uint64_t version) const {
  batch.Put(kMetaCf, kActive, storage::EncodeUint64(version));
}

}  // namespace clientele::recommender
