// Serves clientele.gateway.v1.CustomerService on 127.0.0.1:0 with every backend at --backend
// (a clienteled --services=all), for customer_cli_test: the CLI's Customer 360 end to end
// without depending on how clienteled wires the gateway. Writes the address to --port_file;
// runs until SIGTERM.
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "common/server/grpc_server.h"
#include "common/server/termination_signals.h"
#include "gateway/customer_service.h"
#include "grpcpp/grpcpp.h"

int main(int argc, char** argv) {
  using namespace clientele;
  server::BlockTerminationSignals();
  std::string backend, port_file;
  CLI::App app{"customer360_server"};
  app.add_option("--backend", backend)->required();
  app.add_option("--port_file", port_file)->required();
  CLI11_PARSE(app, argc, argv);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(backend, grpc::InsecureChannelCredentials());
  gateway::CustomerServiceImpl service(std::make_unique<gateway::Customer360Fanout>(
      gateway::Customer360Backends{channel, channel, channel}));
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.port_file = port_file;
  auto server = server::GrpcServer::Start(options, {&service}, {}, nullptr);
  if (!server.ok()) return 1;
  server::WaitForTerminationSignal();
  (*server)->Shutdown();
  return 0;
}
