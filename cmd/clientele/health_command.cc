#include "cmd/clientele/health_command.h"

#include <chrono>
#include <cstdio>
#include <string>

#include "common/cli/command_line.h"
#include "common/status/grpc_status.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "nlohmann/json.hpp"

namespace clientele::cli {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

void Print(const CliContext& context, const HealthFlags& flags, const std::string& status) {
  if (context.json) {
    const nlohmann::json out = {{"service", flags.service}, {"status", status}};
    std::printf("%s\n", out.dump().c_str());
  } else {
    std::printf("%s\n", status.c_str());
  }
}

int RunHealth(const CliContext& context, const HealthFlags& flags) {
  auto stub = grpc::health::v1::Health::NewStub(context.Channel());
  grpc::ClientContext rpc;
  rpc.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::microseconds(static_cast<int64_t>(flags.timeout * 1e6)));
  // Waits for the connection within the deadline, so a server still starting is not failed
  // at once; a server that is not there is UNREACHABLE at the deadline.
  rpc.set_wait_for_ready(true);
  HealthCheckRequest request;
  request.set_service(flags.service);
  HealthCheckResponse response;
  const grpc::Status status = stub->Check(&rpc, request, &response);
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    Print(context, flags, "UNREACHABLE");
    std::fprintf(stderr, "clientele health: %s unreachable: %s\n", context.server.c_str(),
                 DescribeGrpcStatus(status).c_str());
    return kExitUnreachable;
  }
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {  // The server knows no such name.
    Print(context, flags, "SERVICE_UNKNOWN");
    return command_line::kExitFailed;
  }
  if (!status.ok()) return ReportRpcError("health", status);
  Print(context, flags, HealthCheckResponse::ServingStatus_Name(response.status()));
  return response.status() == HealthCheckResponse::SERVING ? command_line::kExitOk
                                                           : command_line::kExitFailed;
}

}  // namespace

void AddHealthCommand(CLI::App& app, const CliContext& context, HealthFlags& flags,
                      std::function<int()>& run) {
  CLI::App* health = app.add_subcommand(
      "health",
      "Ask the server's gRPC health service (no API key needed). Exit 0 SERVING, 1 NOT_SERVING "
      "or unknown, 2 usage, 3 unreachable");
  health
      ->add_option("--service", flags.service,
                   "gRPC service name to ask about, e.g. clientele.ingest.v1.IngestService "
                   "(default: the server as a whole)")
      ->capture_default_str();
  health
      ->add_option("--timeout", flags.timeout,
                   "Seconds to wait for the answer, connecting included")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  health->callback([&] { run = [&] { return RunHealth(context, flags); }; });
}

}  // namespace clientele::cli
