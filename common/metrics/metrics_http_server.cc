#include "common/metrics/metrics_http_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "httplib.h"

namespace clientele::metrics {
namespace internal {

// httplib::Server::stop() does nothing until the accept loop has set is_running(), so a
// Stop() right after Start() could leave the loop running forever. Closing the listening
// socket directly works whether or not the loop has started: it checks the socket first.
class StoppableHttpServer : public httplib::Server {
 public:
  void ForceStop() {
    const socket_t sock = svr_sock_.exchange(INVALID_SOCKET);
    if (sock != INVALID_SOCKET) {
      ::shutdown(sock, SHUT_RDWR);
      ::close(sock);
    }
  }
};

}  // namespace internal

namespace {

constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";
constexpr int kWorkerThreads = 2;
// Bounds how long Stop() waits for an idle keep-alive connection.
constexpr time_t kKeepAliveSeconds = 1;

struct HostPort {
  std::string host;
  int port = 0;
};

// "host:port" or "[v6]:port"; an empty host means all IPv4 interfaces.
absl::StatusOr<HostPort> ParseListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError("metrics listen address needs host:port: " + listen);
  }
  HostPort result;
  result.host = listen.substr(0, colon);
  if (result.host.size() >= 2 && result.host.front() == '[' && result.host.back() == ']') {
    result.host = result.host.substr(1, result.host.size() - 2);
  }
  if (result.host.empty()) result.host = "0.0.0.0";
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos ||
      std::atoi(port.c_str()) > 65535) {
    return absl::InvalidArgumentError("bad port in metrics listen address: " + listen);
  }
  result.port = std::atoi(port.c_str());
  return result;
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& listen, const Registry* registry) {
  if (registry == nullptr) return absl::InvalidArgumentError("metrics registry is null");
  absl::StatusOr<HostPort> address = ParseListen(listen);
  if (!address.ok()) return address.status();

  auto server = std::make_unique<internal::StoppableHttpServer>();
  server->new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  server->set_keep_alive_timeout(kKeepAliveSeconds);
  // httplib's default also sets SO_REUSEPORT, which lets a second server bind a busy port
  // and take half the scrapes. Keep only SO_REUSEADDR (fast restarts).
  server->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server->Get("/metrics", [registry](const httplib::Request&, httplib::Response& response) {
    response.set_content(registry->RenderText(), kContentType);
  });
  server->Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok\n", "text/plain");
  });

  int port = address->port;
  if (port == 0) {
    port = server->bind_to_any_port(address->host);
  } else if (!server->bind_to_port(address->host, port)) {
    port = -1;
  }
  if (port <= 0) return absl::UnavailableError("cannot bind metrics HTTP server to " + listen);

  std::unique_ptr<MetricsHttpServer> result(new MetricsHttpServer(std::move(server), port));
  // The socket is listening already: connections queue until the loop accepts them.
  result->thread_ = std::thread([http = result->server_.get()] { http->listen_after_bind(); });
  return result;
}

MetricsHttpServer::MetricsHttpServer(std::unique_ptr<internal::StoppableHttpServer> server,
                                     int port)
    : server_(std::move(server)), port_(port) {}

MetricsHttpServer::~MetricsHttpServer() { Stop(); }

void MetricsHttpServer::Stop() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (!thread_.joinable()) return;
  server_->ForceStop();
  thread_.join();
}

}  // namespace clientele::metrics
