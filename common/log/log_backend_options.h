// Which log the deployment uses (clienteled --log and the --kafka_* flags, docs/ingest.md
// "Log backends"). Plain configuration: the Kafka backend reads it (ingest/kafka/).
#ifndef CLIENTELE_COMMON_LOG_LOG_BACKEND_OPTIONS_H_
#define CLIENTELE_COMMON_LOG_LOG_BACKEND_OPTIONS_H_

#include <string>
#include <vector>

namespace clientele::log {

inline constexpr char kDefaultKafkaTopic[] = "clientele.events";

struct LogBackendOptions {
  std::string backend = "rocksdb";               // --log: "rocksdb" or "kafka".
  std::string kafka_brokers;                     // --kafka_brokers: host:port[,host:port].
  std::string kafka_topic = kDefaultKafkaTopic;  // --kafka_topic.
  std::vector<std::string> kafka_config;         // --kafka_config: librdkafka key=value.

  bool kafka() const { return backend == "kafka"; }
};

}  // namespace clientele::log

#endif  // CLIENTELE_COMMON_LOG_LOG_BACKEND_OPTIONS_H_
