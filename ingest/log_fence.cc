#include "ingest/log_fence.h"

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace clientele::ingest {

absl::Status LogBehindConsumerError(uint32_t partition, const std::string& consumer,
                                    uint64_t applied_sequence, uint64_t last_sequence) {
  return absl::DataLossError(absl::StrCat(
      "store ingest, partition ", partition, ": consumer '", consumer,
      "' has applied through sequence ", applied_sequence, " but the log ends at ", last_sequence,
      "; the log lost acknowledged events and refuses to serve the partition until an operator "
      "decides (docs/reliability.md, \"Data loss\")"));
}

int FenceConsumersAheadOfLog(EventLog& log, const ConsumerRegistry& consumers) {
  int fenced = 0;
  for (uint32_t p : log.owned_partitions()) {
    const uint64_t last = log.LastSequence(p);
    if (auto ahead = consumers.FurthestAhead(p, last)) {
      absl::Status loss =
          LogBehindConsumerError(p, ahead->consumer(), ahead->applied_sequence(), last);
      spdlog::error("{}", loss.ToString());
      log.FenceDataLoss(p, std::move(loss));
      ++fenced;
    } else {
      log.ClearDataLossFence(p);
    }
  }
  return fenced;
}

}  // namespace clientele::ingest
