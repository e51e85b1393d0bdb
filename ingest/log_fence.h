// The check that keeps a log which lost events from handing their sequence numbers out again.
#ifndef CLIENTELE_INGEST_LOG_FENCE_H_
#define CLIENTELE_INGEST_LOG_FENCE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "ingest/consumer_registry.h"
#include "ingest/event_log.h"

namespace clientele::ingest {

// The DataLoss status of a partition whose log ends at `last_sequence` while `consumer` has
// applied through `applied_sequence` (names the store, the partition and both positions).
absl::Status LogBehindConsumerError(uint32_t partition, const std::string& consumer,
                                    uint64_t applied_sequence, uint64_t last_sequence);

// Fences (EventLog::FenceDataLoss) every owned partition that a registered consumer has
// applied beyond the log's end, and lifts the fence of partitions where none is ahead any
// more. Call on open and after removing a consumer. Returns how many partitions are fenced.
int FenceConsumersAheadOfLog(EventLog& log, const ConsumerRegistry& consumers);

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_LOG_FENCE_H_
