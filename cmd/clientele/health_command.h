// `clientele health [--service=NAME] [--timeout=S]`: one grpc.health.v1 Health/Check of the
// server (public: no API key needed), for people and for probes (Kubernetes runs it as an
// exec probe, since its own gRPC probe cannot do TLS). Prints the status (SERVING,
// NOT_SERVING, UNKNOWN, SERVICE_UNKNOWN; with --json {"service": ..., "status": ...}).
// Exit codes: 0 SERVING; 1 any other status, or another error from the server; 2 usage;
// 3 the server could not be reached within the timeout (no connection, a TLS handshake that
// failed, no answer in time: status UNREACHABLE).
#ifndef CLIENTELE_CMD_CLIENTELE_HEALTH_COMMAND_H_
#define CLIENTELE_CMD_CLIENTELE_HEALTH_COMMAND_H_

#include <functional>
#include <string>

#include "CLI/CLI.hpp"
#include "cmd/clientele/cli_context.h"

namespace clientele::cli {

// Exit code of `clientele health` when the server cannot be reached.
inline constexpr int kExitUnreachable = 3;

struct HealthFlags {
  std::string service;   // "": the server as a whole.
  double timeout = 2.0;  // Seconds for the whole check, connecting included.
};

void AddHealthCommand(CLI::App& app, const CliContext& context, HealthFlags& flags,
                      std::function<int()>& run);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_HEALTH_COMMAND_H_
