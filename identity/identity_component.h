// The identity component of clienteled: its RocksDB (data_dir/identity), the Resolver, the
// log consumer "identity" that feeds it (every partition into one global resolver) and the
// gRPC adapter, which answers GetProfileMap's min_applied from the consumer's progress.
#ifndef CLIENTELE_IDENTITY_IDENTITY_COMPONENT_H_
#define CLIENTELE_IDENTITY_IDENTITY_COMPONENT_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/log/log_consumer.h"
#include "common/server/component_registry.h"
#include "common/storage/kv_store.h"
#include "identity/identity_applier.h"
#include "identity/identity_metrics.h"
#include "identity/identity_service.h"
#include "identity/privacy/identity_privacy_service.h"
#include "identity/replication/change_log_store.h"
#include "identity/replication/replication_service.h"
#include "identity/resolution/resolver.h"

namespace clientele::identity {

class IdentityComponent final : public server::Component, public LogProgress {
 public:
  // "identity", registered in cmd/clienteled/components.cc (declares --identity_addr).
  static server::ComponentInfo Info();

  IdentityComponent() = default;
  ~IdentityComponent() override;  // Drain().

  // --identity_change_retention.
  void AddFlags(CLI::App& app) override;
  // Needs ingest (here or --ingest_addr). With ingest here it consumes the owned partitions;
  // standalone, every partition (identity state is global).
  absl::Status Open(const server::ComponentEnvironment& env) override;
  // IdentityService, IdentityPrivacy and IdentityReplication (internal: read replicas).
  std::vector<grpc::Service*> services() override {
    return {service_.get(), privacy_service_.get(), replication_service_.get()};
  }
  std::vector<std::string> health_names() const override;
  // Starts consuming the log from ingest.
  absl::Status Start(std::shared_ptr<const server::ComponentChannels> channels) override;
  // OK while the store has seen no damage and the consumer consumes every partition.
  absl::Status Health() const override;
  // Stops the consumer (the batch in flight is committed or dropped whole) and ends the
  // replicas' change streams.
  void Drain() override;
  absl::Status Flush() override { return store_->Flush(); }
  std::vector<std::string> stores() const override { return {"identity"}; }

  // LogProgress over the consumer (GetProfileMap's min_applied). Before Start, Applied() is
  // empty and WaitForApplied waits for Start (up to the deadline).
  std::vector<std::pair<uint32_t, uint64_t>> Applied() const override;
  bool WaitForApplied(uint32_t partition, uint64_t sequence, absl::Time deadline) const override;

 private:
  std::vector<uint32_t> partitions_;
  metrics::Registry* registry_ = nullptr;  // Not owned; may be null.
  uint64_t change_retention_ = 10000;      // --identity_change_retention
  std::unique_ptr<ChangeLogStore> change_log_;
  storage::KvStore* store_ = nullptr;  // change_log_.
  std::unique_ptr<Resolver> resolver_;
  std::unique_ptr<IdentityMetrics> metrics_;  // Null without a registry.
  std::unique_ptr<IdentityApplier> applier_;
  std::unique_ptr<IdentityServiceImpl> service_;
  std::unique_ptr<IdentityPrivacyServiceImpl> privacy_service_;
  std::unique_ptr<ReplicationServiceImpl> replication_service_;
  mutable absl::Mutex consumer_mu_;
  // Set once in Start; read by GetProfileMap's threads.
  log::LogConsumer* started_consumer_ ABSL_GUARDED_BY(consumer_mu_) = nullptr;
  log::LogBackendOptions log_;  // env.log: where the consumer reads the log.
  std::unique_ptr<log::LogConsumer> consumer_;
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_IDENTITY_COMPONENT_H_
