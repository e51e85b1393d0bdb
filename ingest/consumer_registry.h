// Remembers, per consumer and partition, the last sequence the consumer reported as durably
// applied (and the error it stopped on, if it did). GetLogInfo shows it; `clientele sync`
// waits on it; a registered consumer ahead of the log's end fences the log (EventLog). A
// consumer registers with its first report and stays until removed. Thread-safe.
#ifndef CLIENTELE_INGEST_CONSUMER_REGISTRY_H_
#define CLIENTELE_INGEST_CONSUMER_REGISTRY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clientele/ingest/v1/ingest.pb.h"
#include "common/storage/kv_store.h"

namespace clientele::ingest {

class ConsumerRegistry {
 public:
  // Loads what `store` remembers. `store` must outlive the registry.
  static absl::StatusOr<std::unique_ptr<ConsumerRegistry>> Open(storage::KvStore* store);

  // Records progress; a report lower than the stored one is ignored (late duplicates).
  // A non-empty `error` records that the consumer stopped on it; a later report without one
  // clears it. The caller checks the sequence against the log (CommitProgress: OUT_OF_RANGE).
  absl::Status Commit(const std::string& consumer, uint32_t partition, uint64_t applied_sequence,
                      std::string_view error, absl::Time now);

  // Forgets every partition of `consumer`; the number removed (NotFound when none).
  absl::StatusOr<int> Remove(const std::string& consumer);

  bool IsRegistered(const std::string& consumer) const;

  // The registered consumer furthest beyond `last_sequence` in `partition`, if any.
  std::optional<v1::ConsumerInfo> FurthestAhead(uint32_t partition, uint64_t last_sequence) const;

  std::vector<v1::ConsumerInfo> List() const;

 private:
  explicit ConsumerRegistry(storage::KvStore* store) : store_(store) {}

  storage::KvStore* const store_;  // Not owned.
  mutable absl::Mutex mu_;
  std::map<std::pair<std::string, uint32_t>, v1::ConsumerInfo> consumers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_CONSUMER_REGISTRY_H_
