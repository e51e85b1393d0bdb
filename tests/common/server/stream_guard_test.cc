// Stream limits of GrpcServer (common/server/stream_guard.h) against a real server on
// 127.0.0.1:0: the cap on concurrent streams, the idle timeout for clients that send nothing
// or read nothing, the messages-per-stream limit, and shutdown with a client that never reads.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clientele/server_test/v1/test_service.grpc.pb.h"
#include "common/metrics/registry.h"
#include "common/server/grpc_server.h"
#include "common/testing/poll.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "gtest/gtest.h"

namespace clientele::server {
namespace {

using ::clientele::testing::PollUntil;
using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
namespace test_v1 = ::clientele::server_test::v1;

constexpr char kTestServiceName[] = "clientele.server_test.v1.TestService";

std::chrono::system_clock::time_point RpcDeadline() {
  return std::chrono::system_clock::now() + std::chrono::seconds(30);
}

class StreamServiceImpl final : public test_v1::TestService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext* /*context*/, const test_v1::TestRequest* request,
                    test_v1::TestResponse* response) override {
    response->set_payload(request->payload());
    return grpc::Status::OK;
  }

  grpc::Status Subscribe(grpc::ServerContext* context, const test_v1::TestRequest* request,
                         grpc::ServerWriter<test_v1::TestResponse>* writer) override {
    test_v1::TestResponse response;
    response.set_payload(request->payload());
    if (!writer->Write(response)) return grpc::Status(grpc::StatusCode::CANCELLED, "gone");
    // Nothing more to send: like a log subscription tailing an idle log.
    while (!context->IsCancelled()) absl::SleepFor(absl::Milliseconds(5));
    return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
  }

  grpc::Status Upload(grpc::ServerContext* /*context*/,
                      grpc::ServerReader<test_v1::TestRequest>* reader,
                      test_v1::TestResponse* response) override {
    test_v1::TestRequest request;
    int count = 0;
    while (reader->Read(&request)) ++count;
    response->set_payload(std::to_string(count));
    return grpc::Status::OK;
  }

  grpc::Status Flood(grpc::ServerContext* /*context*/, const test_v1::TestRequest* request,
                     grpc::ServerWriter<test_v1::TestResponse>* writer) override {
    test_v1::TestResponse response;
    response.set_payload(request->payload());
    while (writer->Write(response)) writes_.fetch_add(1);
    floods_ended_.fetch_add(1);
    return grpc::Status(grpc::StatusCode::CANCELLED, "write failed");
  }

  int64_t writes() const { return writes_.load(); }
  int floods_ended() const { return floods_ended_.load(); }

 private:
  std::atomic<int64_t> writes_{0};
  std::atomic<int> floods_ended_{0};
};

// One client stream of Upload, opened (headers sent) on construction.
struct UploadCall {
  explicit UploadCall(test_v1::TestService::Stub* stub) {
    context.set_deadline(RpcDeadline());
    writer = stub->Upload(&context, &response);
  }
  grpc::ClientContext context;
  test_v1::TestResponse response;
  std::unique_ptr<grpc::ClientWriter<test_v1::TestRequest>> writer;
};

class StreamGuardTest : public ::testing::Test {
 protected:
  StreamGuardTest() {
    options_.listen = "127.0.0.1:0";
    options_.shutdown_grace = absl::Seconds(30);
  }

  void StartServer() {
    absl::StatusOr<std::unique_ptr<GrpcServer>> server =
        GrpcServer::Start(options_, {&service_}, {kTestServiceName}, nullptr);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channel_ = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(server_->port()),
                                         grpc::InsecureChannelCredentials(), args);
    stub_ = test_v1::TestService::NewStub(channel_);
  }

  grpc::Status Echo(const std::string& payload) {
    grpc::ClientContext context;
    context.set_deadline(RpcDeadline());
    test_v1::TestRequest request;
    request.set_payload(payload);
    test_v1::TestResponse response;
    return stub_->Echo(&context, request, &response);
  }

  ServerOptions options_;
  StreamServiceImpl service_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<test_v1::TestService::Stub> stub_;
};

