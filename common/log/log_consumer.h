// A reusable consumer of the event log: one thread per partition tails it through a LogReader
// (log_reader.h: ingest's Subscribe stream for the embedded log, Kafka otherwise), hands
// each received batch to a LogApplier (a second thread per partition reads the stream one or
// two responses ahead and runs the applier's Prepare on them), and writes the applier's
// changes together with the partition's applied sequence in ONE WriteBatch, so a crash never
// applies an event twice or skips one. Batches are written on a third thread; for pipelined
// appliers (LogApplier::pipelined) the next batch is applied while the previous one is
// written. On stream errors it reconnects with exponential backoff and resumes from the
// stored applied sequence. It reports progress to ingest (CommitProgress) for GetLogInfo and
// `clientele sync`. Entries marked `erased` (their subject's data key is shredded,
// docs/ingest.md) never reach the applier; the applied sequence moves past them.
//
//   LogConsumer consumer(options, store, &applier, [&](uint32_t) { return channel; });
//   CLT_RETURN_IF_ERROR(consumer.Start());
//   ...
//   consumer.Stop();
//
// Thread-safe. `store` and `applier` must outlive the consumer.
#ifndef CLIENTELE_COMMON_LOG_LOG_CONSUMER_H_
#define CLIENTELE_COMMON_LOG_LOG_CONSUMER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/log/grpc_log_reader.h"
#include "common/log/log_applier.h"
#include "common/log/log_reader.h"
#include "common/log/sorted_write_batch.h"
#include "common/metrics/registry.h"
#include "common/storage/kv_store.h"
#include "grpcpp/channel.h"

namespace clientele::log {

struct LogConsumerOptions {
  std::string name;                         // Consumer name, e.g. "identity". Required.
  std::vector<uint32_t> partitions = {0};   // Partitions to consume.
  storage::ColumnFamilyId progress_cf = 0;  // Where applied sequences are stored.
  // Events per response (and per applied batch). Larger batches cost fewer commits and
  // denser sorted writes; while a pipelined applier catches up, readers wait for up to
  // kMaxPipelinedBatches of them (~0.4 s for identity at 1024).
  uint32_t max_batch_events = 1024;
  absl::Duration initial_backoff = absl::Milliseconds(20);
  absl::Duration max_backoff = absl::Seconds(5);
  absl::Duration progress_report_interval = absl::Milliseconds(100);
  // Not owned; must outlive the consumer. When set, the consumer exports
  // clientele_log_consumer_lag_events{consumer=name,partition} (consumer_lag.h) for each of its
  // partitions from its first response on: the partition's last sequence as the stream last
  // reported it minus the applied sequence.
  metrics::Registry* metrics = nullptr;
};

class LogConsumer {
 public:
  using ChannelForPartition = log::ChannelForPartition;

  // Reads the embedded log: ingest's Subscribe over `channels` (GrpcLogReader).
  LogConsumer(LogConsumerOptions options, storage::KvStore* store, LogApplier* applier,
              ChannelForPartition channels);
  // Reads through `reader` (e.g. Kafka); progress still goes to ingest over `channels`.
  LogConsumer(LogConsumerOptions options, storage::KvStore* store, LogApplier* applier,
              ChannelForPartition channels, std::shared_ptr<LogReader> reader);
  ~LogConsumer();  // Stops.

  // Loads the applied sequences and starts the partition threads.
  absl::Status Start();
  // Cancels the streams and joins the threads. Idempotent.
  void Stop();

  uint64_t applied_sequence(uint32_t partition) const;
  // The log it reads: its head of a partition is LogReader::EndOfLog.
  LogReader& reader() const { return *reader_; }
  // The last sequence of `partition` as its stream last reported it, minus the applied
  // sequence (0 until the first response, and for a partition not consumed here).
  uint64_t lag(uint32_t partition) const;

  // OK while every partition is consumed. A partition whose stream or store reports
  // DATA_LOSS (the log lost events this consumer applied, a damaged log entry, damaged own
  // state) or FAILED_PRECONDITION (log retention removed events it has not applied) stops
  // there, never skipping anything: its thread ends, the error is logged, reported to ingest
  // (GetLogInfo, `clientele sync` fail with it) and returned here, until restart.
  absl::Status Health() const;
  // True once `partition` has applied `sequence`; false at the deadline or when stopped.
  bool WaitForApplied(uint32_t partition, uint64_t sequence, absl::Time deadline) const;

  // The key under which `consumer` stores its applied sequence of `partition`.
  static std::string ProgressKey(const std::string& consumer, uint32_t partition);

 private:
  // Buffers a partition's loop reuses from batch to batch (a batch is megabytes: building
  // each in fresh memory cost growth copies and page faults, ~5% of the identity node's CPU).
  struct BatchBuffers {
    SortedWriteBatch changes;                    // The applier writes here.
    std::unique_ptr<storage::WriteBatch> spare;  // The batch written last, or null.
  };

  void Run(uint32_t partition);
  // The write of one response: the applier's changes (entries above `applied`) and the new
  // applied sequence; null when the response holds nothing above `applied`. Takes
  // buffers.spare as the batch when it has one.
  absl::StatusOr<std::unique_ptr<storage::WriteBatch>> BuildBatch(
      uint32_t index, const ingest::v1::SubscribeResponse& response, uint64_t applied,
      LogApplier::Prepared* prepared, bool* applier_called, BatchBuffers& buffers);
  // Records the partition's last sequence that `response` reports (at least its
  // through_sequence).
  void SeeHead(uint32_t index, const ingest::v1::SubscribeResponse& response);
  std::vector<metrics::Sample> LagSamples() const;
  void ReportProgress(uint32_t partition, uint64_t applied, bool force,
                      const absl::Status& error = absl::OkStatus());

  const LogConsumerOptions options_;
  storage::KvStore* const store_;  // Not owned.
  LogApplier* const applier_;      // Not owned.
  const ChannelForPartition channels_;
  const std::shared_ptr<LogReader> reader_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<uint64_t> applied_ ABSL_GUARDED_BY(mu_);  // Indexed like options_.partitions.
  // The partitions' last sequences as their streams reported them; -1 before the first.
  std::vector<int64_t> heads_ ABSL_GUARDED_BY(mu_);
  std::vector<LogStream*> streams_ ABSL_GUARDED_BY(mu_);  // Live streams, to cancel.
  std::vector<absl::Time> last_report_ ABSL_GUARDED_BY(mu_);
  std::vector<absl::Status> stopped_on_ ABSL_GUARDED_BY(mu_);  // Per partition: DATA_LOSS.
  std::vector<std::thread> threads_;
};

}  // namespace clientele::log

#endif  // CLIENTELE_COMMON_LOG_LOG_CONSUMER_H_
