// A small HTTP/1.1 server (cpp-httplib) for Prometheus scrapes and liveness checks:
//
//   GET /metrics  200, Content-Type "text/plain; version=0.0.4", registry->RenderText()
//   GET /healthz  200, "ok\n"
//   anything else 404
//
//   CLT_ASSIGN_OR_RETURN(auto http, MetricsHttpServer::Start("0.0.0.0:9090", &registry));
//   ...
//   http->Stop();  // Or let it go out of scope.
//
// Serves on two worker threads of its own. Thread-safe.
#ifndef CLIENTELE_COMMON_METRICS_METRICS_HTTP_SERVER_H_
#define CLIENTELE_COMMON_METRICS_METRICS_HTTP_SERVER_H_

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "common/metrics/registry.h"

namespace clientele::metrics {

namespace internal {
class StoppableHttpServer;
}  // namespace internal

class MetricsHttpServer {
 public:
  // Binds `listen` ("host:port", "[v6-host]:port"; port 0 picks a free port) and starts
  // serving before returning. `registry` is not owned and must outlive the server.
  // InvalidArgument for a malformed address, Unavailable if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(const std::string& listen,
                                                                  const Registry* registry);

  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;
  // Calls Stop().
  ~MetricsHttpServer();

  // The bound port (the chosen one when started with port 0).
  int port() const { return port_; }

  // Closes the listening socket and waits for the serving threads to finish (requests in
  // progress complete; idle keep-alive connections are closed). Idempotent.
  void Stop();

 private:
  MetricsHttpServer(std::unique_ptr<internal::StoppableHttpServer> server, int port);

  const std::unique_ptr<internal::StoppableHttpServer> server_;
  const int port_;
  std::mutex stop_mu_;
  std::thread thread_;  // Runs the accept loop; joined by Stop(). Guarded by stop_mu_.
};

}  // namespace clientele::metrics

#endif  // CLIENTELE_COMMON_METRICS_METRICS_HTTP_SERVER_H_