TEST_F(StreamGuardTest, StreamBeyondTheCapFailsWithResourceExhaustedNamingTheFlag) {
  options_.stream_limits.max_concurrent_streams = 20;
  StartServer();
  std::vector<std::unique_ptr<UploadCall>> open;
  for (int i = 0; i < 20; ++i) open.push_back(std::make_unique<UploadCall>(stub_.get()));
  ASSERT_TRUE(PollUntil([&] { return server_->stream_guard().active_streams() == 20; }));

  // Five more idle streams: each fails at once, and none holds a slot.
  for (int i = 0; i < 5; ++i) {
    UploadCall extra(stub_.get());
    grpc::Status status = extra.writer->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(status.error_message(), HasSubstr("--max_concurrent_streams"));
    EXPECT_THAT(status.error_message(), HasSubstr("20"));
  }
  EXPECT_EQ(server_->stream_guard().rejected_over_cap(), 5);
  // Unary calls are not streams: they go on being served.
  EXPECT_TRUE(Echo("unary").ok());

  // A stream that ends frees its slot for the next one.
  test_v1::TestRequest request;
  ASSERT_TRUE(open.back()->writer->Write(request));
  open.back()->writer->WritesDone();
  ASSERT_TRUE(open.back()->writer->Finish().ok());
  EXPECT_EQ(open.back()->response.payload(), "1");
  open.pop_back();
  ASSERT_TRUE(PollUntil([&] { return server_->stream_guard().active_streams() == 19; }));
  UploadCall next(stub_.get());
  ASSERT_TRUE(next.writer->Write(request));
  next.writer->WritesDone();
  EXPECT_TRUE(next.writer->Finish().ok());
  for (auto& call : open) {
    call->writer->WritesDone();
    EXPECT_TRUE(call->writer->Finish().ok());
  }
}

TEST_F(StreamGuardTest, IdleClientStreamsEndWithDeadlineExceededNamingTheFlag) {
  options_.stream_limits.idle_timeout = absl::Milliseconds(300);
  StartServer();
  // Many idle streams, each holding a handler thread until the timeout ends it.
  std::vector<std::unique_ptr<UploadCall>> idle;
  for (int i = 0; i < 50; ++i) {
    idle.push_back(std::make_unique<UploadCall>(stub_.get()));
    if (i % 2 == 0) ASSERT_TRUE(idle.back()->writer->Write(test_v1::TestRequest()));
  }
  for (auto& call : idle) {
    grpc::Status status = call->writer->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
    EXPECT_THAT(status.error_message(), HasSubstr("sent nothing for 0.3 s"));
    EXPECT_THAT(status.error_message(), HasSubstr("--stream_idle_timeout_seconds"));
  }
  EXPECT_TRUE(PollUntil([&] { return server_->stream_guard().active_streams() == 0; }));
  EXPECT_EQ(server_->stream_guard().ended_idle(), 50);
}

