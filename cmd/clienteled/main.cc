// clienteled: the Clientele server. One binary, two deployment modes (ARCHITECTURE.md §2):
// --services=all runs every component in one process with embedded RocksDB under
// --data_dir; --services=ingest (or any subset) runs one component per pod.
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cmd/clienteled/analytics_node.h"
#include "cmd/clienteled/identity_node.h"
#include "cmd/clienteled/ingest_node.h"
#include "cmd/clienteled/recommender_node.h"
#include "cmd/clienteled/store_check.h"
#include "common/jobs/job_registry.h"
#include "common/jobs/job_service.h"
#include "common/metrics/registry.h"
#include "common/server/grpc_server.h"
#include "common/server/health_monitor.h"
#include "common/server/termination_signals.h"
#include "common/storage/rocksdb_store.h"
#include "grpcpp/create_channel.h"
#include "spdlog/spdlog.h"

namespace clientele {
namespace {

const std::vector<std::string> kAllServices = {"ingest", "analytics", "identity", "recommender"};

struct Flags {
  std::string services = "all";
  std::string data_dir = "data";
  std::string listen = "127.0.0.1:50051";
  std::string metrics_listen = "127.0.0.1:9464";
  uint32_t partition_count = 1;
  std::string partitions;  // Owned partitions, comma separated; empty = all.
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
  std::string ingest_addr;    // Ingest for log consumers when ingest runs elsewhere.
  std::string identity_addr;  // Identity for analytics when identity runs elsewhere.
  int grpc_min_pollers = server::ServerOptions().sync_min_pollers;
  int grpc_max_pollers = server::ServerOptions().sync_max_pollers;
  bool check = false;  // Verify the stores' checksums and exit.
  size_t memtable_budget_mb = storage::ProcessMemtableBudget() >> 20;
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "clienteled: %s\n", message.c_str());
  return 2;
}

int Run(const Flags& flags) {
  if (flags.grpc_min_pollers > flags.grpc_max_pollers) {
    return Fail("--grpc_min_pollers: " + std::to_string(flags.grpc_min_pollers) +
                " exceeds --grpc_max_pollers " + std::to_string(flags.grpc_max_pollers));
  }
  if (flags.grpc_max_threads != 0 && flags.grpc_max_threads <= flags.grpc_max_pollers) {
    return Fail("--grpc_max_threads: " + std::to_string(flags.grpc_max_threads) +
                " must exceed --grpc_max_pollers " + std::to_string(flags.grpc_max_pollers) +
                " (or be 0: no bound)");
  }
  std::set<std::string> services;
  for (absl::string_view s : absl::StrSplit(flags.services, ',', absl::SkipWhitespace())) {
    if (s == "all") {
      services.insert(kAllServices.begin(), kAllServices.end());
    } else if (std::find(kAllServices.begin(), kAllServices.end(), std::string(s)) !=
               kAllServices.end()) {
      services.insert(std::string(s));
    } else {
      return Fail("--services: unknown service '" + std::string(s) + "' (known: all, " +
                  absl::StrJoin(kAllServices, ", ") + ")");
    }
  }
  if (services.empty()) return Fail("--services: no service named");
  storage::SetProcessMemtableBudget(flags.memtable_budget_mb << 20);
  if (flags.check) {
    return CheckStores(flags.data_dir, std::vector<std::string>(services.begin(), services.end()));
  }
  if (flags.partition_count == 0) return Fail("--partition_count: must be at least 1");
  std::vector<uint32_t> owned;
  std::string partitions = flags.partitions;
  if (partitions == "ordinal") {
    // A StatefulSet pod "ingest-3" owns partition 3.
    char host[256] = {0};
    gethostname(host, sizeof(host) - 1);
    const std::string name(host);
    partitions = name.substr(name.rfind('-') + 1);
    if (name.rfind('-') == std::string::npos) {
      return Fail("--partitions=ordinal: host name '" + name + "' has no -<ordinal> suffix");
    }
  }
  for (absl::string_view p : absl::StrSplit(partitions, ',', absl::SkipWhitespace())) {
    uint32_t v = 0;
    if (!absl::SimpleAtoi(p, &v) || v >= flags.partition_count) {
      return Fail("--partitions: '" + std::string(p) + "' is not a partition below " +
                  std::to_string(flags.partition_count));
    }
    owned.push_back(v);
  }

  metrics::Registry registry;
  std::vector<grpc::Service*> grpc_services;
  std::vector<std::string> health_names;
  std::unique_ptr<IngestNode> ingest;
  if (services.count("ingest")) {
    IngestNodeOptions options;
    options.data_dir = flags.data_dir;
    options.partition_count = flags.partition_count;
    options.owned_partitions = owned;
    options.sync_writes = flags.sync_writes;
    absl::StatusOr<std::unique_ptr<IngestNode>> node = IngestNode::Open(options, &registry);
    if (!node.ok()) return Fail("ingest: " + node.status().ToString());
    ingest = std::move(*node);
    grpc_services.push_back(ingest->service());
    health_names.push_back("clientele.ingest.v1.IngestService");
  }

  std::unique_ptr<AnalyticsNode> analytics;
  if (services.count("analytics")) {
    if (!services.count("ingest") && flags.ingest_addr.empty()) {
      return Fail("--ingest_addr: required when analytics runs without ingest");
    }
    AnalyticsNodeOptions options;
    options.data_dir = flags.data_dir;
    options.partitions = owned;
    if (options.partitions.empty()) {
      for (uint32_t p = 0; p < flags.partition_count; ++p) options.partitions.push_back(p);
    }
    options.sync_writes = flags.sync_writes;
    absl::StatusOr<std::unique_ptr<AnalyticsNode>> node = AnalyticsNode::Open(options, &registry);
    if (!node.ok()) return Fail("analytics: " + node.status().ToString());
    analytics = std::move(*node);
    grpc_services.push_back(analytics->service());
    health_names.push_back("clientele.analytics.v1.AnalyticsService");
  }

  std::unique_ptr<IdentityNode> identity;
  if (services.count("identity")) {
    if (!services.count("ingest") && flags.ingest_addr.empty()) {
      return Fail("--ingest_addr: required when identity runs without ingest");
    }
    IdentityNodeOptions options;
    options.data_dir = flags.data_dir;
    options.partitions = owned;
    if (options.partitions.empty() || !services.count("ingest")) {
      // Identity state is global: a standalone identity node consumes every partition.
      options.partitions.clear();
      for (uint32_t p = 0; p < flags.partition_count; ++p) options.partitions.push_back(p);
    }
    options.sync_writes = flags.sync_writes;
    absl::StatusOr<std::unique_ptr<IdentityNode>> node = IdentityNode::Open(options);
    if (!node.ok()) return Fail("identity: " + node.status().ToString());
    identity = std::move(*node);
    grpc_services.push_back(identity->service());
    health_names.push_back("clientele.identity.v1.IdentityService");
  }

  std::unique_ptr<RecommenderNode> recommender;
  if (services.count("recommender")) {
    if (!services.count("ingest") && flags.ingest_addr.empty()) {
      return Fail("--ingest_addr: required when recommender runs without ingest");
    }
    RecommenderNodeOptions options;
    options.data_dir = flags.data_dir;
    options.partitions = owned;
    if (options.partitions.empty() || !services.count("ingest")) {
      // Recommender state is global (every replica serves every customer): a standalone
      // recommender consumes every partition.
      options.partitions.clear();
      for (uint32_t p = 0; p < flags.partition_count; ++p) options.partitions.push_back(p);
    }
    options.sync_writes = flags.sync_writes;
    absl::StatusOr<std::unique_ptr<RecommenderNode>> node =
        RecommenderNode::Open(options, &registry);
    if (!node.ok()) return Fail("recommender: " + node.status().ToString());
    recommender = std::move(*node);
    grpc_services.push_back(recommender->service());
    health_names.push_back("clientele.recommender.v1.RecommenderService");
  }

  // Jobs: one clientele.common.v1.JobService over the job managers of the components in this
  // process; it dispatches by kind and by the service a job id names (docs/jobs.md).
  jobs::JobRegistry job_registry;
  for (jobs::JobManager* manager :
       {analytics ? analytics->jobs() : nullptr, recommender ? recommender->jobs() : nullptr}) {
    if (manager == nullptr) continue;
    if (absl::Status s = job_registry.Add(manager); !s.ok()) return Fail(s.ToString());
  }
  std::unique_ptr<jobs::JobServiceImpl> job_service;
  if (!job_registry.empty()) {
    job_service = std::make_unique<jobs::JobServiceImpl>(&job_registry);
    grpc_services.push_back(job_service.get());
    health_names.push_back("clientele.common.v1.JobService");
  }

  server::ServerOptions server_options;
  server_options.listen = flags.listen;
  server_options.metrics_listen = flags.metrics_listen == "off" ? "" : flags.metrics_listen;
  server_options.port_file = flags.port_file;
  server_options.shutdown_grace = absl::Seconds(flags.shutdown_grace_seconds);
  server_options.sync_min_pollers = flags.grpc_min_pollers;
  server_options.sync_max_pollers = flags.grpc_max_pollers;
  server_options.max_threads = flags.grpc_max_threads;
  server_options.max_message_bytes = flags.max_message_bytes;
  server_options.stream_limits.max_concurrent_streams = flags.max_concurrent_streams;
  server_options.stream_limits.idle_timeout = absl::Seconds(flags.stream_idle_timeout_seconds);
  server_options.stream_limits.max_stream_messages = flags.max_stream_messages;
  absl::StatusOr<std::unique_ptr<server::GrpcServer>> server =
      server::GrpcServer::Start(server_options, grpc_services, health_names, &registry);
  if (!server.ok()) return Fail(server.status().ToString());
  spdlog::info("clienteled serving {} on port {} (metrics port {}), data in {}",
               absl::StrJoin(services, ","), (*server)->port(), (*server)->metrics_port(),
               flags.data_dir);

  if (analytics) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(flags.max_message_bytes);
    // The ingest log: in-process when ingest runs here, else --ingest_addr ("{partition}"
    // replaced by each partition number).
    std::shared_ptr<grpc::Channel> local = ingest ? (*server)->InProcessChannel() : nullptr;
    std::map<uint32_t, std::shared_ptr<grpc::Channel>> remote;
    for (uint32_t p = 0; !local && p < flags.partition_count; ++p) {
      std::string address = flags.ingest_addr;
      if (size_t at = address.find("{partition}"); at != std::string::npos) {
        address.replace(at, 11, std::to_string(p));
      }
      remote[p] = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    }
    std::function<std::shared_ptr<grpc::Channel>()> identity_channel;
    if (!flags.identity_addr.empty()) {
      auto channel =
          grpc::CreateCustomChannel(flags.identity_addr, grpc::InsecureChannelCredentials(), args);
      identity_channel = [channel] { return channel; };
    } else if (services.count("identity")) {
      auto channel = (*server)->InProcessChannel();
      identity_channel = [channel] { return channel; };
    }
    if (absl::Status s = analytics->Start(
            [local, remote](uint32_t p) { return local ? local : remote.at(p); }, identity_channel);
        !s.ok()) {
      (*server)->Shutdown();
      return Fail("analytics: " + s.ToString());
    }
  }

