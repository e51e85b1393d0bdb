// SnapshotHolder: the serving snapshot currently in force, swapped atomically when a Train job
// publishes a new one. Readers never block on training and take no lock on the common path:
// Get() compares a per-thread cached generation with an atomic counter and only on a change
// re-reads the shared_ptr (std::atomic_load). A reader keeps the snapshot it got alive for as
// long as it holds the shared_ptr; an idle thread's cache keeps the previous snapshot alive
// until that thread's next Get() (or exit).
//
// Also holds the live profiling consents (ConsentOverlay): changes the applier committed
// after the snapshot was built, so that a revoked consent takes effect at once.
//
// Every change (a snapshot published or replaced, consents updated or forgotten) counts one
// in changes(); AwaitChange lets a follower (the replication stream to serving replicas)
// wait for the next one.
//
// Thread-safe.
#ifndef CLIENTELE_RECOMMENDER_SERVING_SNAPSHOT_HOLDER_H_
#define CLIENTELE_RECOMMENDER_SERVING_SNAPSHOT_HOLDER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "recommender/serving/serving_snapshot.h"

namespace clientele::recommender {

// Source key text ("system/id", FormatSourceKey) -> (consent 1 granted / 2 not, unix seconds).
using ConsentMap = absl::flat_hash_map<std::string, std::pair<int32_t, int64_t>>;

// A copy-on-write map read like the snapshot (per-thread cache + generation).
template <typename T>
class AtomicShared {
 public:
  AtomicShared() : id_(NextId()) {}

  std::shared_ptr<const T> Get() const {
    struct Cache {
      uint64_t owner = 0;
      uint64_t generation = 0;
      std::shared_ptr<const T> value;
    };
    thread_local Cache cache;
    const uint64_t generation = generation_.load(std::memory_order_acquire);
    if (cache.owner != id_ || cache.generation != generation) {
      cache.value = std::atomic_load_explicit(&value_, std::memory_order_acquire);
      cache.owner = id_;
      cache.generation = generation;
    }
    return cache.value;
  }

  void Set(std::shared_ptr<const T> value) {
    std::atomic_store_explicit(&value_, std::move(value), std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }

 private:
  static uint64_t NextId() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1);
  }

  const uint64_t id_;
  std::atomic<uint64_t> generation_{1};
  std::shared_ptr<const T> value_;
};

class SnapshotHolder {
 public:
  SnapshotHolder() { consents_.Set(std::make_shared<const ConsentMap>()); }

  // Null until the first Publish.
  std::shared_ptr<const ServingSnapshot> Get() const { return snapshot_.Get(); }
  void Publish(std::shared_ptr<const ServingSnapshot> snapshot) {
    absl::MutexLock l(&write_mu_);
    snapshot_.Set(std::move(snapshot));
    ++changes_;
  }
  // Publishes `snapshot` only while the snapshot in force is still of version `version` (an
  // erasure replacing the served version by its rewritten copy must not undo a newer one that
  // a Train job published meanwhile). Returns whether it published.
  bool ReplaceIfVersion(uint64_t version, std::shared_ptr<const ServingSnapshot> snapshot) {
    absl::MutexLock l(&write_mu_);
    const std::shared_ptr<const ServingSnapshot> current = snapshot_.Get();
    if (current == nullptr || current->version() != version) return false;
    snapshot_.Set(std::move(snapshot));
    ++changes_;
    return true;
  }

  // Live consents (never null).
  std::shared_ptr<const ConsentMap> consents() const { return consents_.Get(); }
  // Records consent changes (newer times win). Writers serialize on a mutex; readers do not.
  void UpdateConsents(
      const std::vector<std::pair<std::string, std::pair<int32_t, int64_t>>>& changes) {
    absl::MutexLock l(&write_mu_);
    auto next = std::make_shared<ConsentMap>(*consents_.Get());
    for (const auto& [key, value] : changes) {
      auto [it, inserted] = next->emplace(key, value);
      if (!inserted && it->second.second <= value.second) it->second = value;
    }
    consents_.Set(std::move(next));
    ++changes_;
  }
  // Replaces the live consents by `consents` (a serving replica taking the trainer's).
  void SetConsents(std::shared_ptr<const ConsentMap> consents) {
    absl::MutexLock l(&write_mu_);
    consents_.Set(std::move(consents));
    ++changes_;
  }
  // Drops the live consents of `keys` (source key texts): erasure of their subjects.
  void ForgetConsents(const std::vector<std::string>& keys) {
    absl::MutexLock l(&write_mu_);
    auto next = std::make_shared<ConsentMap>(*consents_.Get());
    for (const std::string& key : keys) next->erase(key);
    consents_.Set(std::move(next));
    ++changes_;
  }

  // The number of changes so far (starts at 0).
  uint64_t changes() const {
    absl::MutexLock l(&write_mu_);
    return changes_;
  }
  // Blocks until changes() exceeds `seen` or `deadline` passes; returns changes().
  uint64_t AwaitChange(uint64_t seen, absl::Time deadline) const {
    absl::MutexLock l(&write_mu_);
    // Evaluated by the mutex with write_mu_ held.
    auto changed = [this, seen]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return changes_ > seen; };
    write_mu_.AwaitWithDeadline(absl::Condition(&changed), deadline);
    return changes_;
  }

 private:
  AtomicShared<ServingSnapshot> snapshot_;
  AtomicShared<ConsentMap> consents_;
  mutable absl::Mutex write_mu_;
  uint64_t changes_ ABSL_GUARDED_BY(write_mu_) = 0;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_SERVING_SNAPSHOT_HOLDER_H_