TEST_F(StreamGuardTest, ServerStreamWithNothingToSendIsNotIdle) {
  options_.stream_limits.idle_timeout = absl::Milliseconds(100);
  StartServer();
  grpc::ClientContext subscribe_context;
  subscribe_context.set_deadline(RpcDeadline());
  test_v1::TestRequest request;
  request.set_payload("tail");
  auto subscription = stub_->Subscribe(&subscribe_context, request);
  test_v1::TestResponse first;
  ASSERT_TRUE(subscription->Read(&first));

  // An idle client stream opened after it ends; the watchdog has then looked at both.
  UploadCall idle(stub_.get());
  EXPECT_EQ(idle.writer->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(server_->stream_guard().ended_idle(), 1);
  EXPECT_TRUE(PollUntil([&] { return server_->stream_guard().active_streams() == 1; }));

  subscribe_context.TryCancel();
  EXPECT_EQ(subscription->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(StreamGuardTest, ClientThatStopsReadingIsEndedAfterTheIdleTimeout) {
  options_.stream_limits.idle_timeout = absl::Milliseconds(300);
  StartServer();
  grpc::ClientContext context;
  context.set_deadline(RpcDeadline());
  test_v1::TestRequest request;
  request.set_payload(std::string(64 << 10, 'x'));
  auto reader = stub_->Flood(&context, request);
  // Never read: flow control blocks the handler's write until the watchdog ends the call.
  ASSERT_TRUE(PollUntil([&] { return service_.floods_ended() == 1; }));
  EXPECT_EQ(server_->stream_guard().ended_idle(), 1);
  EXPECT_TRUE(PollUntil([&] { return server_->stream_guard().active_streams() == 0; }));
  test_v1::TestResponse response;
  while (reader->Read(&response)) {
  }
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(status.error_message(), HasSubstr("read nothing for 0.3 s"));
  EXPECT_THAT(status.error_message(), HasSubstr("--stream_idle_timeout_seconds"));
  // What the handler wrote is bounded by flow control, not by the client's patience.
  EXPECT_LT(service_.writes(), 1000) << service_.writes() << " writes of 64 KiB";
  // The connection is still good for other calls.
  EXPECT_TRUE(Echo("after").ok());
}

TEST_F(StreamGuardTest, ShutdownCompletesWhileAClientNeverReads) {
  options_.shutdown_grace = absl::Milliseconds(200);
  StartServer();
  grpc::ClientContext context;
  context.set_deadline(RpcDeadline());
  test_v1::TestRequest request;
  request.set_payload(std::string(64 << 10, 'x'));
  auto reader = stub_->Flood(&context, request);
  ASSERT_TRUE(PollUntil([&] { return service_.writes() > 0; }));

  std::atomic<bool> done{false};
  std::thread shutdown([&] {
    server_->Shutdown();
    done.store(true);
  });
  EXPECT_TRUE(PollUntil([&] { return done.load(); }));
  shutdown.join();
  EXPECT_EQ(service_.floods_ended(), 1);
  context.TryCancel();
  EXPECT_FALSE(reader->Finish().ok());
}

TEST_F(StreamGuardTest, StreamLongerThanTheMessageLimitFailsWithResourceExhausted) {
  options_.stream_limits.max_stream_messages = 5;
  StartServer();
  {
    UploadCall call(stub_.get());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(call.writer->Write(test_v1::TestRequest()));
    call.writer->WritesDone();
    ASSERT_TRUE(call.writer->Finish().ok());
    EXPECT_EQ(call.response.payload(), "5");
  }
  UploadCall call(stub_.get());
  for (int i = 0; i < 100 && call.writer->Write(test_v1::TestRequest()); ++i) {
  }
  call.writer->WritesDone();
  grpc::Status status = call.writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("more than 5 messages"));
  EXPECT_THAT(status.error_message(), HasSubstr("--max_stream_messages"));
  EXPECT_EQ(server_->stream_guard().ended_too_long(), 1);
}

TEST_F(StreamGuardTest, StopServingReportsNotServingWhileCallsAreStillServed) {
  StartServer();
  server_->StopServing();
  auto health = Health::NewStub(channel_);
  for (const std::string& name : {std::string(), std::string(kTestServiceName)}) {
    grpc::ClientContext context;
    context.set_deadline(RpcDeadline());
    HealthCheckRequest request;
    request.set_service(name);
    HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, request, &response).ok());
    EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING) << name;
  }
  EXPECT_TRUE(Echo("still served").ok());
  // It stays NOT_SERVING: nothing can turn it back.
  server_->SetServing(kTestServiceName, true);
  grpc::ClientContext context;
  context.set_deadline(RpcDeadline());
  HealthCheckRequest request;
  request.set_service(kTestServiceName);
  HealthCheckResponse response;
  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
}

TEST_F(StreamGuardTest, NegativeLimitsAreRejected) {
  options_.stream_limits.max_concurrent_streams = -1;
  absl::StatusOr<std::unique_ptr<GrpcServer>> server =
      GrpcServer::Start(options_, {&service_}, {kTestServiceName}, nullptr);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace clientele::server
