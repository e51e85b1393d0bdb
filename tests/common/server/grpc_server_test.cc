#include "common/server/grpc_server.h"

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clientele/server_test/v1/test_service.grpc.pb.h"
#include "common/metrics/registry.h"
#include "common/server/metrics_interceptor.h"
#include "common/server/queue_health.h"
#include "common/version/version.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/channel_arguments.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace clientele::server {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;
namespace test_v1 = ::clientele::server_test::v1;

constexpr char kTestServiceName[] = "clientele.server_test.v1.TestService";
constexpr absl::Duration kTestDeadline = absl::Seconds(20);

std::chrono::system_clock::time_point RpcDeadline() {
  return std::chrono::system_clock::now() + std::chrono::seconds(10);
}

// A Watch of one health name, open until it goes out of scope.
class HealthWatch {
 public:
  HealthWatch(const std::shared_ptr<grpc::Channel>& channel, const std::string& service)
      : stub_(Health::NewStub(channel)) {
    context_.set_deadline(RpcDeadline());
    HealthCheckRequest request;
    request.set_service(service);
    reader_ = stub_->Watch(&context_, request);
  }

  // Reads the next status into *status; false once the stream has ended.
  bool Next(HealthCheckResponse::ServingStatus* status) {
    HealthCheckResponse update;
    if (!reader_->Read(&update)) return false;
    *status = update.status();
    return true;
  }
  grpc::Status Finish() { return reader_->Finish(); }
  void Cancel() { context_.TryCancel(); }

 private:
  std::unique_ptr<Health::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader_;
};

// Sync handlers; Block and Subscribe stay open until released or cancelled.
class TestServiceImpl final : public test_v1::TestService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext* /*context*/, const test_v1::TestRequest* request,
                    test_v1::TestResponse* response) override {
    if (request->status_code() != 0) {
      return grpc::Status(static_cast<grpc::StatusCode>(request->status_code()), "as asked");
    }
    response->set_payload(request->payload());
    return grpc::Status::OK;
  }

  grpc::Status Block(grpc::ServerContext* context, const test_v1::TestRequest* request,
                     test_v1::TestResponse* response) override {
    Enter();
    // A sync handler learns of cancellation only by asking.
    while (!release_.WaitForNotificationWithTimeout(absl::Milliseconds(5))) {
      if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    }
    response->set_payload(request->payload());
    return grpc::Status::OK;
  }

  grpc::Status Subscribe(grpc::ServerContext* context, const test_v1::TestRequest* request,
                         grpc::ServerWriter<test_v1::TestResponse>* writer) override {
    test_v1::TestResponse response;
    response.set_payload(request->payload());
    if (!writer->Write(response)) return grpc::Status(grpc::StatusCode::CANCELLED, "gone");
    Enter();
    absl::Notification never;
    while (!context->IsCancelled()) never.WaitForNotificationWithTimeout(absl::Milliseconds(5));
    return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
  }

  grpc::Status Upload(grpc::ServerContext* /*context*/,
                      grpc::ServerReader<test_v1::TestRequest>* reader,
                      test_v1::TestResponse* response) override {
    test_v1::TestRequest request;
    int read = 0;
    while (reader->Read(&request)) ++read;
    response->set_payload(std::to_string(read));
    return grpc::Status::OK;
  }

  // Lets every Block call (current and future) return OK.
  void ReleaseBlocked() { release_.Notify(); }

  // True once `n` Block/Subscribe calls have started, false after kTestDeadline.
  bool WaitForEntered(int n) {
    absl::MutexLock lock(&mu_);
    wanted_ = n;
    return mu_.AwaitWithTimeout(absl::Condition(this, &TestServiceImpl::EnteredEnough),
                                kTestDeadline);
  }

 private:
  void Enter() {
    absl::MutexLock lock(&mu_);
    ++entered_;
  }
  bool EnteredEnough() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return entered_ >= wanted_; }

  absl::Notification release_;
  absl::Mutex mu_;
  int entered_ ABSL_GUARDED_BY(mu_) = 0;
  int wanted_ ABSL_GUARDED_BY(mu_) = 0;
};

