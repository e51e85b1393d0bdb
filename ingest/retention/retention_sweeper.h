// Log retention: removes, per owned partition, the log entries that are older than the
// retention period AND that every consumer registered for the partition has applied, then
// purges their bytes from the store's files (docs/ingest.md, "Retention").
//
//   RetentionSweeper sweeper(log, consumers, {.retention = absl::Hours(24) * 30}, metrics);
//   sweeper.Start();   // sweeps now, then every options.interval
//   ...
//   sweeper.Stop();    // returns promptly, even in the middle of the wait
//
// Only a prefix of a partition is removed: the sweep stops at the first entry that is too
// young, not applied by every consumer, or whose ingested_at does not read. A partition with
// no registered consumer, or fenced for data loss, keeps everything. The event-id index is
// kept, so a retry of a removed event is still a duplicate.
//
// Thread-safe. `log`, `consumers` and `metrics` must outlive the sweeper.
#ifndef CLIENTELE_INGEST_RETENTION_RETENTION_SWEEPER_H_
#define CLIENTELE_INGEST_RETENTION_RETENTION_SWEEPER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/metrics/registry.h"
#include "ingest/consumer_registry.h"
#include "ingest/event_log.h"

namespace clientele::ingest {

struct RetentionOptions {
  // Entries ingested longer ago than this may be removed. Must be positive.
  absl::Duration retention = absl::InfiniteDuration();
  // Time between sweeps of the background thread. Must be positive.
  absl::Duration interval = absl::Hours(1);
  // The clock ingested_at is compared with; null means absl::Now.
  std::function<absl::Time()> clock;
  // Entries read per step of a sweep.
  int scan_batch = 256;
};

// What one sweep did.
struct SweepResult {
  std::map<uint32_t, uint64_t> removed;  // Partition -> entries removed (only where some were).
};

class RetentionSweeper {
 public:
  // `metrics` may be null (nothing is recorded).
  RetentionSweeper(EventLog* log, const ConsumerRegistry* consumers, RetentionOptions options,
                   metrics::Registry* metrics);
  ~RetentionSweeper();  // Stops.

  // Starts the thread: a sweep now, then one every `interval` until Stop. At most once.
  void Start();
  // Wakes the thread and joins it (a sweep in progress finishes its partition first).
  // Idempotent.
  void Stop();

  // One sweep of every owned partition, on the caller's thread (also what the thread runs;
  // sweeps never overlap). A partition whose removal or purge fails is left as it is and
  // the first such error is returned after the others were swept.
  absl::StatusOr<SweepResult> SweepOnce();

  // Sweeps done so far (by the thread or SweepOnce), for tests and metrics.
  int64_t sweeps() const;

 private:
  // The last sequence of `partition` that may be removed now (0: none).
  absl::StatusOr<uint64_t> RemovableThrough(uint32_t partition, absl::Time cutoff) const;
  void Run();

  EventLog* const log_;                      // Not owned.
  const ConsumerRegistry* const consumers_;  // Not owned.
  const RetentionOptions options_;
  metrics::Registry* const metrics_;  // Not owned; may be null.

  absl::Mutex sweep_mu_;  // Held through a sweep: sweeps never overlap.
  mutable absl::Mutex mu_;
  int64_t sweeps_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_RETENTION_RETENTION_SWEEPER_H_
