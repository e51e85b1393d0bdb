// librdkafka configuration from LogBackendOptions: bootstrap servers, the --kafka_config
// key=value pairs (TLS, SASL, tuning), and the settings a role must have on top.
#ifndef CLIENTELE_INGEST_KAFKA_KAFKA_CONFIG_H_
#define CLIENTELE_INGEST_KAFKA_KAFKA_CONFIG_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/log/log_backend_options.h"
#include "librdkafka/rdkafka.h"

namespace clientele::ingest::kafka {

using KafkaSettings = std::vector<std::pair<std::string, std::string>>;

// InvalidArgument naming --log or --kafka_* when the options are not usable: an unknown
// backend, kafka without brokers or topic, a --kafka_config value that is not key=value or
// that librdkafka refuses.
absl::Status ValidateLogBackendOptions(const log::LogBackendOptions& options);

// A new configuration (owned by the caller until rd_kafka_new takes it): `defaults`, then
// bootstrap.servers and the --kafka_config pairs, then `required` (which the user cannot
// override, e.g. acks=all).
absl::StatusOr<rd_kafka_conf_t*> NewKafkaConf(const log::LogBackendOptions& options,
                                              const KafkaSettings& defaults,
                                              const KafkaSettings& required);

// rd_kafka_conf_destroy on scope exit unless released.
struct KafkaConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
struct KafkaHandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};

}  // namespace clientele::ingest::kafka

#endif  // CLIENTELE_INGEST_KAFKA_KAFKA_CONFIG_H_
