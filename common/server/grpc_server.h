// Runs gRPC services the way every Clientele server does: standard health checking
// (grpc.health.v1), server reflection (grpc.reflection.v1alpha), per-method metrics, a
// request id and log context per call (call_context_interceptor.h), an optional Prometheus
// endpoint, and a graceful shutdown with a deadline.
//
//   metrics::Registry registry;
//   IngestServiceImpl ingest(...);
//   ServerOptions options;
//   options.listen = "0.0.0.0:50051";
//   options.metrics_listen = "0.0.0.0:9090";
//   CLT_ASSIGN_OR_RETURN(std::unique_ptr<GrpcServer> server,
//                        GrpcServer::Start(options, {&ingest},
//                                          {"clientele.ingest.v1.IngestService"}, &registry));
//   WaitForTerminationSignal();   // termination_signals.h
//   server->Shutdown();
#ifndef CLIENTELE_COMMON_SERVER_GRPC_SERVER_H_
#define CLIENTELE_COMMON_SERVER_GRPC_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/metrics/metrics_http_server.h"
#include "common/metrics/registry.h"
#include "common/server/async_service.h"
#include "common/server/stream_guard.h"
#include "common/server/tls_credentials.h"
#include "grpcpp/channel.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/server.h"

namespace clientele::server {

struct ServerOptions {
  // "host:port" of the gRPC listener; port 0 picks a free port (see GrpcServer::port()).
  // Empty: no listener; the server is reached only through InProcessChannel().
  std::string listen = "127.0.0.1:50051";
  // TLS of the gRPC listener (tls_credentials.h); default: plaintext. In-process channels
  // (InProcessChannel) skip it.
  ServerTls tls;
  // "host:port" of the HTTP /metrics and /healthz endpoint; empty: none.
  std::string metrics_listen;
  // How long Shutdown() lets in-flight calls run before cancelling them.
  absl::Duration shutdown_grace = absl::Seconds(10);
  // Largest message received and sent, in bytes.
  int max_message_bytes = 64 << 20;
  // If set, written once the server is up (atomically: temporary file + rename) with two
  // lines: "host:port" of the gRPC listener, then the metrics port (0 if none).
  std::string port_file;
  // Threads of sync-API handlers: gRPC keeps at least sync_min_pollers threads waiting for
  // calls, and a thread that has finished a call waits for the next one only while fewer than
  // sync_max_pollers wait; otherwise it exits. gRPC's defaults (1 and 2) make a server with more
  // than two calls in flight create and destroy a thread every few calls (about one per six at
  // 4,000 calls/s). Idle threads above the minimum still exit after 10 s.
  int sync_min_pollers = 2;
  int sync_max_pollers = 64;
  // Most threads of sync-API handlers (grpc::ResourceQuota::SetMaxThreads), pollers
  // included; a call that needs a thread beyond it fails at once with RESOURCE_EXHAUSTED.
  // 0: gRPC's default (no practical bound).
  int max_threads = 0;
  // Bounds on streaming calls (stream_guard.h): every stream holds a handler thread.
  StreamLimits stream_limits;
  // Serves every method no service registers (not owned; outlives the server); null: gRPC
  // answers them UNIMPLEMENTED. Reflection then reaches it too (the server does not answer
  // it). Its calls' metrics are labelled by method when the method is
  // in the generated descriptor pool (metrics_interceptor.h).
  grpc::CallbackGenericService* generic_service = nullptr;
  // Serves the methods it registers on completion queues of its own (async_service.h; not
  // owned; outlives the server): started once the server runs, stopped once it has shut down.
  // Null: none.
  AsyncService* async_service = nullptr;
  // Record the grpc_server_* metrics of each call (metrics_interceptor.h). Off for a server
  // whose calls are already counted where they entered the process (a gateway's internal
  // server behind its front).
  bool record_call_metrics = true;
};

// Owns a started grpc::Server. Thread-safe.
class GrpcServer {
 public:
  // Starts serving `services` (not owned; they must outlive the server) on
  // options.listen. Health reports SERVING for "" and each of `health_service_names`.
  // Per-method metrics (metrics_interceptor.h) and clientele_build_info go to `registry`
  // (not owned; must outlive the server; may be null only when options.metrics_listen is
  // empty, in which case nothing is recorded).
  // Errors: InvalidArgument for bad options, Unavailable if an address cannot be bound
  // (the listener does not share ports: SO_REUSEPORT is off), Internal if the port file
  // cannot be written. Nothing keeps running after an error.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const ServerOptions& options, const std::vector<grpc::Service*>& services,
      const std::vector<std::string>& health_service_names, metrics::Registry* registry);

  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;
  // Shutdown(), then Wait().
  ~GrpcServer();

  // The bound gRPC port (0 without a listener), and the metrics HTTP port (0 when there is
  // none).
  int port() const { return port_; }
  int metrics_port() const { return metrics_http_ ? metrics_http_->port() : 0; }

  // A channel to this server that skips the network, with the server's message limits.
  // Call before Shutdown().
  std::shared_ptr<grpc::Channel> InProcessChannel();

  // Sets the health status of `service_name` ("" is the whole server), e.g. to report
  // NOT_SERVING while a dependency is down. No effect once StopServing() or Shutdown() has
  // begun.
  void SetServing(const std::string& service_name, bool serving);

  // The first step of a graceful shutdown: marks every health name NOT_SERVING for good
  // (health checks and Watch streams see it) while calls go on being served, so that load
  // balancers stop sending calls before Shutdown() stops accepting them. Idempotent.
  void StopServing();

  // StopServing() if not done yet, then stops accepting calls, lets in-flight calls run
  // until shutdown_grace has passed, then cancels the rest (server streams end; handlers
  // must watch ServerContext::IsCancelled() or their Write results), and stops the
  // metrics endpoint. Returns when all handlers have returned. Idempotent; concurrent
  // callers all return once shutdown is complete.
  void Shutdown();

  // The stream limits in force, with counts of the calls they ended.
  const StreamGuard& stream_guard() const { return *stream_guard_; }

  // Blocks until Shutdown() has completed.
  void Wait();

 private:
  GrpcServer(const ServerOptions& options, std::unique_ptr<StreamGuard> stream_guard,
             std::unique_ptr<grpc::Server> server, int port,
             std::unique_ptr<metrics::MetricsHttpServer> metrics_http);

  const ServerOptions options_;
  // Outlives server_, whose calls' interceptors use it.
  const std::unique_ptr<StreamGuard> stream_guard_;
  const std::unique_ptr<grpc::Server> server_;
  const int port_;
  const std::unique_ptr<metrics::MetricsHttpServer> metrics_http_;  // May be null.

  absl::Mutex serving_mu_;
  bool stopped_serving_ ABSL_GUARDED_BY(serving_mu_) = false;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
  absl::Notification shutdown_complete_;
};

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_GRPC_SERVER_H_
