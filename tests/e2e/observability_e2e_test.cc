// What an operator of the real clienteled sees: JSON log lines (--log_format=json), the
// request id echoed to callers, and the metrics of every component on /metrics.
#include <signal.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "common/testing/child_process.h"
#include "common/testing/poll.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;

std::string Scrape(int metrics_port) {
  httplib::Client http("127.0.0.1", metrics_port);
  httplib::Result metrics = http.Get("/metrics");
  return metrics ? metrics->body : "";
}

TEST(ObservabilityE2eTest, JsonLogsRequestIdAndMetricsOfEveryComponent) {
  TempDir dir;
  const std::string log_file = dir.Sub("server.log");
  const std::string port_file = dir.Sub("port");
  // Through a shell, for the redirection of standard output.
  ChildProcess server(
      {"/bin/sh", "-c",
       absl::StrCat("exec '", CLT_BIN_DIR, "/clienteled' --data_dir='", dir.Sub("data"),
                    "' --listen=127.0.0.1:0 --metrics_listen=127.0.0.1:0 --auth=none "
                    "--port_file='",
                    port_file, "' --log_format=json > '", log_file, "' 2>&1")});
  std::string address;
  int metrics_port = 0;
  ASSERT_TRUE(PollUntil([&] {
    std::ifstream in(port_file);
    return static_cast<bool>(in >> address >> metrics_port);
  })) << "clienteled did not start";

  // A call with a request id gets it back.
  auto stub = ingest::v1::IngestService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "e2e-request-1");
  ingest::v1::IngestRequest request;
  for (int i = 0; i < 20; ++i) {
    *request.add_events() = CustomerEvent(absl::StrCat("e", i), absl::StrCat("c", i),
                                          absl::StrCat("person", i, "@example.com"));
  }
  ingest::v1::IngestResponse response;
  ASSERT_TRUE(stub->Ingest(&context, request, &response).ok());
  ASSERT_EQ(response.accepted(), 20);
  auto echoed = context.GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, context.GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "e2e-request-1");

  // Every consumer catches up: its lag series falls to 0, and identity shows its records.
  for (const char* consumer : {"identity", "analytics", "recommender"}) {
    const std::string line = absl::StrCat("clientele_log_consumer_lag_events{consumer=\"", consumer,
                                          "\",partition=\"0\"} 0\n");
    EXPECT_TRUE(PollUntil([&] { return absl::StrContains(Scrape(metrics_port), line); }))
        << line << Scrape(metrics_port);
  }
  EXPECT_TRUE(PollUntil([&] {
    return absl::StrContains(Scrape(metrics_port), "clientele_identity_records 20\n");
  })) << Scrape(metrics_port);
  const std::string text = Scrape(metrics_port);
  EXPECT_THAT(text, HasSubstr("clientele_build_info{version=\""));
  EXPECT_THAT(text, HasSubstr("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Ingest\","
                              "grpc_service=\"clientele.ingest.v1.IngestService\","
                              "grpc_type=\"unary\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE clientele_identity_decisions_total counter\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE clientele_ingest_dead_letters_total counter\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE clientele_analytics_orders_skipped_total counter\n"));

  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);

  // Every line of the log is one JSON object with the four keys.
  std::ifstream in(log_file);
  std::string line;
  int lines = 0;
  bool saw_serving = false;
  while (std::getline(in, line)) {
    ++lines;
    const nlohmann::json parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(parsed.is_discarded()) << "not JSON: " << line;
    for (const char* key : {"time", "level", "component", "message"}) {
      EXPECT_TRUE(parsed.contains(key)) << key << " missing: " << line;
    }
    if (absl::StrContains(parsed.value("message", ""), "clienteled serving")) {
      saw_serving = true;
      EXPECT_EQ(parsed["component"], "clienteled");
      EXPECT_EQ(parsed["level"], "info");
    }
  }
  EXPECT_GT(lines, 2);
  EXPECT_TRUE(saw_serving);
}

TEST(ObservabilityE2eTest, UnknownLogFormatIsAUsageError) {
  TempDir dir;
  CommandResult result = RunCommand({std::string(CLT_BIN_DIR) + "/clienteled",
                                     "--data_dir=" + dir.Sub("data"), "--log_format=xml"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("--log_format"));
}

}  // namespace
}  // namespace clientele::testing
