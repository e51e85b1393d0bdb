// The Kafka log's writer: appends stored log entries to the topic's partitions with
// librdkafka's idempotent producer (enable.idempotence=true, acks=all: an entry is
// acknowledged only once every in-sync replica has it, and librdkafka's retries never
// duplicate or reorder it). The partition of each record is explicit (the embedded log's
// partition function, common/log/partitioning.h); a record at offset o is sequence o + 1.
//
//   CLT_ASSIGN_OR_RETURN(auto writer, KafkaLogWriter::Create(options));
//   writer->Append(records, &outcomes);  // Blocks until each is acknowledged or failed.
//
// Thread-safe: Append calls are serialized (each waits for its own delivery reports).
#ifndef CLIENTELE_INGEST_KAFKA_KAFKA_LOG_WRITER_H_
#define CLIENTELE_INGEST_KAFKA_KAFKA_LOG_WRITER_H_

#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "common/log/log_backend_options.h"
#include "common/log/log_writer.h"
#include "ingest/kafka/kafka_config.h"

namespace clientele::ingest::kafka {

class KafkaLogWriter final : public log::LogWriter {
 public:
  // InvalidArgument naming the flag for bad options. Connects lazily (librdkafka).
  static absl::StatusOr<std::unique_ptr<KafkaLogWriter>> Create(log::LogBackendOptions options);
  // Waits up to 10 s for records still in flight (none outside Append), then closes.
  ~KafkaLogWriter() override;

  // A record the broker did not acknowledge within message.timeout.ms (30 s unless
  // --kafka_config sets it), or refused, gets UNAVAILABLE with librdkafka's reason. After a
  // fatal producer error (e.g. the idempotence state was lost) the next call starts a new
  // producer.
  void Append(absl::Span<const log::LogRecord> records,
              std::vector<log::LogAppendOutcome>* outcomes) override;
  // The partition's high-water mark (its last offset + 1 = its last sequence); 5 s timeout.
  absl::StatusOr<uint64_t> EndOfLog(uint32_t partition) override;
  // The low watermark + 1 while the partition holds records; 0 while empty.
  absl::StatusOr<uint64_t> FirstSequence(uint32_t partition) override;

 private:
  explicit KafkaLogWriter(log::LogBackendOptions options) : options_(std::move(options)) {}
  absl::StatusOr<std::shared_ptr<rd_kafka_t>> NewProducer() const;
  std::shared_ptr<rd_kafka_t> producer() const;
  absl::Status Watermarks(uint32_t partition, int64_t* low, int64_t* high);

  const log::LogBackendOptions options_;
  absl::Mutex append_mu_;  // One Append at a time: it polls for its own delivery reports.
  mutable absl::Mutex producer_mu_;
  std::shared_ptr<rd_kafka_t> producer_ ABSL_GUARDED_BY(producer_mu_);
};

}  // namespace clientele::ingest::kafka

#endif  // CLIENTELE_INGEST_KAFKA_KAFKA_LOG_WRITER_H_
