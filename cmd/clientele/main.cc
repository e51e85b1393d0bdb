// clientele: the command-line client of a Clientele server. Every command takes
// --server (default $CLIENTELE_SERVER, else 127.0.0.1:50051), --tls-ca, --tls-cert and
// --tls-key (TLS, docs/security.md), the API key (--api-key, --api-key-file or
// $CLIENTELE_API_KEY) and --json (machine-readable output). Exit codes
// (common/cli/command_line.h): 0 ok, 1 a failed call or job, 2 usage; `health` adds 3 for a
// server it cannot reach.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>

#include "CLI/CLI.hpp"
#include "absl/synchronization/mutex.h"
#include "cmd/clientele/analytics_commands.h"
#include "cmd/clientele/audit_commands.h"
#include "cmd/clientele/cli_context.h"
#include "cmd/clientele/customer_commands.h"
#include "cmd/clientele/gen_command.h"
#include "cmd/clientele/health_command.h"
#include "cmd/clientele/identity_commands.h"
#include "cmd/clientele/import_command.h"
#include "cmd/clientele/job_commands.h"
#include "cmd/clientele/key_commands.h"
#include "cmd/clientele/log_commands.h"
#include "cmd/clientele/privacy_commands.h"
#include "cmd/clientele/recommend_commands.h"
#include "cmd/clientele/report_command.h"
#include "common/cli/command_line.h"
#include "common/server/tls_credentials.h"
#include "common/status/grpc_status.h"

namespace clientele::cli {

int ReportRpcError(const std::string& what, const grpc::Status& status) {
  std::fprintf(stderr, "clientele %s: %s\n", what.c_str(), DescribeGrpcStatus(status).c_str());
  return command_line::kExitFailed;
}

}  // namespace clientele::cli

int main(int argc, char** argv) {
  // As in clienteled: Debian's abseil keeps absl::Mutex deadlock detection on (no NDEBUG).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  using namespace clientele::cli;
  CliContext context;
  CLI::App app{"clientele: command-line client of the Clientele customer-analytics server"};
  clientele::command_line::ApplyConventions(app, "clientele");
  app.require_subcommand(1);
  app.add_option("--server", context.server, "Server address host:port")
      ->envname("CLIENTELE_SERVER")
      ->capture_default_str();
  app.add_flag("--json", context.json, "Machine-readable JSON output");
  std::string api_key_file;
  app.add_option("--api-key", context.api_key,
                 "API key sent as 'authorization: Bearer <key>' (default $CLIENTELE_API_KEY; "
                 "prefer --api-key-file or the variable: arguments are visible to other users)");
  app.add_option("--api-key-file", api_key_file, "File holding the API key");
  clientele::server::PemFile tls_ca{"--tls-ca", ""};
  clientele::server::PemFile tls_cert{"--tls-cert", ""};
  clientele::server::PemFile tls_key{"--tls-key", ""};
  app.add_option("--tls-ca,--tls_ca", tls_ca.path,
                 "PEM CA certificates the server's certificate must chain to: connect with TLS")
      ->envname("CLIENTELE_TLS_CA");
  app.add_option("--tls-cert,--tls_cert", tls_cert.path,
                 "PEM client certificate to present (mTLS; with --tls-key)")
      ->envname("CLIENTELE_TLS_CERT");
  app.add_option("--tls-key,--tls_key", tls_key.path, "PEM private key of --tls-cert")
      ->envname("CLIENTELE_TLS_KEY");
  app.fallthrough();

  std::function<int()> run;
  ImportFlags import_flags;
  LogFlags log_flags;
  AddImportCommand(app, context, import_flags, run);
  AddLogCommands(app, context, log_flags, run);
  GenFlags gen_flags;
  AddGenCommand(app, context, gen_flags, run);
  JobFlags job_flags;
  AddJobCommands(app, context, job_flags, run);
  AnalyticsFlags analytics_flags;
  AddAnalyticsCommands(app, context, analytics_flags, job_flags, run);
  RecommendFlags recommend_flags;
  AddRecommendCommands(app, context, recommend_flags, analytics_flags, job_flags, run);
  ReportFlags report_flags;
  AddReportCommand(app, context, report_flags, run);
  IdentityFlags identity_flags;
  AddProfileCommands(app, context, identity_flags, run);
  AddConsentCommands(app, context, identity_flags, run);
  AddIdentityCommands(app, context, identity_flags, run);
  KeyFlags key_flags;
  AddKeyCommands(app, context, key_flags, run);
  AuditFlags audit_flags;
  AddAuditCommands(app, context, audit_flags, run);
  CustomerFlags customer_flags;
  AddCustomerCommands(app, context, customer_flags, run);
  PrivacyFlags privacy_flags;
  AddPrivacyCommands(app, context, privacy_flags, run);
  HealthFlags health_flags;
  AddHealthCommand(app, context, health_flags, run);
  if (std::optional<int> exit = clientele::command_line::Parse(app, argc, argv)) return *exit;
  // The files are read once, before any call: a bad one is a usage error naming its flag.
  absl::StatusOr<clientele::server::ChannelTls> tls =
      clientele::server::LoadChannelTls(tls_ca, tls_cert, tls_key);
  if (!tls.ok()) {
    std::fprintf(stderr, "clientele: %s\n", std::string(tls.status().message()).c_str());
    return clientele::command_line::kExitUsage;
  }
  context.credentials = clientele::server::ChannelCredentialsFor(*tls);
  absl::StatusOr<std::string> api_key =
      clientele::ResolveApiKey(context.api_key, api_key_file, std::getenv(clientele::kApiKeyEnv));
  if (!api_key.ok()) {
    std::fprintf(stderr, "clientele: %s\n", std::string(api_key.status().message()).c_str());
    return clientele::command_line::kExitUsage;
  }
  context.api_key = *std::move(api_key);
  return run ? run() : clientele::command_line::kExitUsage;
}