class GrpcServerTest : public ::testing::Test {
 protected:
  GrpcServerTest() {
    options_.listen = "127.0.0.1:0";
    options_.metrics_listen = "127.0.0.1:0";
  }

  std::unique_ptr<GrpcServer> StartServer() {
    absl::StatusOr<std::unique_ptr<GrpcServer>> server =
        GrpcServer::Start(options_, {&service_}, {kTestServiceName}, &registry_);
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  // A channel with its own connection (no sharing through the global subchannel pool).
  static std::shared_ptr<grpc::Channel> TcpChannel(int port) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                     grpc::InsecureChannelCredentials(), args);
  }

  static grpc::Status Check(const std::shared_ptr<grpc::Channel>& channel,
                            const std::string& service, HealthCheckResponse* response) {
    std::unique_ptr<Health::Stub> stub = Health::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(RpcDeadline());
    HealthCheckRequest request;
    request.set_service(service);
    return stub->Check(&context, request, response);
  }

  static HealthCheckResponse::ServingStatus CheckStatus(
      const std::shared_ptr<grpc::Channel>& channel, const std::string& service) {
    HealthCheckResponse response;
    grpc::Status status = Check(channel, service, &response);
    EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
    return response.status();
  }

  // Polls RenderText until it contains `line` or kTestDeadline passes.
  bool WaitForMetricLine(const std::string& line) {
    const absl::Time deadline = absl::Now() + kTestDeadline;
    while (absl::Now() < deadline) {
      if (registry_.RenderText().find(line) != std::string::npos) return true;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return false;
  }

  ServerOptions options_;
  metrics::Registry registry_;
  TestServiceImpl service_;
};

