#include "ingest/consumer_registry.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
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
                                      uint64_t applied_sequence, absl::Time now) {
  if (consumer.empty() || consumer.size() > 128 || consumer.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("consumer: must be 1 to 128 bytes without NUL");
  }
  absl::MutexLock l(&mu_);
  v1::ConsumerInfo& info = consumers_[{consumer, partition}];
  if (!info.consumer().empty() && info.applied_sequence() > applied_sequence) {
    return absl::OkStatus();
  }
  info.set_consumer(consumer);
  info.set_partition(partition);
  info.set_applied_sequence(applied_sequence);
  const int64_t nanos = absl::ToUnixNanos(now);
  info.mutable_updated_at()->set_seconds(nanos / 1000000000);
  info.mutable_updated_at()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
  auto batch = store_->NewWriteBatch();
  batch->Put(kConsumersCf, ConsumerKey(consumer, partition), info.SerializeAsString());
  return store_->Write(*batch);
}

std::vector<v1::ConsumerInfo> ConsumerRegistry::List() const {
  absl::MutexLock l(&mu_);
  std::vector<v1::ConsumerInfo> out;
  out.reserve(consumers_.size());
  for (const auto& [key, info] : consumers_) out.push_back(info);
  return out;
}

}  // namespace clientele::ingest
