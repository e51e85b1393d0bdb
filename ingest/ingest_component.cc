#include "ingest/ingest_component.h"

#include <filesystem>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/rocksdb_store.h"
#include "ingest/ingest_schema.h"
#include "ingest/kafka/kafka_config.h"
#include "ingest/log_fence.h"
#include "ingest/node_partitions.h"

namespace clientele::ingest {
namespace {

constexpr char kHealthName[] = "clientele.ingest.v1.IngestService";

}  // namespace

server::ComponentInfo IngestComponent::Info() {
  return {"ingest", "validation and the durable event log",
          "host:port of ingest, for log consumers when ingest is not in --services "
          "('{partition}' in it is replaced by each partition number, '{ordinal}' by the "
          "node that owns it: the partition mod --ingest_replicas)",
          [] { return std::make_unique<IngestComponent>(); }};
}

void IngestComponent::AddFlags(CLI::App& app) {
  app.add_option("--log_retention_days", retention_days_,
                 "Remove log entries ingested more than this many days ago once every "
                 "registered consumer of their partition has applied them (0: keep everything)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--log_retention_interval", retention_interval_,
                 "Time between log retention sweeps (a duration: 30m, 1h, 24h)")
      ->capture_default_str();
  app.add_flag("--release_unowned_partitions", release_unowned_partitions_,
               "Delete from this node's ingest data the logs of partitions it served and no "
               "longer owns (after they were copied to their new node; docs/operations.md, "
               "\"Scaling ingest\"). Without it such a node refuses to start");
}

absl::Status IngestComponent::Open(const server::ComponentEnvironment& env) {
  RetentionOptions retention;
  if (!absl::ParseDuration(retention_interval_, &retention.interval) ||
      retention.interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("--log_retention_interval: '",
                                                   retention_interval_,
                                                   "' is not a positive duration (e.g. 30m, 1h)"));
  }
  retention.retention = absl::Hours(24) * retention_days_;
  storage::RocksDbOptions db;
  db.path = (std::filesystem::path(env.data_dir) / "ingest").string();
  db.column_families = IngestColumnFamilies();
  db.sync_writes = env.sync_writes;
  CLT_ASSIGN_OR_RETURN(store_, storage::OpenRocksDbStore(db));
  NodePartitionsOptions node;
  node.partition_count = env.partition_count;
  node.owned = env.owned_partitions;
  node.release_unowned = release_unowned_partitions_;
  node.store_path = db.path;
  CLT_RETURN_IF_ERROR(OpenNodePartitions(*store_, node));
  storage::RocksDbOptions keys_db;
  keys_db.path = (std::filesystem::path(env.data_dir) / privacy::kKeyStoreDir).string();
  keys_db.column_families = privacy::KeyStoreColumnFamilies();
  // Always synced: a data key must be on disk before the log entry sealed with it.
  keys_db.sync_writes = true;
  keys_db.write_buffer_bytes = 4 << 20;
  CLT_ASSIGN_OR_RETURN(key_store_, storage::OpenRocksDbStore(keys_db));
  CLT_ASSIGN_OR_RETURN(keys_, privacy::SubjectKeyStore::Open(key_store_.get()));
  EventLogOptions log_options;
  log_options.keys = keys_.get();
  if (env.log.kafka()) {
    // Entries go to Kafka; the event-id index, dead letters and keys stay here.
    CLT_RETURN_IF_ERROR(kafka::ValidateLogBackendOptions(env.log));
    CLT_ASSIGN_OR_RETURN(kafka_, kafka::KafkaLogWriter::Create(env.log));
    log_options.external = kafka_.get();
  }
  log_options.partition_count = env.partition_count;
  log_options.owned_partitions = env.owned_partitions;
  CLT_ASSIGN_OR_RETURN(log_, EventLog::Open(store_.get(), log_options));
  CLT_ASSIGN_OR_RETURN(consumers_, ConsumerRegistry::Open(store_.get()));
  // A registered consumer ahead of the log's end means the store recovered to an earlier
  // point than its consumers: fence the partition rather than reuse sequence numbers.
  FenceConsumersAheadOfLog(*log_, *consumers_);
  service_ = std::make_unique<IngestServiceImpl>(log_.get(), consumers_.get(), env.metrics);
  if (env.log.kafka()) service_->SetKafkaTopic(env.log.kafka_topic);
  privacy_service_ = std::make_unique<privacy::IngestPrivacyServiceImpl>(log_.get());
  if (retention_days_ > 0 && env.log.kafka()) {
    return absl::InvalidArgumentError(
        "--log_retention_days: the Kafka log's retention is the topic's (retention.ms), not "
        "ingest's");
  }
  if (retention_days_ > 0) {
    retention_ = std::make_unique<RetentionSweeper>(log_.get(), consumers_.get(),
                                                    std::move(retention), env.metrics);
  }
  return absl::OkStatus();
}

absl::Status IngestComponent::Start(std::shared_ptr<const server::ComponentChannels> /*channels*/) {
  if (retention_) retention_->Start();
  return absl::OkStatus();
}

absl::Status IngestComponent::Flush() {
  absl::Status status = store_->Flush();
  status.Update(key_store_->Flush());
  return status;
}

std::vector<std::string> IngestComponent::health_names() const { return {kHealthName}; }

void IngestComponent::Drain() {
  if (retention_) retention_->Stop();
  if (log_) log_->Close();
}

}  // namespace clientele::ingest
