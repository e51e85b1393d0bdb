// The consumer-lag gauge, `clientele_log_consumer_lag_events{consumer,partition}`: events of a
// partition that a consumer has not applied yet. Two kinds of process export it under the one
// name and help text (a family with one source each, metrics::Registry):
//   - an ingest node, for every registered consumer of every partition it owns: its last
//     sequence minus the position the consumer last committed (source "");
//   - every LogConsumer, for its own partitions: the partition's last sequence as its stream
//     last reported it minus what it has applied (source ConsumerLagSource(name)).
// In one process that runs both, ingest's sample of a (consumer, partition) is the one shown.
#ifndef CLIENTELE_COMMON_LOG_CONSUMER_LAG_H_
#define CLIENTELE_COMMON_LOG_CONSUMER_LAG_H_

#include <string>
#include <string_view>

namespace clientele::log {

inline constexpr char kConsumerLagMetric[] = "clientele_log_consumer_lag_events";
inline constexpr char kConsumerLagHelp[] =
    "Events of the partition the consumer has not applied yet: the partition's last sequence "
    "minus the consumer's applied sequence.";

// The registry source under which the LogConsumer named `consumer` reports its samples.
inline std::string ConsumerLagSource(std::string_view consumer) {
  return "consumer/" + std::string(consumer);
}

}  // namespace clientele::log

#endif  // CLIENTELE_COMMON_LOG_CONSUMER_LAG_H_