TEST_F(GrpcServerTest, HealthIsServingForServerAndNamedServices) {
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  EXPECT_GT(server->port(), 0);
  auto channel = TcpChannel(server->port());
  EXPECT_EQ(CheckStatus(channel, ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(CheckStatus(channel, kTestServiceName), HealthCheckResponse::SERVING);
  HealthCheckResponse response;
  EXPECT_EQ(Check(channel, "no.such.Service", &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcServerTest, SetServingChangesHealth) {
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto channel = TcpChannel(server->port());
  server->SetServing(kTestServiceName, false);
  EXPECT_EQ(CheckStatus(channel, kTestServiceName), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(CheckStatus(channel, ""), HealthCheckResponse::SERVING);
  server->SetServing(kTestServiceName, true);
  EXPECT_EQ(CheckStatus(channel, kTestServiceName), HealthCheckResponse::SERVING);
}

TEST_F(GrpcServerTest, InterceptorCountsCallsByMethodAndCode) {
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto channel = TcpChannel(server->port());
  HealthCheckResponse response;
  ASSERT_TRUE(Check(channel, "", &response).ok());
  ASSERT_TRUE(Check(channel, kTestServiceName, &response).ok());
  ASSERT_EQ(Check(channel, "no.such.Service", &response).error_code(), grpc::StatusCode::NOT_FOUND);
  auto stub = test_v1::TestService::NewStub(channel);
  grpc::ClientContext context;
  test_v1::TestRequest request;
  request.set_status_code(grpc::StatusCode::INVALID_ARGUMENT);
  test_v1::TestResponse echo;
  ASSERT_EQ(stub->Echo(&context, request, &echo).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // Recorded before the status is sent, so already visible here.
  const std::string text = registry_.RenderText();
  EXPECT_THAT(text, HasSubstr("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Check\","
                              "grpc_service=\"grpc.health.v1.Health\",grpc_type=\"unary\"} 2\n"));
  EXPECT_THAT(text,
              HasSubstr("grpc_server_handled_total{grpc_code=\"NOT_FOUND\",grpc_method=\"Check\","
                        "grpc_service=\"grpc.health.v1.Health\",grpc_type=\"unary\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("grpc_server_handled_total{grpc_code=\"INVALID_ARGUMENT\","
                              "grpc_method=\"Echo\",grpc_service=\"clientele.server_test.v1."
                              "TestService\",grpc_type=\"unary\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("grpc_server_handling_seconds_count{grpc_method=\"Check\","
                              "grpc_service=\"grpc.health.v1.Health\",grpc_type=\"unary\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("grpc_server_started_total{grpc_method=\"Check\","
                              "grpc_service=\"grpc.health.v1.Health\",grpc_type=\"unary\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE grpc_server_handling_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE grpc_server_handled_total counter\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE grpc_server_started_total counter\n"));

  // The same text is served over HTTP.
  httplib::Client http("127.0.0.1", server->metrics_port());
  httplib::Result scraped = http.Get("/metrics");
  ASSERT_TRUE(scraped);
  EXPECT_EQ(scraped->status, 200);
  EXPECT_THAT(scraped->body,
              HasSubstr("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Check\","
                        "grpc_service=\"grpc.health.v1.Health\",grpc_type=\"unary\"} 2\n"));
}

TEST_F(GrpcServerTest, UnknownMethodsAreUnimplementedAndNotRecordedByPath) {
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  grpc::GenericStub stub(TcpChannel(server->port()));
  grpc::ClientContext context;
  context.set_deadline(RpcDeadline());
  grpc::Slice empty("", 0);
  grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer response;
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&context, "/no.such.Service/Method", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(kTestDeadline));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  const std::string text = registry_.RenderText();
  EXPECT_THAT(text, Not(HasSubstr("no.such.Service")));
  EXPECT_THAT(text, HasSubstr("grpc_server_handled_total{grpc_code=\"UNIMPLEMENTED\","
                              "grpc_method=\"unknown\",grpc_service=\"unknown\","
                              "grpc_type=\"bidi_stream\"} 1\n"));
}

TEST_F(GrpcServerTest, InterceptorCountsMessagesOfStreamsByType) {
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto stub = test_v1::TestService::NewStub(TcpChannel(server->port()));
  grpc::ClientContext context;
  context.set_deadline(RpcDeadline());
  test_v1::TestResponse response;
  auto upload = stub->Upload(&context, &response);
  test_v1::TestRequest request;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(upload->Write(request));
  upload->WritesDone();
  ASSERT_TRUE(upload->Finish().ok());
  const std::string labels =
      "{grpc_method=\"Upload\",grpc_service=\"clientele.server_test.v1.TestService\","
      "grpc_type=\"client_stream\"}";
  const std::string text = registry_.RenderText();
  EXPECT_THAT(text, HasSubstr("grpc_server_started_total" + labels + " 1\n"));
  EXPECT_THAT(text, HasSubstr("grpc_server_msg_received_total" + labels + " 3\n"));
  EXPECT_THAT(text, HasSubstr("grpc_server_msg_sent_total" + labels + " 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE grpc_server_msg_received_total counter\n"));
}

TEST_F(GrpcServerTest, ServesBuildInfoWithTheProjectVersion) {
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->metrics_port());
  httplib::Result scraped = http.Get("/metrics");
  ASSERT_TRUE(scraped);
  EXPECT_THAT(scraped->body, HasSubstr(std::string("# TYPE clientele_build_info gauge\n"
                                                   "clientele_build_info{version=\"") +
                                       std::string(Version()) + "\"} 1\n"));
  EXPECT_THAT(std::string(Version()), ::testing::MatchesRegex("[0-9]+\\.[0-9]+\\.[0-9]+"));
}

TEST(SplitGrpcMethodTest, SplitsServiceAndShortMethod) {
  EXPECT_EQ(
      SplitGrpcMethod("/clientele.ingest.v1.IngestService/Ingest"),
      std::make_pair(std::string("clientele.ingest.v1.IngestService"), std::string("Ingest")));
  EXPECT_EQ(SplitGrpcMethod(nullptr),
            std::make_pair(std::string("unknown"), std::string("unknown")));
  EXPECT_EQ(SplitGrpcMethod("/NoMethod/").first, "unknown");
  EXPECT_EQ(SplitGrpcMethod("no-slash").first, "unknown");
}

TEST_F(GrpcServerTest, InProcessChannelServesCallsWithinMessageLimit) {
  options_.max_message_bytes = 1024;
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto stub = test_v1::TestService::NewStub(server->InProcessChannel());
  test_v1::TestRequest request;
  test_v1::TestResponse response;
  request.set_payload("hello");
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->Echo(&context, request, &response).ok());
    EXPECT_EQ(response.payload(), "hello");
  }
  request.set_payload(std::string(2048, 'x'));
  grpc::ClientContext context;
  EXPECT_EQ(stub->Echo(&context, request, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(GrpcServerTest, PortFileHoldsGrpcAndMetricsPorts) {
  options_.port_file = ::testing::TempDir() + "/grpc_server_test_ports";
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  ASSERT_GT(server->metrics_port(), 0);
  std::ifstream in(options_.port_file);
  std::stringstream contents;
  contents << in.rdbuf();
  EXPECT_EQ(contents.str(), "127.0.0.1:" + std::to_string(server->port()) + "\n" +
                                std::to_string(server->metrics_port()) + "\n");
  EXPECT_FALSE(std::ifstream(options_.port_file + ".tmp").good());
}

TEST_F(GrpcServerTest, PortFileHasZeroWithoutMetricsEndpoint) {
  options_.metrics_listen.clear();
  options_.port_file = ::testing::TempDir() + "/grpc_server_test_ports_nometrics";
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->metrics_port(), 0);
  std::ifstream in(options_.port_file);
  std::stringstream contents;
  contents << in.rdbuf();
  EXPECT_EQ(contents.str(), "127.0.0.1:" + std::to_string(server->port()) + "\n0\n");
}

// Calls grpc.reflection.v1alpha ListServices through a GenericStub with hand-encoded
// bytes: the reflection protos must not be linked in next to libgrpc++_reflection.
class ListServicesCall : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  void Start(grpc::GenericStub* stub, grpc::ClientContext* context) {
    // ServerReflectionRequest{list_services: "*"}: field 7, length-delimited.
    static const char kRequest[] = {0x3a, 0x01, '*'};
    grpc::Slice slice(kRequest, sizeof(kRequest));
    request_ = grpc::ByteBuffer(&slice, 1);
    stub->PrepareBidiStreamingCall(context,
                                   "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                   grpc::StubOptions(), this);
    StartWrite(&request_);
    StartRead(&response_);
    StartCall();
  }
  void OnWriteDone(bool ok) override {
    if (ok) StartWritesDone();
  }
  void OnReadDone(bool ok) override { read_ok_ = ok; }
  void OnDone(const grpc::Status& status) override {
    status_ = status;
    done_.Notify();
  }

  // Waits for the call to end; returns the service names, or nothing on failure.
  std::vector<std::string> ServiceNames() {
    std::vector<std::string> names;
    if (!done_.WaitForNotificationWithTimeout(kTestDeadline)) return names;
    EXPECT_TRUE(status_.ok()) << status_.error_message();
    if (!read_ok_) return names;
    std::vector<grpc::Slice> slices;
    if (!response_.Dump(&slices).ok()) return names;
    std::string bytes;
    for (const grpc::Slice& s : slices) bytes.append(s.begin(), s.end());
    // ServerReflectionResponse.list_services_response (6) → ListServiceResponse.service
    // (1, repeated) → ServiceResponse.name (1).
    google::protobuf::UnknownFieldSet response;
    if (!response.ParseFromString(bytes)) return names;
    for (int i = 0; i < response.field_count(); ++i) {
      if (response.field(i).number() != 6) continue;
      google::protobuf::UnknownFieldSet list;
      if (!list.ParseFromString(response.field(i).length_delimited())) continue;
      for (int j = 0; j < list.field_count(); ++j) {
        google::protobuf::UnknownFieldSet service;
        if (!service.ParseFromString(list.field(j).length_delimited())) continue;
        for (int k = 0; k < service.field_count(); ++k) {
          if (service.field(k).number() == 1) {
            names.push_back(service.field(k).length_delimited());
          }
        }
      }
    }
    return names;
  }

 private:
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  bool read_ok_ = false;
  grpc::Status status_;
  absl::Notification done_;
};

TEST_F(GrpcServerTest, ReflectionListsServices) {
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  grpc::GenericStub stub(TcpChannel(server->port()));
  grpc::ClientContext context;
  context.set_deadline(RpcDeadline());
  ListServicesCall call;
  call.Start(&stub, &context);
  EXPECT_THAT(call.ServiceNames(),
              IsSupersetOf({std::string(kTestServiceName), std::string("grpc.health.v1.Health"),
                            std::string("grpc.reflection.v1alpha.ServerReflection")}));
}

// Answers every call with one empty message and records its method.
class RecordingGenericService final : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    {
      absl::MutexLock lock(&mu_);
      methods_.push_back(context->method());
    }
    class Reactor final : public grpc::ServerGenericBidiReactor {
     public:
      Reactor() { StartRead(&message_); }
      void OnReadDone(bool ok) override {
        if (!ok) {
          Finish(grpc::Status::OK);
          return;
        }
        grpc::Slice empty("", 0);
        message_ = grpc::ByteBuffer(&empty, 1);
        StartWriteAndFinish(&message_, grpc::WriteOptions(), grpc::Status::OK);
      }
      void OnDone() override { delete this; }

     private:
      grpc::ByteBuffer message_;
    };
    return new Reactor;
  }
  std::vector<std::string> methods() {
    absl::MutexLock lock(&mu_);
    return methods_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> methods_ ABSL_GUARDED_BY(mu_);
};

TEST_F(GrpcServerTest, AGenericServiceGetsReflectionAndItsKnownMethodsAreLabelledByMethod) {
  RecordingGenericService generic;
  options_.generic_service = &generic;
  absl::StatusOr<std::unique_ptr<GrpcServer>> server =
      GrpcServer::Start(options_, {}, {}, &registry_);
  ASSERT_TRUE(server.ok()) << server.status();
  grpc::GenericStub stub(TcpChannel((*server)->port()));
  for (const char* method : {"/clientele.server_test.v1.TestService/Echo", "/no.such.Service/M"}) {
    grpc::ClientContext context;
    context.set_deadline(RpcDeadline());
    grpc::Slice empty("", 0);
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    absl::Notification done;
    grpc::Status status;
    stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
      status = std::move(s);
      done.Notify();
    });
    ASSERT_TRUE(done.WaitForNotificationWithTimeout(kTestDeadline));
    EXPECT_TRUE(status.ok()) << method << ": " << status.error_message();
  }
  EXPECT_TRUE(WaitForMetricLine(
      "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Echo\","
      "grpc_service=\"clientele.server_test.v1.TestService\",grpc_type=\"unary\"} 1\n"))
      << registry_.RenderText();
  EXPECT_TRUE(
      WaitForMetricLine("grpc_server_handled_total{grpc_code=\"OK\","
                        "grpc_method=\"unknown\",grpc_service=\"unknown\","
                        "grpc_type=\"bidi_stream\"} 1\n"))
      << registry_.RenderText();
  EXPECT_THAT(registry_.RenderText(), Not(HasSubstr("no.such.Service")));
  // Reflection is not answered by this server: it reaches the generic service.
  grpc::ClientContext context;
  context.set_deadline(RpcDeadline());
  ListServicesCall call;
  call.Start(&stub, &context);
  (void)call.ServiceNames();
  EXPECT_THAT(
      generic.methods(),
      ::testing::Contains("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"));
}

TEST_F(GrpcServerTest, AServerWithoutListenerIsReachedInProcess) {
  options_.listen.clear();
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->port(), 0);
  auto stub = test_v1::TestService::NewStub(server->InProcessChannel());
  test_v1::TestRequest request;
  test_v1::TestResponse response;
  request.set_payload("inside");
  grpc::ClientContext context;
  ASSERT_TRUE(stub->Echo(&context, request, &response).ok());
  EXPECT_EQ(response.payload(), "inside");
}

TEST_F(GrpcServerTest, ShutdownLetsInFlightCallFinishAndStopsAccepting) {
  options_.shutdown_grace = absl::Seconds(60);
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  const int port = server->port();

  grpc::Status block_status;
  test_v1::TestResponse block_response;
  std::thread client([&] {
    auto stub = test_v1::TestService::NewStub(TcpChannel(port));
    grpc::ClientContext context;
    context.set_deadline(RpcDeadline());
    test_v1::TestRequest request;
    request.set_payload("in flight");
    block_status = stub->Block(&context, request, &block_response);
  });
  ASSERT_TRUE(service_.WaitForEntered(1));

  std::thread shutdown([&] { server->Shutdown(); });
  // New connections are refused once shutdown has begun.
  const absl::Time deadline = absl::Now() + kTestDeadline;
  bool refused = false;
  while (!refused && absl::Now() < deadline) {
    HealthCheckResponse response;
    refused = !Check(TcpChannel(port), "", &response).ok();
    if (!refused) absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_TRUE(refused);

  const absl::Time released = absl::Now();
  service_.ReleaseBlocked();
  client.join();
  shutdown.join();
  server->Wait();
  EXPECT_TRUE(block_status.ok()) << block_status.error_message();
  EXPECT_EQ(block_response.payload(), "in flight");
  // Shutdown ended with the last call, long before the grace period.
  EXPECT_LT(absl::Now() - released, absl::Seconds(30));
}

TEST_F(GrpcServerTest, ShutdownReportsNotServingAndEndsStreamsAtGraceDeadline) {
  options_.shutdown_grace = absl::Milliseconds(300);
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto channel = TcpChannel(server->port());

  HealthWatch watch(channel, kTestServiceName);
  HealthCheckResponse::ServingStatus update;
  ASSERT_TRUE(watch.Next(&update));
  EXPECT_EQ(update, HealthCheckResponse::SERVING);

  auto stub = test_v1::TestService::NewStub(channel);
  grpc::ClientContext subscribe_context;
  subscribe_context.set_deadline(RpcDeadline());
  test_v1::TestRequest request;
  request.set_payload("first");
  auto subscription = stub->Subscribe(&subscribe_context, request);
  test_v1::TestResponse message;
  ASSERT_TRUE(subscription->Read(&message));
  EXPECT_EQ(message.payload(), "first");
  ASSERT_TRUE(service_.WaitForEntered(1));

  const absl::Time start = absl::Now();
  std::thread shutdown([&] { server->Shutdown(); });
  ASSERT_TRUE(watch.Next(&update));
  EXPECT_EQ(update, HealthCheckResponse::NOT_SERVING);
  // Both streams end when the grace period is over, not at their own deadline.
  EXPECT_FALSE(watch.Next(&update));
  EXPECT_FALSE(subscription->Read(&message));
  EXPECT_FALSE(watch.Finish().ok());
  EXPECT_FALSE(subscription->Finish().ok());
  shutdown.join();
  EXPECT_GE(absl::Now() - start, options_.shutdown_grace);
  EXPECT_LT(absl::Now() - start, absl::Seconds(8));
  EXPECT_TRUE(
      WaitForMetricLine("grpc_server_handled_total{grpc_code=\"CANCELLED\","
                        "grpc_method=\"Subscribe\",grpc_service=\"clientele.server_test.v1."
                        "TestService\",grpc_type=\"server_stream\"} 1\n"));
}

// An AsyncService with one queue and one thread that serves nothing but the server's health
// (queue_health.h), as a server whose every call is on completion queues has it.
class HealthOnlyAsyncService final : public AsyncService {
 public:
  void Register(grpc::ServerBuilder& builder, QueueHealth* health) override {
    health_ = health;
    health_->Register(builder, &calls_);
    queue_ = builder.AddCompletionQueue();
  }
  void Start() override {
    health_->Serve(queue_.get());
    thread_ = std::thread([this] { Poll(); });
  }
  void Stop() override {
    health_->StopRequesting();
    calls_.WaitForNone();
    queue_->Shutdown();
    if (thread_.joinable()) {
      thread_.join();
    } else {
      Poll();
    }
  }

 private:
  void Poll() {
    void* tag = nullptr;
    bool ok = false;
    while (queue_->Next(&tag, &ok)) static_cast<QueueTag*>(tag)->Done(ok);
  }

  QueueHealth* health_ = nullptr;
  QueueCalls calls_;
  std::unique_ptr<grpc::ServerCompletionQueue> queue_;
  std::thread thread_;
};

TEST_F(GrpcServerTest, HealthOnTheAsyncServicesQueuesChecksWatchesAndStopsServing) {
  HealthOnlyAsyncService async;
  options_.async_service = &async;
  options_.shutdown_grace = absl::Milliseconds(300);
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto channel = TcpChannel(server->port());
  EXPECT_EQ(CheckStatus(channel, ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(CheckStatus(channel, kTestServiceName), HealthCheckResponse::SERVING);
  HealthCheckResponse response;
  EXPECT_EQ(Check(channel, "no.such.Service", &response).error_code(), grpc::StatusCode::NOT_FOUND);

  HealthWatch watch(channel, kTestServiceName);
  HealthCheckResponse::ServingStatus update;
  ASSERT_TRUE(watch.Next(&update));
  EXPECT_EQ(update, HealthCheckResponse::SERVING);
  {
    HealthWatch unknown(channel, "no.such.Service");
    ASSERT_TRUE(unknown.Next(&update));
    EXPECT_EQ(update, HealthCheckResponse::SERVICE_UNKNOWN);
    unknown.Cancel();
    EXPECT_FALSE(unknown.Finish().ok());
  }

  server->SetServing(kTestServiceName, false);
  ASSERT_TRUE(watch.Next(&update));
  EXPECT_EQ(update, HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(CheckStatus(channel, kTestServiceName), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(CheckStatus(channel, ""), HealthCheckResponse::SERVING);
  server->SetServing(kTestServiceName, true);
  ASSERT_TRUE(watch.Next(&update));
  EXPECT_EQ(update, HealthCheckResponse::SERVING);

  server->StopServing();
  ASSERT_TRUE(watch.Next(&update));
  EXPECT_EQ(update, HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(CheckStatus(channel, ""), HealthCheckResponse::NOT_SERVING);
  server->SetServing("", true);  // No effect once stopping.
  EXPECT_EQ(CheckStatus(channel, ""), HealthCheckResponse::NOT_SERVING);

  const absl::Time start = absl::Now();
  std::thread shutdown([&] { server->Shutdown(); });
  EXPECT_FALSE(watch.Next(&update));  // Ended at the grace deadline.
  EXPECT_FALSE(watch.Finish().ok());
  shutdown.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(8));
}

TEST_F(GrpcServerTest, ShutdownIsIdempotentAndThreadSafe) {
  std::unique_ptr<GrpcServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&server] {
      server->Shutdown();
      server->Wait();
    });
  }
  for (std::thread& thread : threads) thread.join();
  server->Shutdown();
  // The metrics endpoint is gone too.
  httplib::Client http("127.0.0.1", server->metrics_port());
  EXPECT_FALSE(http.Get("/healthz"));
}

TEST_F(GrpcServerTest, BusyPortIsUnavailable) {
  std::unique_ptr<GrpcServer> first = StartServer();
  ASSERT_NE(first, nullptr);
  options_.listen = "127.0.0.1:" + std::to_string(first->port());
  options_.metrics_listen.clear();
  absl::StatusOr<std::unique_ptr<GrpcServer>> second =
      GrpcServer::Start(options_, {}, {}, &registry_);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
}

TEST_F(GrpcServerTest, BadOptionsAreInvalidArgument) {
  EXPECT_EQ(GrpcServer::Start(options_, {}, {}, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);  // metrics_listen needs a registry.
  options_.metrics_listen = "nonsense";
  EXPECT_EQ(GrpcServer::Start(options_, {}, {}, &registry_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(GrpcServerTest, BadSyncPollerCountsAreInvalidArgument) {
  options_.sync_min_pollers = 0;
  EXPECT_EQ(GrpcServer::Start(options_, {}, {}, &registry_).status().code(),
            absl::StatusCode::kInvalidArgument);
  options_.sync_min_pollers = 4;
  options_.sync_max_pollers = 2;
  EXPECT_EQ(GrpcServer::Start(options_, {}, {}, &registry_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(GrpcServerTest, RunsWithoutRegistryOrMetrics) {
  options_.metrics_listen.clear();
  absl::StatusOr<std::unique_ptr<GrpcServer>> server =
      GrpcServer::Start(options_, {&service_}, {}, nullptr);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(CheckStatus((*server)->InProcessChannel(), ""), HealthCheckResponse::SERVING);
  EXPECT_THAT(registry_.RenderText(), Not(HasSubstr("grpc_server")));
}

}  // namespace
}  // namespace clientele::server
