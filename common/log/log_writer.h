// The append side of an external event log (Kafka: ingest/kafka/kafka_log_writer.h). The
// embedded RocksDB log has no separate writer: ingest's EventLog writes its entries in the
// same WriteBatch as its event-id index, which an external log cannot join. With a LogWriter,
// EventLog validates and deduplicates as with the embedded log, hands the accepted entries
// here, and records an event in its event-id index only once the log acknowledged it.
#ifndef CLIENTELE_COMMON_LOG_LOG_WRITER_H_
#define CLIENTELE_COMMON_LOG_LOG_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace clientele::log {

// One entry to append: its partition (common/log/partitioning.h, chosen by the caller), the
// record key (the customer's stable routing key) and the stored entry bytes.
struct LogRecord {
  uint32_t partition = 0;
  std::string key;
  std::string value;
};

// What became of one record.
struct LogAppendOutcome {
  absl::Status status;    // OK: durable in the log. UNAVAILABLE (or other): not appended.
  uint64_t sequence = 0;  // OK only: its position (on Kafka: offset + 1).
};

// Thread-safe.
class LogWriter {
 public:
  virtual ~LogWriter() = default;
  // Appends `records` (each to its own partition, in order within a partition) and blocks
  // until every one is acknowledged or has failed; `outcomes` gets one entry per record.
  virtual void Append(absl::Span<const LogRecord> records,
                      std::vector<LogAppendOutcome>* outcomes) = 0;
  // The head of `partition`: its last sequence (0 while empty). UNAVAILABLE when the log
  // cannot be asked now.
  virtual absl::StatusOr<uint64_t> EndOfLog(uint32_t partition) = 0;
  // The first sequence still held (retention may have removed earlier ones); 0 while empty.
  virtual absl::StatusOr<uint64_t> FirstSequence(uint32_t partition) = 0;
};

}  // namespace clientele::log

#endif  // CLIENTELE_COMMON_LOG_LOG_WRITER_H_
