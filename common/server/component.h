// A component of clienteled: one service of the system (ingest, identity, analytics,
// recommender, a gateway) with its stores, gRPC services, health and background work, behind
// one interface so that the server runs any selection of them the same way. Components
// register themselves by name in a ComponentRegistry (component_registry.h); a ComponentSet
// (component_set.h) runs the selected ones through their lifecycle:
//
//   AddFlags   every registered component, before the command line is parsed
//   Open       stores, domain objects, gRPC adapters, metrics       (registration order)
//   services() / health_names() are served by one gRPC server
//   Start      log consumers, job runners, channels to other components (registration order)
//   Health     polled while running
//   Drain      on shutdown, before the server drains                 (reverse order)
//   Stop       once the server has drained: no call is in flight      (reverse order)
//   Flush      stores                                                 (reverse order)
//
// Register a component after the components it calls, so that it stops before them.
// A component without stores (a gateway that only makes channels to the others) leaves the
// defaults of Start, Drain, Stop, Flush and stores().
#ifndef CLIENTELE_COMMON_SERVER_COMPONENT_H_
#define CLIENTELE_COMMON_SERVER_COMPONENT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/log/log_backend_options.h"
#include "common/metrics/registry.h"
#include "common/server/component_channels.h"
#include "grpcpp/impl/codegen/service_type.h"

namespace CLI {
class App;
}  // namespace CLI

namespace clientele::jobs {
class JobManager;  // common/jobs/job_manager.h
}  // namespace clientele::jobs

namespace clientele::server {

// What the process tells every component it opens.
struct ComponentEnvironment {
  std::string data_dir;  // A component's stores live in data_dir/<name>.
  bool sync_writes = false;
  uint32_t partition_count = 1;            // Log partitions of the whole deployment.
  std::vector<uint32_t> owned_partitions;  // The partitions this node owns; empty: all.
  Deployment deployment;                   // Which components run here, where the others are.
  metrics::Registry* metrics = nullptr;    // Not owned; may be null (nothing is recorded).
  // --auth=required: callers must authenticate (API keys at the gateway, mutual TLS at a
  // component without it); false with --auth=none (loopback only).
  bool auth_required = true;
  // --log and --kafka_*: where the event log is (ingest writes it, consumers read it).
  log::LogBackendOptions log;

  // The owned partitions, or all of them when none are named.
  std::vector<uint32_t> OwnedOrAllPartitions() const;
  // Every partition, 0 .. partition_count - 1.
  std::vector<uint32_t> AllPartitions() const;
};

// Thread-safety: the lifecycle methods are called from one thread, in the order above;
// Health() from the health monitor's thread while the component runs.
class Component {
 public:
  virtual ~Component() = default;

  // Adds this component's own flags to the command line (values bound to members). Called
  // for every registered component, selected or not, before parsing; snake_case names.
  virtual void AddFlags(CLI::App& /*app*/) {}

  // Checks the configuration (e.g. that a component it needs runs here or has an address),
  // opens its stores, builds its domain objects and gRPC adapters, and registers its metrics
  // in env.metrics (which outlives the component). InvalidArgument naming the flag for a bad
  // configuration.
  virtual absl::Status Open(const ComponentEnvironment& env) = 0;

  // The gRPC services to serve (not owned; alive until the component is destroyed) and the
  // names grpc.health.v1 reports for them. Called after Open.
  virtual std::vector<grpc::Service*> services() = 0;
  virtual std::vector<std::string> health_names() const = 0;

  // The job managers this component runs (not owned; alive until the component is
  // destroyed), served by the process's one clientele.common.v1.JobService. Called after Open.
  virtual std::vector<jobs::JobManager*> job_managers() { return {}; }

  // Starts background work once the server serves: log consumers, job runners. `channels`
  // makes every channel to another component (kept as long as the component needs it).
  virtual absl::Status Start(std::shared_ptr<const ComponentChannels> /*channels*/) {
    return absl::OkStatus();
  }

  // OK while the component can serve (its stores saw no damage, its consumers consume);
  // the error turns its health names NOT_SERVING.
  virtual absl::Status Health() const { return absl::OkStatus(); }

  // The shutdown step before the server's drain: the component stops being a client of
  // this server (log consumers, job runners stop; a stopped job stays queued) and ends the
  // calls it serves that never end by themselves (tailing subscriptions). Its services keep
  // serving every other call. Idempotent.
  virtual void Drain() {}

  // Once the server has drained (no call in flight): stops whatever still runs. Idempotent.
  virtual void Stop() {}

  // Flushes the stores' memtables (acknowledged writes are already in the WAL).
  virtual absl::Status Flush() { return absl::OkStatus(); }

  // The store directories under data_dir that `clienteled --check` verifies.
  virtual std::vector<std::string> stores() const { return {}; }
};

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_COMPONENT_H_
