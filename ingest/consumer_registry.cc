#include "ingest/consumer_registry.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "common/time/proto_time.h"
#include "ingest/ingest_schema.h"

namespace clientele::ingest {
namespace {

std::string ConsumerKey(const std::string& consumer, uint32_t partition) {
  std::string key = consumer;
  key.push_back('\0');
  storage::AppendUint32(key, partition);
  return key;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ConsumerRegistry>> ConsumerRegistry::Open(storage::KvStore* store) {
  std::unique_ptr<ConsumerRegistry> registry(new ConsumerRegistry(store));
  auto it = store->NewIterator(kConsumersCf);
  absl::MutexLock l(&registry->mu_);
  for (it->Seek(""); it->Valid(); it->Next()) {
    v1::ConsumerInfo info;
    if (!info.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("consumers: unreadable record");
    }
    registry->consumers_[{info.consumer(), info.partition()}] = std::move(info);
  }
  CLT_RETURN_IF_ERROR(it->status());
  return registry;
}

absl::Status ConsumerRegistry::Commit(const std::string& consumer, uint32_t partition,
                                      uint64_t applied_sequence, std::string_view error,
                                      absl::Time now) {
  if (consumer.empty() || consumer.size() > 128 || consumer.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("consumer: must be 1 to 128 bytes without NUL");
  }
  constexpr size_t kMaxErrorBytes = 1024;
  absl::MutexLock l(&mu_);
  v1::ConsumerInfo& info = consumers_[{consumer, partition}];
  if (!info.consumer().empty() && info.applied_sequence() > applied_sequence &&
      error == info.error()) {
    return absl::OkStatus();
  }
  info.set_consumer(consumer);
  info.set_partition(partition);
  info.set_applied_sequence(std::max(info.applied_sequence(), applied_sequence));
  info.set_error(std::string(error.substr(0, kMaxErrorBytes)));
  ToProtoTimestamp(now, info.mutable_updated_at());
  auto batch = store_->NewWriteBatch();
  batch->Put(kConsumersCf, ConsumerKey(consumer, partition), info.SerializeAsString());
  return store_->Write(*batch);
}

absl::StatusOr<int> ConsumerRegistry::Remove(const std::string& consumer) {
  absl::MutexLock l(&mu_);
  auto batch = store_->NewWriteBatch();
  std::vector<uint32_t> partitions;
  for (auto it = consumers_.lower_bound({consumer, 0});
       it != consumers_.end() && it->first.first == consumer; ++it) {
    partitions.push_back(it->first.second);
    batch->Delete(kConsumersCf, ConsumerKey(consumer, it->first.second));
  }
  if (partitions.empty()) {
    return absl::NotFoundError(absl::StrCat("consumer: '", consumer, "' is not registered"));
  }
  CLT_RETURN_IF_ERROR(store_->Write(*batch));
  for (uint32_t p : partitions) consumers_.erase({consumer, p});
  return static_cast<int>(partitions.size());
}

bool ConsumerRegistry::IsRegistered(const std::string& consumer) const {
  absl::MutexLock l(&mu_);
  auto it = consumers_.lower_bound({consumer, 0});
  return it != consumers_.end() && it->first.first == consumer;
}

std::optional<v1::ConsumerInfo> ConsumerRegistry::FurthestAhead(uint32_t partition,
                                                                uint64_t last_sequence) const {
  absl::MutexLock l(&mu_);
  std::optional<v1::ConsumerInfo> furthest;
  for (const auto& [key, info] : consumers_) {
    if (key.second != partition || info.applied_sequence() <= last_sequence) continue;
    if (!furthest || info.applied_sequence() > furthest->applied_sequence()) furthest = info;
  }
  return furthest;
}

std::vector<v1::ConsumerInfo> ConsumerRegistry::List() const {
  absl::MutexLock l(&mu_);
  std::vector<v1::ConsumerInfo> out;
  out.reserve(consumers_.size());
  for (const auto& [key, info] : consumers_) out.push_back(info);
  return out;
}

}  // namespace clientele::ingest
