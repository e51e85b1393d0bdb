// The request id and log context of calls, over a real server on 127.0.0.1:0.
#include "common/server/call_context_interceptor.h"

#include <chrono>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "clientele/server_test/v1/test_service.grpc.pb.h"
#include "common/logging/json_log_formatter.h"
#include "common/logging/log_context.h"
#include "common/metrics/registry.h"
#include "common/server/grpc_server.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"

namespace clientele::server {
namespace {

using ::testing::SizeIs;
namespace test_v1 = ::clientele::server_test::v1;

constexpr char kEchoMethod[] = "/clientele.server_test.v1.TestService/Echo";

// Echo logs one line and remembers the log context it ran in.
class LoggingEchoService final : public test_v1::TestService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext* /*context*/, const test_v1::TestRequest* request,
                    test_v1::TestResponse* response) override {
    spdlog::info("echo {}", request->payload());
    const logging::LogContext seen = logging::CurrentLogContext();
    {
      absl::MutexLock lock(&mu_);
      method_ = std::string(seen.method);
      request_id_ = std::string(seen.request_id);
      component_ = std::string(seen.component);
    }
    if (request->status_code() != 0) {
      return grpc::Status(static_cast<grpc::StatusCode>(request->status_code()), "as asked");
    }
    response->set_payload(request->payload());
    return grpc::Status::OK;
  }

  std::string method() {
    absl::MutexLock lock(&mu_);
    return method_;
  }
  std::string request_id() {
    absl::MutexLock lock(&mu_);
    return request_id_;
  }
  std::string component() {
    absl::MutexLock lock(&mu_);
    return component_;
  }

 private:
  absl::Mutex mu_;
  std::string method_ ABSL_GUARDED_BY(mu_);
  std::string request_id_ ABSL_GUARDED_BY(mu_);
  std::string component_ ABSL_GUARDED_BY(mu_);
};

bool IsGeneratedId(const std::string& id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!absl::ascii_isxdigit(c) || absl::ascii_isupper(c)) return false;
  }
  return true;
}

class CallContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<GrpcServer>> server =
        GrpcServer::Start(options, {&service_}, {}, &registry_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = test_v1::TestService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials()));
  }

  // Calls Echo (with `sent` as x-request-id unless empty); returns the x-request-id of the
  // response's initial metadata ("<none>" without one).
  std::string Echo(const std::string& sent, int status_code = 0) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!sent.empty()) context.AddMetadata(kRequestIdMetadata, sent);
    test_v1::TestRequest request;
    request.set_payload("ping");
    request.set_status_code(status_code);
    test_v1::TestResponse response;
    const grpc::Status status = stub_->Echo(&context, request, &response);
    EXPECT_EQ(status.error_code(), static_cast<grpc::StatusCode>(status_code))
        << status.error_message();
    const auto& metadata = context.GetServerInitialMetadata();
    auto it = metadata.find(kRequestIdMetadata);
    if (it == metadata.end()) return "<none>";
    EXPECT_EQ(metadata.count(kRequestIdMetadata), 1u);
    return std::string(it->second.data(), it->second.size());
  }

  metrics::Registry registry_;
  LoggingEchoService service_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<test_v1::TestService::Stub> stub_;
};

TEST_F(CallContextTest, ClientRequestIdIsEchoedAndIsTheHandlersContext) {
  EXPECT_EQ(Echo("order-7f3a"), "order-7f3a");
  EXPECT_EQ(service_.request_id(), "order-7f3a");
  EXPECT_EQ(service_.method(), kEchoMethod);
  EXPECT_EQ(service_.component(), "server_test");
}

TEST_F(CallContextTest, WithoutOneEachCallGetsAFreshId) {
  const std::string first = Echo("");
  const std::string second = Echo("");
  EXPECT_TRUE(IsGeneratedId(first)) << first;
  EXPECT_TRUE(IsGeneratedId(second)) << second;
  EXPECT_NE(first, second);
  EXPECT_EQ(service_.request_id(), second);
}

TEST_F(CallContextTest, FailedCallsEchoTheIdToo) {
  EXPECT_EQ(Echo("failing-1", grpc::StatusCode::INVALID_ARGUMENT), "failing-1");
  EXPECT_EQ(Echo("failing-2", grpc::StatusCode::NOT_FOUND), "failing-2");
}

TEST_F(CallContextTest, UnacceptableIdsAreReplaced) {
  const std::string too_long(129, 'a');
  const std::string replaced = Echo(too_long);
  EXPECT_TRUE(IsGeneratedId(replaced)) << replaced;
  EXPECT_EQ(Echo(std::string(128, 'b')), std::string(128, 'b'));  // The longest kept.
  EXPECT_TRUE(IsGeneratedId(Echo("with space")));
  EXPECT_TRUE(IsGeneratedId(ChooseRequestId("tab\there")));
  EXPECT_EQ(ChooseRequestId("ok-id_1.2"), "ok-id_1.2");
}

TEST_F(CallContextTest, JsonLogLinesOfAHandlerCarryMethodAndRequestId) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_formatter(std::make_unique<logging::JsonLogFormatter>("clienteled"));
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("", sink));
  const std::string id = Echo("trace-\"quoted\"-id");  // Printable ASCII: kept as sent.
  spdlog::info("outside any call");
  spdlog::set_default_logger(previous);

  std::vector<nlohmann::json> lines;
  for (absl::string_view line : absl::StrSplit(out.str(), '\n', absl::SkipEmpty())) {
    lines.push_back(nlohmann::json::parse(std::string(line)));
  }
  ASSERT_THAT(lines, SizeIs(2)) << out.str();
  EXPECT_EQ(lines[0]["message"], "echo ping");
  EXPECT_EQ(lines[0]["method"], kEchoMethod);
  EXPECT_EQ(lines[0]["request_id"], id);
  EXPECT_EQ(lines[0]["request_id"], "trace-\"quoted\"-id");
  EXPECT_EQ(lines[0]["component"], "server_test");
  EXPECT_FALSE(lines[1].contains("method"));
  EXPECT_FALSE(lines[1].contains("request_id"));
  EXPECT_EQ(lines[1]["component"], "clienteled");
}

}  // namespace
}  // namespace clientele::server
