// clienteled: the Clientele server. One binary, two deployment modes (ARCHITECTURE.md §2):
// --services=all runs every component in one process with embedded RocksDB under
// --data_dir; --services=ingest (or any subset) runs one component per pod.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cmd/clienteled/components.h"
#include "cmd/clienteled/listen_addresses.h"
#include "cmd/clienteled/owned_partitions.h"
#include "cmd/clienteled/store_check.h"
#include "common/cli/command_line.h"
#include "common/jobs/job_registry.h"
#include "common/jobs/job_service.h"
#include "common/logging/log_setup.h"
#include "common/metrics/registry.h"
#include "common/server/component_set.h"
#include "common/server/grpc_server.h"
#include "common/server/health_monitor.h"
#include "common/server/termination_signals.h"
#include "common/server/tls_credentials.h"
#include "common/server/tls_flags.h"
#include "common/storage/rocksdb_store.h"
#include "gateway/gateway_component.h"
#include "gateway/http/connect_http_server.h"
#include "ingest/kafka/kafka_config.h"
#include "ingest/kafka/kafka_mock_cluster.h"
#include "spdlog/spdlog.h"

namespace clientele {
namespace {

// The server's own flags; each component adds its own (ComponentSet::AddFlags).
struct Flags {
  std::string services = "all";
  std::string auth = "required";  // required | none
  std::string http_listen;        // HTTP/JSON (Connect) address; empty: none.
  std::string data_dir = "data";
  std::string listen = "127.0.0.1:50051";
  std::string metrics_listen = "127.0.0.1:9464";
  uint32_t partition_count = 1;
  std::string partitions;        // Owned partitions, comma separated, or "ordinal"; empty = all.
  uint32_t ingest_replicas = 0;  // Ingest nodes; 0: one per partition.
  bool sync_writes = false;
  std::string port_file;
  double shutdown_grace_seconds = 10;
  double shutdown_delay_seconds = 0;
  int max_concurrent_streams = 256;
  double stream_idle_timeout_seconds = 60;
  int64_t max_stream_messages = 1000000;
  int max_message_bytes = server::ServerOptions().max_message_bytes;
  int grpc_max_threads = 1024;
  std::string log_level = "info";
  std::string log_format = "text";
  int grpc_min_pollers = server::ServerOptions().sync_min_pollers;
  int grpc_max_pollers = server::ServerOptions().sync_max_pollers;
  std::string grpc_poll_strategy = "auto";  // auto | epoll1 | poll
  bool check = false;                       // Verify the stores' checksums and exit.
  size_t memtable_budget_mb = storage::ProcessMemtableBudget() >> 20;
  server::TlsFlags tls;        // --tls_*: the listener's and the component channels' certificates.
  log::LogBackendOptions log;  // --log, --kafka_brokers, --kafka_topic, --kafka_config.
  int kafka_mock_brokers = 0;  // In-process mock Kafka cluster (trials and tests only).
};

// A flag's value is wrong: exit 2 (command_line::kExitUsage).
int UsageError(const std::string& message) {
  std::fprintf(stderr, "clienteled: %s\n", message.c_str());
  return command_line::kExitUsage;
}

// The server could not start (a store did not open, the port is taken): exit 1.
int Fail(const std::string& message) {
  std::fprintf(stderr, "clienteled: %s\n", message.c_str());
  return command_line::kExitFailed;
}

server::ServerOptions ServerOptionsOf(const Flags& flags) {
  server::ServerOptions options;
  options.listen = flags.listen;
  options.metrics_listen = flags.metrics_listen == "off" ? "" : flags.metrics_listen;
  options.port_file = flags.port_file;
  options.shutdown_grace = absl::Seconds(flags.shutdown_grace_seconds);
  options.sync_min_pollers = flags.grpc_min_pollers;
  options.sync_max_pollers = flags.grpc_max_pollers;
  options.max_threads = flags.grpc_max_threads;
  options.max_message_bytes = flags.max_message_bytes;
  options.stream_limits.max_concurrent_streams = flags.max_concurrent_streams;
  options.stream_limits.idle_timeout = absl::Seconds(flags.stream_idle_timeout_seconds);
  options.stream_limits.max_stream_messages = flags.max_stream_messages;
  return options;
}

// `components` have their flags parsed; `metrics` outlives them.
int Run(const Flags& flags, server::ComponentSet& components, metrics::Registry& metrics) {
  if (flags.grpc_min_pollers > flags.grpc_max_pollers) {
    return UsageError("--grpc_min_pollers: " + std::to_string(flags.grpc_min_pollers) +
                      " exceeds --grpc_max_pollers " + std::to_string(flags.grpc_max_pollers));
  }
  if (flags.grpc_max_threads != 0 && flags.grpc_max_threads <= flags.grpc_max_pollers) {
    return UsageError("--grpc_max_threads: " + std::to_string(flags.grpc_max_threads) +
                      " must exceed --grpc_max_pollers " + std::to_string(flags.grpc_max_pollers) +
                      " (or be 0: no bound)");
  }
  if (absl::Status s = components.Select(flags.services); !s.ok()) {
    return UsageError(std::string(s.message()));
  }
  auto* gateway = dynamic_cast<gateway::GatewayComponent*>(components.Find("gateway"));
  // gRPC's polling engine, read when gRPC first starts (nothing has started it yet). A gateway
  // alone polls with poll(2): each front thread then reads the connections of its own calls,
  // where with epoll1 gRPC's other threads read them and wake it (a hand-over per message).
  if (flags.grpc_poll_strategy != "auto") {
    setenv("GRPC_POLL_STRATEGY", flags.grpc_poll_strategy.c_str(), /*overwrite=*/1);
  } else if (gateway != nullptr && components.names().size() == 1) {
    setenv("GRPC_POLL_STRATEGY", "poll", /*overwrite=*/0);  // GRPC_POLL_STRATEGY set wins.
  }
  if (flags.auth == "none") {
    if (absl::Status s = CheckAuthNoneListens({{"--listen", flags.listen},
                                               {"--metrics_listen", flags.metrics_listen},
                                               {"--http_listen", flags.http_listen}});
        !s.ok()) {
      return UsageError(std::string(s.message()));
    }
  }
  if (!flags.http_listen.empty() && gateway == nullptr) {
    return UsageError("--http_listen: needs the gateway in --services (it calls the front)");
  }
  if (flags.auth != "none" && flags.auth != "required") {
    return UsageError("--auth: '" + flags.auth + "' is not required or none");
  } else if (flags.auth == "required" && gateway == nullptr && !flags.check) {
    // Without the gateway the services serve directly on --listen, and only other
    // components (verified by their cluster certificates) may call them.
    if (absl::Status s = server::RequireMutualTlsListener(
            flags.tls,
            "with --auth=required when the gateway does not run here (the services are served "
            "directly, to components with cluster certificates; or --auth=none on loopback)");
        !s.ok()) {
      return UsageError(std::string(s.message()));
    }
  }
  storage::SetProcessMemtableBudget(flags.memtable_budget_mb << 20);
  if (flags.check) return CheckStores(flags.data_dir, components.stores());
  if (flags.partition_count == 0) return UsageError("--partition_count: must be at least 1");
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  absl::StatusOr<std::vector<uint32_t>> owned =
      OwnedPartitions(flags.partitions, flags.partition_count, flags.ingest_replicas, host);
  if (!owned.ok()) return UsageError(std::string(owned.status().message()));
  // TLS files are read once, here: a bad one is a usage error naming its flag.
  if (absl::Status s = server::ValidateTlsFlags(flags.tls); !s.ok()) {
    return UsageError(std::string(s.message()));
  }
  absl::StatusOr<server::ServerTls> listener_tls = server::LoadListenerTls(flags.tls);
  if (!listener_tls.ok()) return UsageError(std::string(listener_tls.status().message()));
  absl::StatusOr<server::ChannelTls> channel_tls = server::LoadComponentChannelTls(flags.tls);
  if (!channel_tls.ok()) return UsageError(std::string(channel_tls.status().message()));

  // The log backend; --kafka_mock_brokers starts a mock Kafka cluster in this process, which
  // lives until the process exits (after every component stopped).
  log::LogBackendOptions log_backend = flags.log;
  static std::unique_ptr<ingest::kafka::KafkaMockCluster> kafka_mock;
  if (flags.kafka_mock_brokers != 0) {
    if (!log_backend.kafka()) return UsageError("--kafka_mock_brokers: needs --log=kafka");
    if (!log_backend.kafka_brokers.empty()) {
      return UsageError("--kafka_mock_brokers: not with --kafka_brokers (it is the brokers)");
    }
    absl::StatusOr<std::unique_ptr<ingest::kafka::KafkaMockCluster>> mock =
        ingest::kafka::KafkaMockCluster::Start(flags.kafka_mock_brokers, log_backend.kafka_topic,
                                               static_cast<int>(flags.partition_count));
    if (!mock.ok()) return UsageError(std::string(mock.status().message()));
    kafka_mock = *std::move(mock);
    log_backend.kafka_brokers = kafka_mock->bootstraps();
    spdlog::warn(
        "Kafka: an in-process MOCK cluster of {} brokers at {} (memory-only, capped per "
        "partition: for trials and tests, not for production)",
        flags.kafka_mock_brokers, log_backend.kafka_brokers);
  }
  if (absl::Status s = ingest::kafka::ValidateLogBackendOptions(log_backend); !s.ok()) {
    return UsageError(std::string(s.message()));
  }

  server::ComponentEnvironment env;
  env.log = log_backend;
  env.data_dir = flags.data_dir;
  env.sync_writes = flags.sync_writes;
  env.partition_count = flags.partition_count;
  env.owned_partitions = *owned;
  env.deployment = components.deployment();
  env.deployment.ingest_replicas = flags.ingest_replicas;
  env.metrics = &metrics;
  env.auth_required = flags.auth == "required";
  if (absl::Status s = components.Open(env); !s.ok()) {
    // A component refuses its flags (e.g. --ingest_addr missing) with INVALID_ARGUMENT.
    return absl::IsInvalidArgument(s) ? UsageError(std::string(s.message())) : Fail(s.ToString());
  }

  // What the server serves: every component's services and health names. A service shared
  // by several components (no single component's) is added to both here.
  std::vector<grpc::Service*> services = components.services();
  std::vector<std::string> health_names = components.health_names();
  // Jobs: one clientele.common.v1.JobService over every component's job managers; it
  // dispatches by kind and by the service a job id names (docs/jobs.md).
  jobs::JobRegistry job_registry;
  for (jobs::JobManager* manager : components.job_managers()) {
    if (absl::Status s = job_registry.Add(manager); !s.ok()) return Fail(s.ToString());
  }
  std::unique_ptr<jobs::JobServiceImpl> job_service;
  if (!job_registry.empty()) {
    job_service = std::make_unique<jobs::JobServiceImpl>(&job_registry);
    services.push_back(job_service.get());
    health_names.push_back("clientele.common.v1.JobService");
  }
  // With the gateway: the services on an internal server without a port (reached through
  // its in-process channel: the components' channels and the gateway's front), and a
  // public server on --listen with health and the front. Without it: the services on
  // --listen.
  std::unique_ptr<server::GrpcServer> internal;
  if (gateway != nullptr) {
    server::ServerOptions internal_options = ServerOptionsOf(flags);
    internal_options.listen.clear();
    internal_options.metrics_listen.clear();
    internal_options.port_file.clear();
    internal_options.record_call_metrics = false;  // The public server counts every call.
    absl::StatusOr<std::unique_ptr<server::GrpcServer>> started =
        server::GrpcServer::Start(internal_options, services, health_names, &metrics);
    if (!started.ok()) return Fail(started.status().ToString());
    internal = *std::move(started);
    if (absl::Status s = components.Start(internal.get(), flags.max_message_bytes,
                                          server::ChannelCredentialsFor(*channel_tls));
        !s.ok()) {
      internal->Shutdown();
      return Fail(s.ToString());
    }
  }
  server::ServerOptions public_options = ServerOptionsOf(flags);
  public_options.tls = *listener_tls;
  std::vector<grpc::Service*> public_services = services;
  if (gateway != nullptr) {
    public_services.clear();
    public_options.async_service = gateway->unary_front();
  }
  absl::StatusOr<std::unique_ptr<server::GrpcServer>> server =
      server::GrpcServer::Start(public_options, public_services, health_names, &metrics);
  if (!server.ok()) {
    if (internal != nullptr) {
      components.Drain();
      internal->Shutdown();
      components.Stop();
    }
    return Fail(server.status().ToString());
  }
  spdlog::info("clienteled serving {} on port {} (metrics port {}), data in {}, --auth={}",
               absl::StrJoin(components.names(), ","), (*server)->port(), (*server)->metrics_port(),
               flags.data_dir, flags.auth);
  if (internal == nullptr) {
    if (absl::Status s = components.Start(server->get(), flags.max_message_bytes,
                                          server::ChannelCredentialsFor(*channel_tls));
        !s.ok()) {
      (*server)->Shutdown();
      return Fail(s.ToString());
    }
  }

  // HTTP/JSON: calls the public server's front through its in-process channel (one
  // enforcement point for both).
  std::unique_ptr<gateway::ConnectHttpServer> http;
  if (!flags.http_listen.empty()) {
    http = std::make_unique<gateway::ConnectHttpServer>(flags.http_listen,
                                                        (*server)->InProcessChannel());
    if (absl::Status s = http->Start(); !s.ok()) {
      components.Drain();
      (*server)->Shutdown();
      if (internal != nullptr) internal->Shutdown();
      components.Stop();
      return absl::IsInvalidArgument(s) ? UsageError(std::string(s.message())) : Fail(s.ToString());
    }
    spdlog::info("HTTP/JSON (Connect) on port {}", http->port());
  }

  // Damage, a fenced log partition or a stopped consumer turn the component NOT_SERVING
  // where probes ask: the public server.
  auto health_monitor =
      std::make_unique<server::HealthMonitor>(server->get(), components.health_checks());

  // Graceful shutdown (docs/operations.md, "Shutdown"), in this order:
  // 1. Health reports NOT_SERVING while every call is still served, for
  //    --shutdown_delay_seconds: load balancers and readiness probes take the node out
  //    before it stops accepting calls.
  const int signal = server::WaitForTerminationSignal();
  health_monitor.reset();  // It must not turn anything SERVING again.
  (*server)->StopServing();
  spdlog::info("signal {}: NOT_SERVING, still serving for {} s (--shutdown_delay_seconds)", signal,
               flags.shutdown_delay_seconds);
  absl::SleepFor(absl::Seconds(flags.shutdown_delay_seconds));
  // 2. The components drain, in reverse order of start: the log consumers and job runners
  //    stop (they are this server's own clients: their log subscriptions never end by
  //    themselves and would hold the drain for the whole grace period, and a job's calls
  //    would be refused mid-drain; a stopped job stays queued for the next start), then
  //    ingest ends the tailing subscriptions of remote consumers (UNAVAILABLE, "shutting
  //    down"; they reconnect elsewhere or after the restart).
  spdlog::info("stopping log consumers and jobs");
  components.Drain();
  if (http != nullptr) http->Stop();  // Its requests in progress finish through the front.
  // 3. Drain: no new calls; in-flight calls finish, for at most --shutdown_grace_seconds,
  //    after which the rest are cancelled. With the gateway, the public server first (its
  //    calls are forwarded to the internal one), then the internal server.
  (*server)->Shutdown();
  (*server)->Wait();
  if (internal != nullptr) {
    internal->Shutdown();
    internal->Wait();
  }
  components.Stop();
  // 4. Flush every store (acknowledged writes are already in the WAL).
  if (absl::Status s = components.Flush(); !s.ok()) {
    spdlog::error("flush failed: {}", s.ToString());
    return 1;
  }
  spdlog::info("clienteled stopped cleanly");
  return 0;
}

}  // namespace
}  // namespace clientele

