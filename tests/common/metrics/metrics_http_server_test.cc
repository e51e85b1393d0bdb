#include "common/metrics/metrics_http_server.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "common/metrics/registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace clientele::metrics {
namespace {

using ::testing::StartsWith;

std::unique_ptr<MetricsHttpServer> StartOrDie(const Registry* registry) {
  absl::StatusOr<std::unique_ptr<MetricsHttpServer>> server =
      MetricsHttpServer::Start("127.0.0.1:0", registry);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

TEST(MetricsHttpServerTest, ServesRegistryTextOnMetrics) {
  Registry registry;
  registry.GetCounter("requests_total", "Requests.", {{"path", "/x"}})->Increment(5);
  std::unique_ptr<MetricsHttpServer> server = StartOrDie(&registry);
  ASSERT_NE(server, nullptr);
  EXPECT_GT(server->port(), 0);

  httplib::Client client("127.0.0.1", server->port());
  httplib::Result result = client.Get("/metrics");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200);
  EXPECT_THAT(result->get_header_value("Content-Type"), StartsWith("text/plain; version=0.0.4"));
  EXPECT_EQ(result->body,
            "# HELP requests_total Requests.\n"
            "# TYPE requests_total counter\n"
            "requests_total{path=\"/x\"} 5\n");

  // Every scrape renders the current values.
  registry.GetCounter("requests_total", "Requests.", {{"path", "/x"}})->Increment();
  result = client.Get("/metrics");
  ASSERT_TRUE(result);
  EXPECT_THAT(result->body, ::testing::HasSubstr("requests_total{path=\"/x\"} 6\n"));
}

TEST(MetricsHttpServerTest, ServesHealthzAnd404ForOtherPaths) {
  Registry registry;
  std::unique_ptr<MetricsHttpServer> server = StartOrDie(&registry);
  ASSERT_NE(server, nullptr);
  httplib::Client client("127.0.0.1", server->port());
  httplib::Result health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");
  httplib::Result missing = client.Get("/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST(MetricsHttpServerTest, StopClosesThePortAndIsIdempotent) {
  Registry registry;
  std::unique_ptr<MetricsHttpServer> server = StartOrDie(&registry);
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  server->Stop();
  server->Stop();
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2);
  EXPECT_FALSE(client.Get("/healthz"));
}

TEST(MetricsHttpServerTest, StopRightAfterStartReturns) {
  Registry registry;
  for (int i = 0; i < 20; ++i) {
    std::unique_ptr<MetricsHttpServer> server = StartOrDie(&registry);
    ASSERT_NE(server, nullptr);
    server->Stop();
  }
}

TEST(MetricsHttpServerTest, BusyPortIsUnavailable) {
  Registry registry;
  std::unique_ptr<MetricsHttpServer> first = StartOrDie(&registry);
  ASSERT_NE(first, nullptr);
  absl::StatusOr<std::unique_ptr<MetricsHttpServer>> second =
      MetricsHttpServer::Start("127.0.0.1:" + std::to_string(first->port()), &registry);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
}

TEST(MetricsHttpServerTest, MalformedAddressIsInvalidArgument) {
  Registry registry;
  for (const char* listen : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:70000"}) {
    EXPECT_EQ(MetricsHttpServer::Start(listen, &registry).status().code(),
              absl::StatusCode::kInvalidArgument)
        << listen;
  }
  EXPECT_EQ(MetricsHttpServer::Start("127.0.0.1:0", nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace clientele::metrics
