// The event log on Kafka for integration tests: librdkafka's mock cluster in this process
// (real TCP ports on 127.0.0.1), ingest's Kafka writer, and Kafka readers for consumers. Tests
// that run against both backends take a LogBackendParam and make their ingest options and
// consumers through TestLog.
#ifndef CLIENTELE_TESTS_INTEGRATION_KAFKA_FIXTURE_H_
#define CLIENTELE_TESTS_INTEGRATION_KAFKA_FIXTURE_H_

#include <memory>
#include <string>
#include <utility>

#include "common/log/grpc_log_reader.h"
#include "common/log/log_consumer.h"
#include "gtest/gtest.h"
#include "ingest/event_log.h"
#include "ingest/kafka/kafka_log_reader.h"
#include "ingest/kafka/kafka_log_writer.h"
#include "ingest/kafka/kafka_mock_cluster.h"
#include "ingest/kafka/log_backend.h"

namespace clientele::testing {

enum class LogBackendParam { kEmbedded, kKafka };

inline std::string LogBackendName(const ::testing::TestParamInfo<LogBackendParam>& info) {
  return info.param == LogBackendParam::kKafka ? "Kafka" : "Embedded";
}

// One log of either backend. With Kafka: a mock cluster of `brokers` brokers holding the
// topic with `partitions` partitions, and one writer for every ingest server of the test.
class TestLog {
 public:
  explicit TestLog(LogBackendParam backend, uint32_t partitions = 1, int brokers = 3)
      : backend_(backend) {
    if (backend != LogBackendParam::kKafka) return;
    cluster_ = std::move(ingest::kafka::KafkaMockCluster::Start(brokers, options_.kafka_topic,
                                                                static_cast<int>(partitions)))
                   .value();
    options_.backend = "kafka";
    options_.kafka_brokers = cluster_->bootstraps();
    // Quick failure of a record no broker takes (the default 30 s outlasts a test).
    options_.kafka_config = {"message.timeout.ms=10000", "log_level=3"};
    writer_ = std::move(ingest::kafka::KafkaLogWriter::Create(options_)).value();
  }

  bool kafka() const { return backend_ == LogBackendParam::kKafka; }
  // `base` with the Kafka writer when the log is Kafka.
  ingest::EventLogOptions Options(ingest::EventLogOptions base = {}) const {
    base.external = writer_.get();
    return base;
  }
  // A consumer of this log; ingest (progress, keys) over `channels`.
  std::unique_ptr<log::LogConsumer> Consumer(log::LogConsumerOptions options,
                                             storage::KvStore* store, log::LogApplier* applier,
                                             log::ChannelForPartition channels) const {
    return std::make_unique<log::LogConsumer>(std::move(options), store, applier, channels,
                                              ingest::kafka::NewLogReader(options_, channels));
  }
  const log::LogBackendOptions& options() const { return options_; }
  // Kafka only.
  ingest::kafka::KafkaMockCluster& cluster() const { return *cluster_; }
  ingest::kafka::KafkaLogWriter& writer() const { return *writer_; }

 private:
  const LogBackendParam backend_;
  log::LogBackendOptions options_;
  std::unique_ptr<ingest::kafka::KafkaMockCluster> cluster_;
  std::unique_ptr<ingest::kafka::KafkaLogWriter> writer_;
};

}  // namespace clientele::testing

#endif  // CLIENTELE_TESTS_INTEGRATION_KAFKA_FIXTURE_H_
