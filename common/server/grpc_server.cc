#include "common/server/grpc_server.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <utility>

#include "absl/status/status.h"
#include "common/metrics/build_info.h"
#include "common/server/call_context_interceptor.h"
#include "common/server/metrics_interceptor.h"
#include "common/server/queue_health.h"
#include "grpcpp/ext/health_check_service_server_builder_option.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/channel_arguments.h"
#include "spdlog/spdlog.h"

namespace clientele::server {
namespace {

// Both change process-wide state that grpc::ServerBuilder reads in its constructor, and
// neither is thread-safe: do it once, before the first builder.
void EnableHealthAndReflection() {
  static std::once_flag once;
  std::call_once(once, [] {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  });
}

// Removes the reflection plugin from one builder: a server whose generic service forwards
// calls (the gateway's front) lets reflection through to the server that has the services.
class WithoutReflection final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments* /*args*/) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->erase(std::remove_if(plugins->begin(), plugins->end(),
                                  [](const std::unique_ptr<grpc::ServerBuilderPlugin>& plugin) {
                                    return plugin->name() == "proto_server_reflection";
                                  }),
                   plugins->end());
  }
};

// The host part of "host:port" (brackets of an IPv6 host kept).
std::string ListenHost(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  return colon == std::string::npos ? listen : listen.substr(0, colon);
}

absl::Status WritePortFile(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << contents;
    out.flush();
    if (!out) {
      return absl::InternalError("cannot write port file " + tmp + ": " + std::strerror(errno));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string error = std::strerror(errno);
    std::remove(tmp.c_str());
    return absl::InternalError("cannot rename " + tmp + " to " + path + ": " + error);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const ServerOptions& options, const std::vector<grpc::Service*>& services,
    const std::vector<std::string>& health_service_names, metrics::Registry* registry) {
  if (!options.listen.empty() && options.listen.find(':') == std::string::npos) {
    return absl::InvalidArgumentError("listen address needs host:port: " + options.listen);
  }
  if (registry == nullptr && !options.metrics_listen.empty()) {
    return absl::InvalidArgumentError("metrics_listen is set but the registry is null");
  }
  if (options.max_message_bytes <= 0 || options.shutdown_grace < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("max_message_bytes and shutdown_grace must be positive");
  }
  if (options.sync_min_pollers < 1 || options.sync_max_pollers < options.sync_min_pollers) {
    return absl::InvalidArgumentError(
        "sync pollers: need 1 <= sync_min_pollers <= sync_max_pollers");
  }
  if (options.max_threads < 0 || options.stream_limits.max_concurrent_streams < 0 ||
      options.stream_limits.max_stream_messages < 0 ||
      options.stream_limits.idle_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "max_threads, max_concurrent_streams, max_stream_messages and the stream idle timeout "
        "must not be negative");
  }
  if (options.max_threads > 0 && options.max_threads <= options.sync_max_pollers) {
    return absl::InvalidArgumentError("max_threads must exceed sync_max_pollers");
  }
  EnableHealthAndReflection();

  std::unique_ptr<metrics::MetricsHttpServer> metrics_http;
  if (!options.metrics_listen.empty()) {
    absl::StatusOr<std::unique_ptr<metrics::MetricsHttpServer>> http =
        metrics::MetricsHttpServer::Start(options.metrics_listen, registry);
    if (!http.ok()) return http.status();
    metrics_http = *std::move(http);
  }

  auto stream_guard = std::make_unique<StreamGuard>(options.stream_limits, registry);
  grpc::ServerBuilder builder;
  int port = 0;
  if (!options.listen.empty()) {
    builder.AddListeningPort(options.listen, ServerCredentialsFor(options.tls), &port);
  }
  // gRPC sets SO_REUSEPORT by default, which lets a second server "bind" a busy port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS,
                              options.sync_min_pollers);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              options.sync_max_pollers);
  if (options.max_threads > 0) {
    grpc::ResourceQuota quota("clientele-server");
    quota.SetMaxThreads(options.max_threads);
    builder.SetResourceQuota(quota);
  }
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  for (grpc::Service* service : services) builder.RegisterService(service);
  const bool generic =
      options.generic_service != nullptr ||
      (options.async_service != nullptr && options.async_service->ServesGenericCalls());
  if (options.generic_service != nullptr) {
    builder.RegisterCallbackGenericService(options.generic_service);
  }
  if (generic) builder.SetOption(std::make_unique<WithoutReflection>());
  if (options.async_service != nullptr) {
    // Health on the async service's queues too: with no callback service, the server has no
    // callback queue (queue_health.h). The server owns it.
    auto health = std::make_unique<QueueHealth>();
    options.async_service->Register(builder, health.get());
    builder.SetOption(
        std::make_unique<grpc::HealthCheckServiceServerBuilderOption>(std::move(health)));
  }
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<CallContextInterceptorFactory>());
  if (registry != nullptr) {
    metrics::RegisterBuildInfo(registry);
    if (options.record_call_metrics) {
      interceptors.push_back(
          std::make_unique<MetricsInterceptorFactory>(registry, /*label_generic_calls=*/generic));
    }
  }
  interceptors.push_back(stream_guard->NewInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || (port == 0 && !options.listen.empty())) {
    if (server != nullptr) server->Shutdown();
    if (options.async_service != nullptr) options.async_service->Stop();
    return absl::UnavailableError("cannot start gRPC server on " + options.listen);
  }
  if (options.async_service != nullptr) options.async_service->Start();

  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  if (health == nullptr) {  // Someone called grpc::EnableDefaultHealthCheckService(false).
    server->Shutdown();
    if (options.async_service != nullptr) options.async_service->Stop();
    return absl::InternalError("gRPC default health check service is disabled");
  }
  health->SetServingStatus("", true);
  for (const std::string& name : health_service_names) health->SetServingStatus(name, true);

  std::unique_ptr<GrpcServer> result(new GrpcServer(
      options, std::move(stream_guard), std::move(server), port, std::move(metrics_http)));
  if (!options.port_file.empty() && !options.listen.empty()) {
    const std::string contents = ListenHost(options.listen) + ":" + std::to_string(port) + "\n" +
                                 std::to_string(result->metrics_port()) + "\n";
    absl::Status written = WritePortFile(options.port_file, contents);
    if (!written.ok()) return written;  // ~GrpcServer shuts the server down.
  }
  if (!options.listen.empty()) {
    spdlog::info("gRPC server listening on {}:{} ({}; metrics port {})", ListenHost(options.listen),
                 port,
                 !options.tls.enabled()          ? "plaintext"
                 : options.tls.client_ca.empty() ? "TLS"
                                                 : "TLS with client certificates",
                 result->metrics_port());
  }
  return result;
}

