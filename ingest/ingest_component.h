// The ingest component of clienteled: its RocksDB (data_dir/ingest), its key store
// (data_dir/ingest-keys: the subjects' data keys and suppressions), the event log of the owned
// partitions, the consumer registry, and the gRPC adapters (IngestService: Ingest, Subscribe,
// ...; IngestPrivacy: erasure and suppressions).
#ifndef CLIENTELE_INGEST_INGEST_COMPONENT_H_
#define CLIENTELE_INGEST_INGEST_COMPONENT_H_

#include <memory>
#include <string>
#include <vector>

#include "common/server/component_registry.h"
#include "common/storage/kv_store.h"
#include "ingest/consumer_registry.h"
#include "ingest/event_log.h"
#include "ingest/ingest_service.h"
#include "ingest/kafka/kafka_log_writer.h"
#include "ingest/privacy/ingest_privacy_service.h"
#include "ingest/privacy/subject_key_store.h"
#include "ingest/retention/retention_sweeper.h"

namespace clientele::ingest {

class IngestComponent final : public server::Component {
 public:
  // "ingest", registered in cmd/clienteled/components.cc (declares --ingest_addr).
  static server::ComponentInfo Info();

  // --log_retention_days, --log_retention_interval, --release_unowned_partitions
  // (docs/operations.md).
  void AddFlags(CLI::App& app) override;
  // Opens the log of the owned partitions (all if none named), after checking them and the
  // partition count against what the data records (node_partitions.h: FailedPrecondition
  // on a mismatch); a consumer registered ahead of the log's end fences its partition.
  absl::Status Open(const server::ComponentEnvironment& env) override;
  std::vector<grpc::Service*> services() override {
    return {service_.get(), privacy_service_.get()};
  }
  std::vector<std::string> health_names() const override;
  // Starts the retention sweeper when --log_retention_days is set.
  absl::Status Start(std::shared_ptr<const server::ComponentChannels> channels) override;
  // OK while the log serves every owned partition and the store has seen no damage.
  absl::Status Health() const override { return log_->Health(); }
  // Ends the tailing subscriptions (UNAVAILABLE "shutting down": consumers reconnect) and
  // stops the retention sweeper.
  void Drain() override;
  absl::Status Flush() override;
  std::vector<std::string> stores() const override { return {"ingest", privacy::kKeyStoreDir}; }

 private:
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<storage::KvStore> key_store_;
  std::unique_ptr<privacy::SubjectKeyStore> keys_;
  std::unique_ptr<kafka::KafkaLogWriter> kafka_;  // With --log=kafka; before log_, which uses it.
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<ConsumerRegistry> consumers_;
  std::unique_ptr<IngestServiceImpl> service_;
  double retention_days_ = 0;                    // --log_retention_days; 0: keep everything.
  std::string retention_interval_ = "1h";        // --log_retention_interval.
  bool release_unowned_partitions_ = false;      // --release_unowned_partitions.
  std::unique_ptr<RetentionSweeper> retention_;  // Null when retention is off.
  std::unique_ptr<privacy::IngestPrivacyServiceImpl> privacy_service_;
};

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_INGEST_COMPONENT_H_
