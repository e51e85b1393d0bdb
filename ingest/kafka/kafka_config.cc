#include "ingest/kafka/kafka_config.h"

#include <memory>

#include "absl/strings/str_cat.h"

namespace clientele::ingest::kafka {
namespace {

absl::Status Set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value,
                 const std::string& flag) {
  char error[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error)) !=
      RD_KAFKA_CONF_OK) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", key, ": ", error));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateLogBackendOptions(const log::LogBackendOptions& options) {
  if (options.backend != "rocksdb" && options.backend != "kafka") {
    return absl::InvalidArgumentError(
        absl::StrCat("--log: '", options.backend, "' is not rocksdb or kafka"));
  }
  if (!options.kafka()) return absl::OkStatus();
  if (options.kafka_brokers.empty()) {
    return absl::InvalidArgumentError(
        "--kafka_brokers: required with --log=kafka (or --kafka_mock_brokers for a trial)");
  }
  if (options.kafka_topic.empty()) return absl::InvalidArgumentError("--kafka_topic: empty");
  absl::StatusOr<rd_kafka_conf_t*> conf = NewKafkaConf(options, {}, {});
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_destroy(*conf);
  return absl::OkStatus();
}

absl::StatusOr<rd_kafka_conf_t*> NewKafkaConf(const log::LogBackendOptions& options,
                                              const KafkaSettings& defaults,
                                              const KafkaSettings& required) {
  std::unique_ptr<rd_kafka_conf_t, KafkaConfDeleter> conf(rd_kafka_conf_new());
  for (const auto& [key, value] : defaults) {
    if (absl::Status s = Set(conf.get(), key, value, "kafka default"); !s.ok()) return s;
  }
  if (absl::Status s =
          Set(conf.get(), "bootstrap.servers", options.kafka_brokers, "--kafka_brokers");
      !s.ok()) {
    return s;
  }
  for (const std::string& pair : options.kafka_config) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--kafka_config: '", pair, "' is not key=value"));
    }
    if (absl::Status s = Set(conf.get(), pair.substr(0, eq), pair.substr(eq + 1), "--kafka_config");
        !s.ok()) {
      return s;
    }
  }
  for (const auto& [key, value] : required) {
    if (absl::Status s = Set(conf.get(), key, value, "kafka"); !s.ok()) return s;
  }
  return conf.release();
}

}  // namespace clientele::ingest::kafka