GrpcServer::GrpcServer(const ServerOptions& options, std::unique_ptr<StreamGuard> stream_guard,
                       std::unique_ptr<grpc::Server> server, int port,
                       std::unique_ptr<metrics::MetricsHttpServer> metrics_http)
    : options_(options),
      stream_guard_(std::move(stream_guard)),
      server_(std::move(server)),
      port_(port),
      metrics_http_(std::move(metrics_http)) {}

GrpcServer::~GrpcServer() {
  Shutdown();
  Wait();
}

std::shared_ptr<grpc::Channel> GrpcServer::InProcessChannel() {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(options_.max_message_bytes);
  args.SetMaxSendMessageSize(options_.max_message_bytes);
  return server_->InProcessChannel(args);
}

void GrpcServer::SetServing(const std::string& service_name, bool serving) {
  server_->GetHealthCheckService()->SetServingStatus(service_name, serving);
}

void GrpcServer::StopServing() {
  absl::MutexLock lock(&serving_mu_);
  if (stopped_serving_) return;
  stopped_serving_ = true;
  // NOT_SERVING for every name, and no more changes: probes and Watch streams see it.
  server_->GetHealthCheckService()->Shutdown();
  spdlog::info("gRPC server on port {} reports NOT_SERVING", port_);
}

void GrpcServer::Shutdown() {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  StopServing();
  spdlog::info("gRPC server on port {} draining (grace {})", port_,
               absl::FormatDuration(options_.shutdown_grace));
  const auto deadline =
      std::chrono::system_clock::now() + absl::ToChronoNanoseconds(options_.shutdown_grace);
  server_->Shutdown(deadline);
  // Every call has ended: the async service's queues hold nothing more to serve.
  if (options_.async_service != nullptr) options_.async_service->Stop();
  if (metrics_http_ != nullptr) metrics_http_->Stop();
  spdlog::info("gRPC server on port {} stopped", port_);
  shutdown_complete_.Notify();
}

void GrpcServer::Wait() { shutdown_complete_.WaitForNotification(); }

}  // namespace clientele::server
