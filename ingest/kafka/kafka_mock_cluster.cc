#include "ingest/kafka/kafka_mock_cluster.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace clientele::ingest::kafka {

absl::StatusOr<std::unique_ptr<KafkaMockCluster>> KafkaMockCluster::Start(int brokers,
                                                                          const std::string& topic,
                                                                          int partitions) {
  if (brokers < 1) {
    return absl::InvalidArgumentError("--kafka_mock_brokers: must be at least 1");
  }
  if (partitions < 1) return absl::InvalidArgumentError("partitions: must be at least 1");
  std::unique_ptr<KafkaMockCluster> cluster(new KafkaMockCluster());
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  (void)rd_kafka_conf_set(conf, "client.id", "clientele-mock-cluster", error, sizeof(error));
  (void)rd_kafka_conf_set(conf, "log_level", "3", error, sizeof(error));  // No bootstrap warning.
  cluster->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  if (cluster->rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("kafka mock cluster: ", error));
  }
  cluster->mock_ = rd_kafka_mock_cluster_new(cluster->rk_, brokers);
  if (cluster->mock_ == nullptr) {
    return absl::InternalError("kafka mock cluster: could not be started");
  }
  cluster->brokers_ = brokers;
  cluster->bootstraps_ = rd_kafka_mock_cluster_bootstraps(cluster->mock_);
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster->mock_, topic.c_str(), partitions, std::min(brokers, 3));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InternalError(
        absl::StrCat("kafka mock cluster: topic ", topic, ": ", rd_kafka_err2str(err)));
  }
  return cluster;
}

KafkaMockCluster::~KafkaMockCluster() {
  if (mock_ != nullptr) rd_kafka_mock_cluster_destroy(mock_);
  if (rk_ != nullptr) rd_kafka_destroy(rk_);
}

}  // namespace clientele::ingest::kafka