  if (identity) {
    // The ingest log: in-process when ingest runs here, else --ingest_addr, where
    // "{partition}" (if present) is replaced by the partition number.
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(flags.max_message_bytes);
    std::shared_ptr<grpc::Channel> local = ingest ? (*server)->InProcessChannel() : nullptr;
    std::map<uint32_t, std::shared_ptr<grpc::Channel>> remote;
    if (!local) {
      for (uint32_t p = 0; p < flags.partition_count; ++p) {
        std::string address = flags.ingest_addr;
        if (size_t at = address.find("{partition}"); at != std::string::npos) {
          address.replace(at, 11, std::to_string(p));
        }
        remote[p] = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
      }
    }
    auto channels = [local, remote](uint32_t p) { return local ? local : remote.at(p); };
    if (absl::Status s = identity->Start(channels); !s.ok()) {
      if (analytics) analytics->Stop();
      (*server)->Shutdown();
      return Fail("identity: " + s.ToString());
    }
  }

  if (recommender) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(flags.max_message_bytes);
    std::shared_ptr<grpc::Channel> local = ingest ? (*server)->InProcessChannel() : nullptr;
    std::map<uint32_t, std::shared_ptr<grpc::Channel>> remote;
    for (uint32_t p = 0; !local && p < flags.partition_count; ++p) {
      std::string address = flags.ingest_addr;
      if (size_t at = address.find("{partition}"); at != std::string::npos) {
        address.replace(at, 11, std::to_string(p));
      }
      remote[p] = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    }
    std::function<std::shared_ptr<grpc::Channel>()> identity_channel;
    if (!flags.identity_addr.empty()) {
      auto channel =
          grpc::CreateCustomChannel(flags.identity_addr, grpc::InsecureChannelCredentials(), args);
      identity_channel = [channel] { return channel; };
    } else if (services.count("identity")) {
      auto channel = (*server)->InProcessChannel();
      identity_channel = [channel] { return channel; };
    }
    if (absl::Status s = recommender->Start(
            [local, remote](uint32_t p) { return local ? local : remote.at(p); }, identity_channel);
        !s.ok()) {
      if (analytics) analytics->Stop();
      if (identity) identity->Stop();
      (*server)->Shutdown();
      return Fail("recommender: " + s.ToString());
    }
  }

  // Damage, a fenced log partition or a stopped consumer turn the component NOT_SERVING.
  std::vector<server::HealthMonitor::Check> checks;
  if (ingest)
    checks.push_back({"clientele.ingest.v1.IngestService", [&] { return ingest->Health(); }});
  if (analytics) {
    checks.push_back(
        {"clientele.analytics.v1.AnalyticsService", [&] { return analytics->Health(); }});
  }
  if (identity) {
    checks.push_back({"clientele.identity.v1.IdentityService", [&] { return identity->Health(); }});
  }
  if (recommender) {
    checks.push_back(
        {"clientele.recommender.v1.RecommenderService", [&] { return recommender->Health(); }});
  }
  auto health_monitor = std::make_unique<server::HealthMonitor>(server->get(), std::move(checks));

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
  // 2. The log consumers and job runners stop, in reverse order of start. They are this
  //    server's own clients: their log subscriptions never end by themselves and would hold
  //    the drain for the whole grace period, and a job's calls would be refused mid-drain
  //    (a stopped job stays queued for the next start). Then ingest ends the tailing
  //    subscriptions of remote consumers (UNAVAILABLE, "shutting down"; they reconnect
  //    elsewhere or after the restart).
  spdlog::info("stopping log consumers and jobs");
  if (recommender) recommender->Stop();
  if (identity) identity->Stop();
  if (analytics) analytics->Stop();
  if (ingest) ingest->Close();
  // 3. Drain: no new calls; in-flight calls finish, for at most --shutdown_grace_seconds,
  //    after which the rest are cancelled.
  (*server)->Shutdown();
  (*server)->Wait();
  // 4. Flush every store (acknowledged writes are already in the WAL).
  if (analytics) {
    if (absl::Status s = analytics->Flush(); !s.ok()) {
      spdlog::error("analytics flush failed: {}", s.ToString());
      return 1;
    }
  }
  if (recommender) {
    if (absl::Status s = recommender->Flush(); !s.ok()) {
      spdlog::error("recommender flush failed: {}", s.ToString());
      return 1;
    }
  }
  if (identity) {
    if (absl::Status s = identity->Flush(); !s.ok()) {
      spdlog::error("identity flush failed: {}", s.ToString());
      return 1;
    }
  }
  if (ingest) {
    if (absl::Status s = ingest->Flush(); !s.ok()) {
      spdlog::error("flush failed: {}", s.ToString());
      return 1;
    }
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
  CLI::App app{"clienteled: the Clientele customer-analytics server"};
  app.add_option("--services", flags.services,
                 "Components to run: all, or a comma-separated subset of: ingest, analytics, "
                 "identity, recommender")
      ->capture_default_str();
  app.add_option("--data_dir", flags.data_dir, "Directory of the embedded RocksDB stores")
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
                 "Partitions this node owns, comma separated, or 'ordinal' for the StatefulSet "
                 "ordinal in the host name (default: all)");
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
  app.add_option("--ingest_addr", flags.ingest_addr,
                 "host:port of ingest, for log consumers when ingest is not in --services "
                 "('{partition}' in it is replaced by each partition number)");
  app.add_option(
      "--identity_addr", flags.identity_addr,
      "host:port of identity for analytics and recommender (default: in-process when identity runs "
      "here, else none: each source key is its own profile)");
  app.add_option("--grpc_min_pollers", flags.grpc_min_pollers,
                 "Threads kept waiting for calls of sync-API methods")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--grpc_max_pollers", flags.grpc_max_pollers,
                 "Most threads waiting for calls of sync-API methods (more exit after a call)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--memtable_budget_mb", flags.memtable_budget_mb,
                 "Memory all stores may hold in memtables together before flushing (0: each "
                 "column family up to two 64 MiB memtables)")
      ->capture_default_str();
  app.add_flag("--check", flags.check,
               "Verify the checksums of every store of --services under --data_dir (read-only; "
               "the server must not be running) and exit: 0 intact, 1 damaged, 2 unreadable");
  app.add_option("--log_level", flags.log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(flags.log_level));
  return clientele::Run(flags);
}
