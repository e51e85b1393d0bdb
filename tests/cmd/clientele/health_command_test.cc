// `clientele health` against real servers: a clienteled with TLS and --auth=required (health
// needs no key), a gRPC server whose named service is NOT_SERVING, a port nobody listens on,
// and its usage errors; each with its exit code.
#include <memory>
#include <string>
#include <vector>

#include "common/testing/child_process.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;

CommandResult Health(const std::string& server, std::vector<std::string> args) {
  args.insert(args.begin(),
              {std::string(CLT_BIN_DIR) + "/clientele", "--server=" + server, "health"});
  return RunCommand(args);
}

TEST(HealthCommandTest, ATlsServerIsServingWithoutAnApiKey) {
  TempDir certs;
  TempDir data;
  const CommandResult made = RunCommand({CLT_DEV_CERTS, certs.path()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  ServerProcess server = StartServer(CLT_BIN_DIR, data.Sub("server"),
                                     {"--auth=required", "--tls_cert=" + certs.Sub("server.pem"),
                                      "--tls_key=" + certs.Sub("server-key.pem")});
  ASSERT_FALSE(server.address.empty()) << "clienteled did not start with TLS";
  ScopedApiKey no_key("");
  const std::string ca = "--tls-ca=" + certs.Sub("ca.pem");

  const CommandResult serving = Health(server.address, {ca});
  EXPECT_EQ(serving.exit_code, 0) << serving.err;
  EXPECT_EQ(serving.out, "SERVING\n");

  const CommandResult json =
      Health(server.address, {ca, "--json", "--service=clientele.ingest.v1.IngestService"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(
      nlohmann::json::parse(json.out, nullptr, false),
      nlohmann::json({{"service", "clientele.ingest.v1.IngestService"}, {"status", "SERVING"}}))
      << json.out;

  const CommandResult unknown = Health(server.address, {ca, "--service=no.such.Service"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.err;
  EXPECT_EQ(unknown.out, "SERVICE_UNKNOWN\n");

  // Without the CA the handshake fails: the server is not reached.
  const CommandResult plaintext = Health(server.address, {"--timeout=0.5"});
  EXPECT_EQ(plaintext.exit_code, 3) << plaintext.err;
  EXPECT_EQ(plaintext.out, "UNREACHABLE\n");
}

TEST(HealthCommandTest, ANamedServiceThatIsNotServingExitsOne) {
  grpc::EnableDefaultHealthCheckService(true);
  int port = 0;
  grpc::CallbackGenericService unimplemented;  // A server needs a service of its own.
  grpc::ServerBuilder builder;
  builder.RegisterCallbackGenericService(&unimplemented);
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  server->GetHealthCheckService()->SetServingStatus("clientele.test.Down", false);
  server->GetHealthCheckService()->SetServingStatus("clientele.test.Up", true);
  const std::string address = "127.0.0.1:" + std::to_string(port);

  const CommandResult down = Health(address, {"--json", "--service=clientele.test.Down"});
  EXPECT_EQ(down.exit_code, 1) << down.err;
  EXPECT_EQ(nlohmann::json::parse(down.out, nullptr, false),
            nlohmann::json({{"service", "clientele.test.Down"}, {"status", "NOT_SERVING"}}))
      << down.out;
  const CommandResult up = Health(address, {"--service=clientele.test.Up"});
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(up.out, "SERVING\n");
  server->Shutdown();
}

TEST(HealthCommandTest, AnAddressNobodyListensOnIsUnreachableWithinTheTimeout) {
  int port = 0;
  {
    grpc::CallbackGenericService unimplemented;
    grpc::ServerBuilder builder;
    builder.RegisterCallbackGenericService(&unimplemented);
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    std::unique_ptr<grpc::Server> gone = builder.BuildAndStart();
    ASSERT_NE(gone, nullptr);
    gone->Shutdown();
  }
  const CommandResult result =
      Health("127.0.0.1:" + std::to_string(port), {"--json", "--timeout=0.3"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_EQ(nlohmann::json::parse(result.out, nullptr, false)["status"], "UNREACHABLE")
      << result.out;
  EXPECT_THAT(result.err, HasSubstr("unreachable"));
}

TEST(HealthCommandTest, ABadTimeoutIsAUsageError) {
  for (const std::string timeout : {"--timeout=0", "--timeout=-1", "--timeout=soon"}) {
    const CommandResult result = Health("127.0.0.1:1", {timeout});
    EXPECT_EQ(result.exit_code, 2) << timeout;
    EXPECT_THAT(result.err, HasSubstr("--timeout")) << timeout << ": " << result.err;
    EXPECT_EQ(result.out, "") << timeout;
  }
}

}  // namespace
}  // namespace clientele::testing
