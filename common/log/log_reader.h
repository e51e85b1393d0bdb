// The read side of the event log, whatever holds it: the embedded RocksDB log (read through
// ingest's Subscribe stream, grpc_log_reader.h) or Kafka (ingest/kafka/kafka_log_reader.h).
// LogConsumer reads only through this interface.
//
// Positions are log sequences: per partition 1, 2, 3 ... in append order (on Kafka, the
// record at offset o is sequence o + 1). A batch is a SubscribeResponse whose entries carry
// their partition and sequence, opened (sealed entries decrypted, or marked `erased` when
// their subject's key is shredded), and whose through_sequence says how far the stream got
// (entries filtered out by payload type count as read).
#ifndef CLIENTELE_COMMON_LOG_LOG_READER_H_
#define CLIENTELE_COMMON_LOG_LOG_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clientele/common/v1/event.pb.h"
#include "clientele/ingest/v1/ingest.pb.h"

namespace clientele::log {

struct LogReadRequest {
  uint32_t partition = 0;
  uint64_t from_sequence = 1;  // The first sequence wanted (0 and 1: the beginning).
  std::vector<common::v1::PayloadType> payload_types;  // Empty: all.
  std::string consumer;                                // For the log's metrics and logs.
  uint32_t max_batch_events = 1024;                    // Entries per batch at most.
};

// One partition's tail from a position. Read is called from one thread at a time; Cancel
// from any thread, also while Read blocks.
class LogStream {
 public:
  virtual ~LogStream() = default;
  // Blocks for the next batch (tailing: it waits for new entries at the end of the log).
  // False when the stream ended (cancelled or failed): Finish says why.
  virtual bool Read(ingest::v1::SubscribeResponse* batch) = 0;
  // Makes a blocked and every later Read return false.
  virtual void Cancel() = 0;
  // After Read returned false: OK or CANCELLED when cancelled; DATA_LOSS when the log lost or
  // damaged entries; FAILED_PRECONDITION when retention removed entries at the position
  // asked for; UNAVAILABLE (and others) when retrying may help.
  virtual absl::Status Finish() = 0;
};

// Thread-safe.
class LogReader {
 public:
  virtual ~LogReader() = default;
  virtual std::unique_ptr<LogStream> Open(const LogReadRequest& request) = 0;
  // The head of `partition`: its last sequence (0 while empty). UNAVAILABLE when the log
  // cannot be asked now.
  virtual absl::StatusOr<uint64_t> EndOfLog(uint32_t partition) = 0;
  // "rocksdb" or "kafka", for logs and metrics.
  virtual const char* backend() const = 0;
};

}  // namespace clientele::log

#endif  // CLIENTELE_COMMON_LOG_LOG_READER_H_
