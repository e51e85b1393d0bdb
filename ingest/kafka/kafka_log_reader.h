// The Kafka log's reader: each stream is a librdkafka consumer with one partition assigned
// explicitly (assign(), no group membership or rebalancing: a component owns the partitions
// it is configured for), starting at offset from_sequence - 1 (offset o is sequence o + 1).
// Offsets are never committed to Kafka: the consumer's own store holds its position, in the
// same batch as its state (LogConsumer). A record's value is ingest's stored entry (plain or
// sealed, ingest/sealed_log_entry.h); sealed ones are opened with their subject's data key
// from `keys` (ingest's GetSubjectKeys), and arrive as `erased` stubs once it is shredded.
//
// Thread-safe; each stream is read from one thread.
#ifndef CLIENTELE_INGEST_KAFKA_KAFKA_LOG_READER_H_
#define CLIENTELE_INGEST_KAFKA_KAFKA_LOG_READER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/log/grpc_log_reader.h"
#include "common/log/log_backend_options.h"
#include "common/log/log_reader.h"
#include "ingest/kafka/kafka_config.h"
#include "ingest/privacy/data_key_cipher.h"

namespace clientele::ingest::kafka {

// Where a reader gets subjects' data keys. Thread-safe.
class SubjectKeySource {
 public:
  virtual ~SubjectKeySource() = default;
  // One key per ref of a subject of `partition` (nullopt: shredded, or never made).
  // UNAVAILABLE when the keys cannot be asked now (the stream ends and is reopened).
  virtual absl::Status Find(uint32_t partition, const std::vector<std::string>& refs,
                            std::vector<std::optional<privacy::DataKey>>* keys) = 0;
};

// Asks the partition's ingest node (IngestPrivacy.GetSubjectKeys) over `channels`.
std::unique_ptr<SubjectKeySource> NewGrpcSubjectKeySource(log::ChannelForPartition channels);

class KafkaLogReader final : public log::LogReader {
 public:
  // `keys` is shared by the streams. Options are checked by ValidateLogBackendOptions.
  KafkaLogReader(log::LogBackendOptions options, std::shared_ptr<SubjectKeySource> keys);
  ~KafkaLogReader() override;

  // A stream that fails to start ends at once (Finish says why).
  std::unique_ptr<log::LogStream> Open(const log::LogReadRequest& request) override;
  // The partition's high-water mark (= its last sequence); 5 s timeout.
  absl::StatusOr<uint64_t> EndOfLog(uint32_t partition) override;
  const char* backend() const override { return "kafka"; }

 private:
  const log::LogBackendOptions options_;
  const std::shared_ptr<SubjectKeySource> keys_;
  absl::Mutex mu_;
  rd_kafka_t* meta_ ABSL_GUARDED_BY(mu_) = nullptr;  // For watermarks; made on first use.
};

}  // namespace clientele::ingest::kafka

#endif  // CLIENTELE_INGEST_KAFKA_KAFKA_LOG_READER_H_