int main(int argc, char** argv) {
  // Debian's abseil is built without NDEBUG, so every absl::Mutex (gRPC's and ours) would keep
  // a lock-order graph for deadlock detection: CPU on every call. Tests keep the detection on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  clientele::server::BlockTerminationSignals();
  clientele::Flags flags;
  clientele::metrics::Registry metrics;  // Outlives the components.
  const clientele::server::ComponentRegistry registry = clientele::ClienteledComponents();
  clientele::server::ComponentSet components(registry);
  CLI::App app{"clienteled: the Clientele customer-analytics server"};
  // Flags keep the server's snake_case (--data_dir); exit codes in docs/operations.md.
  clientele::command_line::ApplyConventions(app, "clienteled");
  app.add_option("--services", flags.services,
                 "Components to run: all, or a comma-separated subset of: " +
                     absl::StrJoin(components.names(), ", "))
      ->capture_default_str();
  app.add_option("--data_dir", flags.data_dir, "Directory of the embedded RocksDB stores")
      ->capture_default_str();
  app.add_option("--http_listen", flags.http_listen,
                 "host:port of HTTP/JSON in the Connect protocol for the unary methods (needs the "
                 "gateway; default: none)");
  app.add_option("--auth", flags.auth,
                 "required: callers authenticate (API keys at the gateway; mutual TLS between "
                 "components), or none: every call admitted, only when every listen address is "
                 "loopback (docs/security.md)")
      ->capture_default_str();
  app.add_option("--listen", flags.listen, "gRPC listen address host:port (port 0: any)")
      ->capture_default_str();
  app.add_option("--metrics_listen", flags.metrics_listen,
                 "Prometheus /metrics HTTP address host:port, or off")
      ->capture_default_str();
  app.add_option("--partition_count", flags.partition_count,
                 "N: the number of log partitions of the whole deployment")
      ->capture_default_str();
  app.add_option("--partitions", flags.partitions,
                 "Partitions this node owns, comma separated, or 'ordinal': the StatefulSet "
                 "ordinal o in the host name owns every partition p with p mod "
                 "--ingest_replicas == o (default: all)");
  app.add_option("--ingest_replicas", flags.ingest_replicas,
                 "R: the ingest nodes serving the partitions; node o owns every partition p "
                 "with p mod R == o (--partitions=ordinal, and '{ordinal}' in --ingest_addr). "
                 "0: --partition_count, one node per partition")
      ->capture_default_str();
  app.add_flag("--sync_writes", flags.sync_writes,
               "fsync the write-ahead log before acknowledging (survives power loss)");
  app.add_option("--port_file", flags.port_file,
                 "Write host:port of the gRPC listener (then the metrics port) here once serving");
  app.add_option("--shutdown_grace_seconds", flags.shutdown_grace_seconds,
                 "On SIGTERM, how long the drain waits for in-flight calls before cancelling them")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--shutdown_delay_seconds", flags.shutdown_delay_seconds,
                 "On SIGTERM, how long to go on serving while health reports NOT_SERVING, before "
                 "the drain (for load balancers; e.g. 5 on Kubernetes)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--max_concurrent_streams", flags.max_concurrent_streams,
                 "Most streaming calls in flight (each holds a thread); the next fails with "
                 "RESOURCE_EXHAUSTED. 0: no cap")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  app.add_option("--stream_idle_timeout_seconds", flags.stream_idle_timeout_seconds,
                 "A stream whose client sends nothing (or reads nothing) this long ends with "
                 "DEADLINE_EXCEEDED. 0: never")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  app.add_option("--max_stream_messages", flags.max_stream_messages,
                 "Most messages a client may send on one stream (RESOURCE_EXHAUSTED beyond). "
                 "0: no limit")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40))
      ->capture_default_str();
  app.add_option("--max_message_bytes", flags.max_message_bytes,
                 "Largest gRPC message received or sent, in bytes (RESOURCE_EXHAUSTED beyond)")
      ->check(CLI::Range(1 << 10, 1 << 30))
      ->capture_default_str();
  app.add_option("--grpc_max_threads", flags.grpc_max_threads,
                 "Most threads of gRPC handlers, pollers included; a call that needs another "
                 "fails at once with RESOURCE_EXHAUSTED. 0: no bound")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  // --ingest_addr, --identity_addr (where a component runs when not here) and each
  // component's own flags.
  components.AddFlags(app);
  clientele::server::AddTlsFlags(app, &flags.tls);
  app.add_option("--grpc_min_pollers", flags.grpc_min_pollers,
                 "Threads kept waiting for calls of sync-API methods")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--grpc_max_pollers", flags.grpc_max_pollers,
                 "Most threads waiting for calls of sync-API methods (more exit after a call)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--grpc_poll_strategy", flags.grpc_poll_strategy,
                 "gRPC's polling engine: epoll1, poll, or auto: poll for a process that runs the "
                 "gateway alone (its front threads then read their own calls' connections), else "
                 "gRPC's default (epoll1) or GRPC_POLL_STRATEGY")
      ->check(CLI::IsMember({"auto", "epoll1", "poll"}))
      ->capture_default_str();
  app.add_option("--memtable_budget_mb", flags.memtable_budget_mb,
                 "Memory all stores may hold in memtables together before flushing (0: each "
                 "column family up to two 64 MiB memtables)")
      ->capture_default_str();
  app.add_option("--log", flags.log.backend,
                 "Where the event log is: rocksdb (embedded in ingest) or kafka (docs/ingest.md, "
                 "\"Log backends\")")
      ->check(CLI::IsMember({"rocksdb", "kafka"}))
      ->capture_default_str();
  app.add_option("--kafka_brokers", flags.log.kafka_brokers,
                 "With --log=kafka: bootstrap brokers, host:port[,host:port...]");
  app.add_option("--kafka_topic", flags.log.kafka_topic,
                 "With --log=kafka: the topic of the event log (partitions = --partition_count)")
      ->capture_default_str();
  app.add_option("--kafka_config", flags.log.kafka_config,
                 "With --log=kafka: a librdkafka setting key=value (repeatable: TLS, SASL, "
                 "tuning)");
  app.add_option("--kafka_mock_brokers", flags.kafka_mock_brokers,
                 "With --log=kafka: start an in-process MOCK Kafka cluster of N brokers and use "
                 "it (memory-only, capped per partition: trials and tests, not production)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--check", flags.check,
               "Verify the checksums of every store of --services under --data_dir (read-only; "
               "the server must not be running) and exit: 0 intact, 1 damaged or unreadable");
  app.add_option("--log_level", flags.log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  app.add_option("--log_format", flags.log_format,
                 "text, or json: one JSON object per line (time, level, component, message, and "
                 "inside a call its method and request_id)")
      ->capture_default_str();
  if (std::optional<int> exit = clientele::command_line::Parse(app, argc, argv)) return *exit;
  clientele::logging::LogOptions log_options;
  log_options.format = flags.log_format;
  log_options.level = flags.log_level;
  if (absl::Status s = clientele::logging::ConfigureLogging(log_options); !s.ok()) {
    return clientele::UsageError(std::string(s.message()));
  }
  return clientele::Run(flags, components, metrics);
}
