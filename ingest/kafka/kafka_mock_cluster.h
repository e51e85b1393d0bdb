// An in-process Kafka cluster: librdkafka's mock cluster (rdkafka_mock.h), which speaks the
// Kafka protocol on real TCP ports of 127.0.0.1, so other processes can use it too. For
// trials (clienteled --kafka_mock_brokers=N) and tests only, NOT for production: its log is
// memory-only (gone when the process ends) and capped per partition (librdkafka drops the
// oldest records of a partition beyond a few MiB).
#ifndef CLIENTELE_INGEST_KAFKA_KAFKA_MOCK_CLUSTER_H_
#define CLIENTELE_INGEST_KAFKA_KAFKA_MOCK_CLUSTER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "librdkafka/rdkafka.h"
#include "librdkafka/rdkafka_mock.h"

namespace clientele::ingest::kafka {

// Thread-safe (librdkafka's mock functions are).
class KafkaMockCluster {
 public:
  // `brokers` >= 1; creates `topic` with `partitions` partitions, replicated on up to 3
  // brokers.
  static absl::StatusOr<std::unique_ptr<KafkaMockCluster>> Start(int brokers,
                                                                 const std::string& topic,
                                                                 int partitions);
  ~KafkaMockCluster();

  // "127.0.0.1:port,..." for --kafka_brokers / bootstrap.servers.
  const std::string& bootstraps() const { return bootstraps_; }
  // For fault injection (rd_kafka_mock_broker_set_down, rd_kafka_mock_push_request_errors).
  rd_kafka_mock_cluster_t* mock() const { return mock_; }
  int brokers() const { return brokers_; }

 private:
  KafkaMockCluster() = default;
  rd_kafka_t* rk_ = nullptr;  // Runs the mock cluster's thread.
  rd_kafka_mock_cluster_t* mock_ = nullptr;
  std::string bootstraps_;
  int brokers_ = 0;
};

}  // namespace clientele::ingest::kafka

#endif  // CLIENTELE_INGEST_KAFKA_KAFKA_MOCK_CLUSTER_H_
