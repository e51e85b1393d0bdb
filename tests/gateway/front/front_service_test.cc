// The front between real gRPC servers on loopback: a client calls the front's server, the
// front forwards to a backend server of a test service with one method of each kind.
#include "gateway/front/front_service.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clientele/front_test/v1/front_test.grpc.pb.h"
#include "common/server/queue_health.h"
#include "common/status/grpc_status.h"
#include "common/testing/poll.h"
#include "gateway/front/backend_router.h"
#include "gateway/front/forwarding.h"
#include "gateway/front/unary_front.h"
#include "gateway/ratelimit/retry_delay.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace clientele::gateway::front {
namespace {

using ::clientele::testing::PollUntil;
using ::testing::HasSubstr;
namespace test_v1 = ::clientele::front_test::v1;

constexpr char kEcho[] = "/clientele.front_test.v1.FrontTestService/Echo";
constexpr char kTestService[] = "clientele.front_test.v1.FrontTestService";
constexpr char kHold[] = "hold";

std::chrono::system_clock::time_point In(absl::Duration d) {
  return std::chrono::system_clock::now() + absl::ToChronoNanoseconds(d);
}

// The backend. Sync handlers; counts calls and keeps what the test asks about.
class Backend final : public test_v1::FrontTestService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext* context, const test_v1::Note* request,
                    test_v1::Note* response) override {
    calls_.fetch_add(1);
    {
      absl::MutexLock lock(&mu_);
      metadata_.clear();
      for (const auto& [key, value] : context->client_metadata()) {
        metadata_.insert(std::string(key.data(), key.size()) + "=" +
                         std::string(value.data(), value.size()));
      }
    }
    if (request->text() == kHold) {
      holding_.store(true);
      release_.WaitForNotification();
    }
    if (request->status_code() != 0) {
      context->AddTrailingMetadata("retry-hint", "later");
      return grpc::Status(static_cast<grpc::StatusCode>(request->status_code()), "as asked",
                          "binary\0details");
    }
    *response = *request;
    return grpc::Status::OK;
  }

  grpc::Status Wait(grpc::ServerContext* context, const test_v1::Note* /*request*/,
                    test_v1::Note* /*response*/) override {
    calls_.fetch_add(1);
    {
      absl::MutexLock lock(&mu_);
      wait_deadline_ = context->deadline();
    }
    waiting_.store(true);
    while (!context->IsCancelled()) absl::SleepFor(absl::Milliseconds(2));
    waiting_.store(false);
    wait_saw_cancel_.store(true);
    return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
  }

  grpc::Status Collect(grpc::ServerContext* /*context*/, grpc::ServerReader<test_v1::Note>* reader,
                       test_v1::Note* response) override {
    calls_.fetch_add(1);
    test_v1::Note note;
    std::string joined;
    int count = 0;
    while (reader->Read(&note)) {
      joined += (count++ == 0 ? "" : ",") + note.text();
    }
    response->set_text(joined);
    response->set_count(count);
    return grpc::Status::OK;
  }

  grpc::Status Repeat(grpc::ServerContext* /*context*/, const test_v1::Note* request,
                      grpc::ServerWriter<test_v1::Note>* writer) override {
    calls_.fetch_add(1);
    for (int i = 0; i < request->count(); ++i) {
      test_v1::Note note;
      note.set_text(request->text() + " " + std::to_string(i));
      note.set_secret(request->secret());
      if (!writer->Write(note)) return grpc::Status(grpc::StatusCode::CANCELLED, "gone");
    }
    return grpc::Status::OK;
  }

  grpc::Status Chat(grpc::ServerContext* /*context*/,
                    grpc::ServerReaderWriter<test_v1::Note, test_v1::Note>* stream) override {
    calls_.fetch_add(1);
    test_v1::Note note;
    while (stream->Read(&note)) {
      test_v1::Note reply;
      reply.set_text("re: " + note.text());
      if (!stream->Write(reply)) break;
    }
    return grpc::Status::OK;
  }

  int calls() const { return calls_.load(); }
  // An Echo of kHold waits for Release().
  bool holding() const { return holding_.load(); }
  void Release() {  // Idempotent; called from the test thread only.
    if (!release_.HasBeenNotified()) release_.Notify();
  }
  bool waiting() const { return waiting_.load(); }
  bool wait_saw_cancel() const { return wait_saw_cancel_.load(); }
  std::chrono::system_clock::time_point wait_deadline() {
    absl::MutexLock lock(&mu_);
    return wait_deadline_;
  }
  std::set<std::string> metadata() {
    absl::MutexLock lock(&mu_);
    return metadata_;
  }

 private:
  std::atomic<int> calls_{0};
  std::atomic<bool> waiting_{false};
  std::atomic<bool> wait_saw_cancel_{false};
  std::atomic<bool> holding_{false};
  absl::Notification release_;
  absl::Mutex mu_;
  std::chrono::system_clock::time_point wait_deadline_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> metadata_ ABSL_GUARDED_BY(mu_);
};

// Denies the methods in `denied`; a caller with "Bearer masked" has its responses' secrets
// masked. Remembers the credentials of the last call.
class TestPolicy final : public CallPolicy {
 public:
  absl::StatusOr<Caller> Admit(const CallCredentials& credentials,
                               std::string_view method) override {
    absl::MutexLock lock(&mu_);
    last_authorization_ = std::string(credentials.authorization);
    last_identity_ = std::string(credentials.certificate_identity);
    if (denied_.count(std::string(method))) {
      return absl::PermissionDeniedError("role tester may not call " + std::string(method));
    }
    Caller caller;
    caller.role = credentials.authorization == "Bearer masked" ? "masked" : "tester";
    caller.key_id = "key-0007";
    caller.name = "t\xc3\xa9ster";  // Not ASCII: sent with '?' in its place.
    return caller;
  }
  bool InspectsResponses(const Caller& caller, std::string_view /*method*/) const override {
    return caller.role == "masked";
  }
  absl::Status FilterResponse(const Caller& /*caller*/, std::string_view /*method*/,
                              google::protobuf::Message& response) override {
    const google::protobuf::FieldDescriptor* secret =
        response.GetDescriptor()->FindFieldByName("secret");
    if (secret != nullptr) response.GetReflection()->SetString(&response, secret, "***");
    return absl::OkStatus();
  }

  void Deny(const std::string& method) {
    absl::MutexLock lock(&mu_);
    denied_.insert(method);
  }
  std::string last_authorization() {
    absl::MutexLock lock(&mu_);
    return last_authorization_;
  }

 private:
  absl::Mutex mu_;
  std::set<std::string> denied_ ABSL_GUARDED_BY(mu_);
  std::string last_authorization_ ABSL_GUARDED_BY(mu_);
  std::string last_identity_ ABSL_GUARDED_BY(mu_);
};

std::unique_ptr<grpc::Server> StartServer(grpc::Service* service, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), port);
  if (service != nullptr) builder.RegisterService(service);
  return builder.BuildAndStart();
}

// How the front serves unary calls in a test: through the generic front like streams, or on the
// unary path (unary_front.h) beside it. Both are on the front's completion queues.
enum class UnaryPath { kGenericFront, kCompletionQueues };

std::string PathName(const ::testing::TestParamInfo<UnaryPath>& info) {
  return info.param == UnaryPath::kGenericFront ? "GenericFront" : "CompletionQueues";
}

// The front on its own server on loopback: the generic FrontService (unless `generic` is
// false) and, for kCompletionQueues, the unary path for the test service's unary methods.
class FrontServer {
 public:
  FrontServer(CallPolicy* policy, BackendRouter* router, UnaryPath path, bool generic = true)
      : front_(policy, router) {
    std::vector<UnaryMethod> unary_methods;
    if (path == UnaryPath::kCompletionQueues) unary_methods = front_.UnaryMethods({kTestService});
    unary_ = std::make_unique<UnaryFront>(policy, router, std::move(unary_methods),
                                          generic ? &front_ : nullptr, /*threads=*/2);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    unary_->Register(builder, &health_);
    server_ = builder.BuildAndStart();
    unary_->Start();
  }
  ~FrontServer() { Shutdown(absl::Seconds(5)); }

  // Stops accepting calls, lets those in flight finish for `grace`, then stops the unary path.
  void Shutdown(absl::Duration grace) {
    if (server_ == nullptr) return;
    server_->Shutdown(In(grace));
    if (unary_ != nullptr) unary_->Stop();
    server_.reset();
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

 private:
  FrontService front_;
  server::QueueHealth health_;
  std::unique_ptr<UnaryFront> unary_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// Every test runs on both unary paths.
class FrontServiceTest : public ::testing::TestWithParam<UnaryPath> {
 protected:
  void SetUp() override {
    int backend_port = 0;
    backend_server_ = StartServer(&backend_, &backend_port);
    ASSERT_NE(backend_port, 0);
    StartFront("127.0.0.1:" + std::to_string(backend_port));
  }

  void StartFront(const std::string& backend_address) {
    router_ = std::make_unique<LocalBackendRouter>(
        grpc::CreateChannel(backend_address, grpc::InsecureChannelCredentials()));
    front_ = std::make_unique<FrontServer>(&policy_, router_.get(), GetParam());
    ASSERT_NE(front_->port(), 0);
    front_address_ = front_->address();
    stub_ = test_v1::FrontTestService::NewStub(
        grpc::CreateChannel(front_address_, grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    backend_.Release();
    if (front_) front_->Shutdown(absl::Seconds(5));
    if (backend_server_) backend_server_->Shutdown(In(absl::Seconds(5)));
  }

  static void Prepare(grpc::ClientContext* context, const std::string& key = "Bearer k") {
    context->set_deadline(In(absl::Seconds(20)));
    context->AddMetadata("authorization", key);
  }

  Backend backend_;
  TestPolicy policy_;
  std::unique_ptr<grpc::Server> backend_server_;
  std::unique_ptr<LocalBackendRouter> router_;
  std::unique_ptr<FrontServer> front_;
  std::string front_address_;
  std::unique_ptr<test_v1::FrontTestService::Stub> stub_;
};

INSTANTIATE_TEST_SUITE_P(Paths, FrontServiceTest,
                         ::testing::Values(UnaryPath::kGenericFront, UnaryPath::kCompletionQueues),
                         PathName);

TEST_P(FrontServiceTest, UnaryCallIsForwardedWithoutTheCredentials) {
  grpc::ClientContext context;
  Prepare(&context);
  context.AddMetadata("x-request-id", "req-1");
  test_v1::Note request, response;
  request.set_text("hello");
  request.set_secret("s3cret");
  ASSERT_TRUE(stub_->Echo(&context, request, &response).ok());
  EXPECT_EQ(response.text(), "hello");
  EXPECT_EQ(response.secret(), "s3cret");  // Not inspected: bytes untouched.
  EXPECT_EQ(policy_.last_authorization(), "Bearer k");
  const std::set<std::string> metadata = backend_.metadata();
  EXPECT_TRUE(metadata.count("x-request-id=req-1"));
  for (const std::string& entry : metadata) EXPECT_THAT(entry, ::testing::Not(HasSubstr("Bearer")));
}

TEST_P(FrontServiceTest, TheAdmittedCallerReachesTheBackendAndAClientCannotForgeIt) {
  grpc::ClientContext context;
  Prepare(&context);
  context.AddMetadata("x-clientele-caller-key-id", "key-forged");
  context.AddMetadata("x-clientele-caller-extra", "forged");
  test_v1::Note request, response;
  ASSERT_TRUE(stub_->Echo(&context, request, &response).ok());
  const std::set<std::string> metadata = backend_.metadata();
  EXPECT_TRUE(metadata.count("x-clientele-caller-key-id=key-0007"));
  EXPECT_TRUE(metadata.count("x-clientele-caller-name=t??ster"));
  EXPECT_TRUE(metadata.count("x-clientele-caller-role=tester"));
  for (const std::string& entry : metadata) EXPECT_THAT(entry, ::testing::Not(HasSubstr("forged")));
}

TEST_P(FrontServiceTest, BackendErrorsKeepTheirCodeDetailsAndTrailingMetadata) {
  grpc::ClientContext context;
  Prepare(&context);
  test_v1::Note request, response;
  request.set_status_code(grpc::StatusCode::RESOURCE_EXHAUSTED);
  const grpc::Status status = stub_->Echo(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(status.error_message(), "as asked");
  EXPECT_EQ(status.error_details(), std::string("binary\0details"));
  const auto& trailing = context.GetServerTrailingMetadata();
  auto it = trailing.find("retry-hint");
  ASSERT_NE(it, trailing.end());
  EXPECT_EQ(std::string(it->second.data(), it->second.size()), "later");
}

TEST_P(FrontServiceTest, ClientStreamIsForwarded) {
  grpc::ClientContext context;
  Prepare(&context);
  test_v1::Note response;
  std::unique_ptr<grpc::ClientWriter<test_v1::Note>> writer = stub_->Collect(&context, &response);
  for (const char* text : {"a", "b", "c"}) {
    test_v1::Note note;
    note.set_text(text);
    ASSERT_TRUE(writer->Write(note));
  }
  ASSERT_TRUE(writer->WritesDone());
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(response.text(), "a,b,c");
  EXPECT_EQ(response.count(), 3);
}

TEST_P(FrontServiceTest, ServerStreamIsForwarded) {
  grpc::ClientContext context;
  Prepare(&context);
  test_v1::Note request;
  request.set_text("n");
  request.set_count(100);
  std::unique_ptr<grpc::ClientReader<test_v1::Note>> reader = stub_->Repeat(&context, request);
  test_v1::Note note;
  int i = 0;
  while (reader->Read(&note)) EXPECT_EQ(note.text(), "n " + std::to_string(i++));
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(i, 100);
}

TEST_P(FrontServiceTest, BidiStreamIsForwardedMessageByMessage) {
  grpc::ClientContext context;
  Prepare(&context);
  std::unique_ptr<grpc::ClientReaderWriter<test_v1::Note, test_v1::Note>> stream =
      stub_->Chat(&context);
  for (const char* text : {"one", "two", "three"}) {
    test_v1::Note note, reply;
    note.set_text(text);
    ASSERT_TRUE(stream->Write(note));
    ASSERT_TRUE(stream->Read(&reply));  // Each answer arrives before the next note is sent.
    EXPECT_EQ(reply.text(), std::string("re: ") + text);
  }
  ASSERT_TRUE(stream->WritesDone());
  test_v1::Note extra;
  EXPECT_FALSE(stream->Read(&extra));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_P(FrontServiceTest, TheDeadlinePropagatesToTheBackend) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer k");
  const auto deadline = In(absl::Milliseconds(500));
  context.set_deadline(deadline);
  test_v1::Note request, response;
  const grpc::Status status = stub_->Wait(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The backend's call had the client's deadline (not none), and ended with it.
  EXPECT_LE(backend_.wait_deadline(), deadline + std::chrono::milliseconds(50));
  EXPECT_TRUE(PollUntil([&] { return backend_.wait_saw_cancel(); }));
}

TEST_P(FrontServiceTest, CancellingTheClientCallCancelsTheBackendCall) {
  grpc::ClientContext context;
  Prepare(&context);
  test_v1::Note request, response;
  grpc::Status status;
  std::thread call([&] { status = stub_->Wait(&context, request, &response); });
  ASSERT_TRUE(PollUntil([&] { return backend_.waiting(); }));
  context.TryCancel();
  call.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(PollUntil([&] { return backend_.wait_saw_cancel(); }));
}

TEST_P(FrontServiceTest, CancellingAStreamCancelsTheBackendCall) {
  grpc::ClientContext context;
  Prepare(&context);
  std::unique_ptr<grpc::ClientReaderWriter<test_v1::Note, test_v1::Note>> stream =
      stub_->Chat(&context);
  test_v1::Note note, reply;
  note.set_text("x");
  ASSERT_TRUE(stream->Write(note));
  ASSERT_TRUE(stream->Read(&reply));
  context.TryCancel();
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_P(FrontServiceTest, ADeniedCallNeverReachesTheBackend) {
  policy_.Deny(kEcho);
  grpc::ClientContext context;
  Prepare(&context);
  test_v1::Note request, response;
  const grpc::Status status = stub_->Echo(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr(kEcho));
  EXPECT_EQ(backend_.calls(), 0);
}

TEST_P(FrontServiceTest, TheVerdictsDetailsReachTheCaller) {
  // A policy error's retry delay is sent as the status details (google.rpc.RetryInfo).
  class Limited final : public CallPolicy {
   public:
    absl::StatusOr<Caller> Admit(const CallCredentials&, std::string_view) override {
      return ResourceExhaustedWithRetryDelay("rate limit of key-1", absl::Milliseconds(80));
    }
    bool InspectsResponses(const Caller&, std::string_view) const override { return false; }
    absl::Status FilterResponse(const Caller&, std::string_view,
                                google::protobuf::Message&) override {
      return absl::OkStatus();
    }
  } limited;
  FrontServer front(&limited, router_.get(), GetParam());
  auto stub = test_v1::FrontTestService::NewStub(
      grpc::CreateChannel(front.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  Prepare(&context);
  test_v1::Note request, response;
  const grpc::Status status = stub->Echo(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(RetryDelay(FromGrpcStatus(status)), absl::Milliseconds(80));
  EXPECT_EQ(backend_.calls(), 0);
}

TEST_P(FrontServiceTest, ThePolicyFiltersResponsesOfUnaryCallsAndStreams) {
  {
    grpc::ClientContext context;
    Prepare(&context, "Bearer masked");
    test_v1::Note request, response;
    request.set_text("t");
    request.set_secret("s3cret");
    ASSERT_TRUE(stub_->Echo(&context, request, &response).ok());
    EXPECT_EQ(response.text(), "t");
    EXPECT_EQ(response.secret(), "***");
  }
  grpc::ClientContext context;
  Prepare(&context, "Bearer masked");
  test_v1::Note request;
  request.set_count(3);
  request.set_secret("s3cret");
  auto reader = stub_->Repeat(&context, request);
  test_v1::Note note;
  int n = 0;
  while (reader->Read(&note)) {
    EXPECT_EQ(note.secret(), "***");
    ++n;
  }
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(n, 3);
}

TEST_P(FrontServiceTest, AnUnknownMethodGetsTheBackendsUnimplemented) {
  grpc::GenericStub stub(grpc::CreateChannel(front_address_, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  Prepare(&context);
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1), response;  // An empty message.
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&context, "/clientele.front_test.v1.FrontTestService/Nope", grpc::StubOptions(),
                 &request, &response, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(20)));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

class FrontWithoutBackendTest : public FrontServiceTest {
 protected:
  void SetUp() override {
    // Nothing listens there: reserve a port, then free it.
    int port = 0;
    { std::unique_ptr<grpc::Server> gone = StartServer(&backend_, &port); }
    StartFront("127.0.0.1:" + std::to_string(port));
  }
};

INSTANTIATE_TEST_SUITE_P(Paths, FrontWithoutBackendTest,
                         ::testing::Values(UnaryPath::kGenericFront, UnaryPath::kCompletionQueues),
                         PathName);

TEST_P(FrontWithoutBackendTest, UnaryAndStreamingCallsGetUnavailable) {
  {
    grpc::ClientContext context;
    Prepare(&context);
    test_v1::Note request, response;
    EXPECT_EQ(stub_->Echo(&context, request, &response).error_code(),
              grpc::StatusCode::UNAVAILABLE);
  }
  grpc::ClientContext context;
  Prepare(&context);
  test_v1::Note request;
  request.set_count(2);
  auto reader = stub_->Repeat(&context, request);
  test_v1::Note note;
  EXPECT_FALSE(reader->Read(&note));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_P(FrontServiceTest, ConcurrentUnaryCallsEachGetTheirOwnAnswer) {
  constexpr int kCalls = 200;
  grpc::CompletionQueue queue;
  struct Pending {
    grpc::ClientContext context;
    test_v1::Note response;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<test_v1::Note>> reader;
  };
  std::vector<std::unique_ptr<Pending>> calls;
  for (int i = 0; i < kCalls; ++i) {
    auto call = std::make_unique<Pending>();
    Prepare(&call->context, i % 2 == 0 ? "Bearer k" : "Bearer masked");
    test_v1::Note request;
    request.set_text("call " + std::to_string(i));
    request.set_secret("s3cret");
    call->reader = stub_->AsyncEcho(&call->context, request, &queue);
    call->reader->Finish(&call->response, &call->status, call.get());
    calls.push_back(std::move(call));
  }
  for (int i = 0; i < kCalls; ++i) {
    void* tag = nullptr;
    bool ok = false;
    ASSERT_TRUE(queue.Next(&tag, &ok));
    ASSERT_TRUE(ok);
  }
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(calls[i]->status.ok()) << calls[i]->status.error_message();
    EXPECT_EQ(calls[i]->response.text(), "call " + std::to_string(i));
    EXPECT_EQ(calls[i]->response.secret(), i % 2 == 0 ? "s3cret" : "***");
  }
  EXPECT_EQ(backend_.calls(), kCalls);
  queue.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (queue.Next(&tag, &ok)) {
  }
}

TEST_P(FrontServiceTest, ACallInFlightWhenTheFrontShutsDownIsAnswered) {
  test_v1::Note response;
  grpc::Status status;
  std::thread held([&] {
    grpc::ClientContext context;
    Prepare(&context);
    test_v1::Note request;
    request.set_text(kHold);
    status = stub_->Echo(&context, request, &response);
  });
  ASSERT_TRUE(PollUntil([&] { return backend_.holding(); }));
  std::thread shutdown([&] { front_->Shutdown(absl::Seconds(20)); });
  // The front takes no new call once it is shutting down...
  ASSERT_TRUE(PollUntil([&] {
    auto stub = test_v1::FrontTestService::NewStub(
        grpc::CreateChannel(front_address_, grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    Prepare(&context);
    context.set_deadline(In(absl::Seconds(2)));
    test_v1::Note request, reply;
    return !stub->Echo(&context, request, &reply).ok();
  }));
  // ... and the call it had accepted still gets its answer.
  backend_.Release();
  held.join();
  shutdown.join();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.text(), kHold);
}

// A policy that admits every call.
class OpenPolicy final : public CallPolicy {
 public:
  absl::StatusOr<Caller> Admit(const CallCredentials&, std::string_view) override {
    return Caller();
  }
  bool InspectsResponses(const Caller&, std::string_view) const override { return false; }
  absl::Status FilterResponse(const Caller&, std::string_view,
                              google::protobuf::Message&) override {
    return absl::OkStatus();
  }
};

TEST(UnaryFrontTest, ServesUnaryCallsOnItsOwnAndNoStream) {
  Backend backend;
  int backend_port = 0;
  std::unique_ptr<grpc::Server> backend_server = StartServer(&backend, &backend_port);
  ASSERT_NE(backend_port, 0);
  LocalBackendRouter router(grpc::CreateChannel("127.0.0.1:" + std::to_string(backend_port),
                                                grpc::InsecureChannelCredentials()));
  OpenPolicy policy;
  FrontServer front(&policy, &router, UnaryPath::kCompletionQueues, /*generic=*/false);
  auto stub = test_v1::FrontTestService::NewStub(
      grpc::CreateChannel(front.address(), grpc::InsecureChannelCredentials()));
  {
    grpc::ClientContext context;
    test_v1::Note request, response;
    request.set_text("unary");
    ASSERT_TRUE(stub->Echo(&context, request, &response).ok());
    EXPECT_EQ(response.text(), "unary");
  }
  grpc::ClientContext context;
  test_v1::Note request;
  request.set_count(1);
  auto reader = stub->Repeat(&context, request);
  test_v1::Note note;
  EXPECT_FALSE(reader->Read(&note));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(backend.calls(), 1);
  front.Shutdown(absl::Seconds(5));
  backend_server->Shutdown(In(absl::Seconds(5)));
}

// Routes every call to one channel and splits ingest over three partitions.
class SplittingRouter final : public BackendRouter {
 public:
  bool NeedsRequest(std::string_view) const override { return false; }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> Route(std::string_view,
                                                       const grpc::ByteBuffer*) override {
    return absl::UnavailableError("no backend");
  }
  uint32_t ingest_split_partitions() const override { return 3; }
};

std::vector<std::string> NamesOf(const std::vector<UnaryMethod>& methods) {
  std::vector<std::string> names;
  for (const UnaryMethod& method : methods) {
    EXPECT_NE(method.response_prototype, nullptr) << method.name;
    names.push_back(method.name);
  }
  return names;
}

TEST(UnaryFrontTest, TheUnaryPathLeavesOutStreamsAndTheCallsTheFrontComposes) {
  OpenPolicy policy;
  SplittingRouter splitting;
  FrontService split_front(&policy, &splitting);
  const std::vector<std::string> names = NamesOf(split_front.UnaryMethods(
      {kTestService, "clientele.ingest.v1.IngestService", "no.such.Service"}));
  EXPECT_THAT(names, ::testing::IsSupersetOf({std::string(kEcho),
                                              std::string("/clientele.front_test.v1."
                                                          "FrontTestService/Wait"),
                                              std::string("/clientele.ingest.v1.IngestService/"
                                                          "CommitProgress")}));
  for (const char* left_out : {"/clientele.front_test.v1.FrontTestService/Collect",
                               "/clientele.front_test.v1.FrontTestService/Repeat",
                               "/clientele.front_test.v1.FrontTestService/Chat",
                               "/clientele.ingest.v1.IngestService/Ingest",
                               "/clientele.ingest.v1.IngestService/IngestStream",
                               "/clientele.ingest.v1.IngestService/Subscribe",
                               "/clientele.ingest.v1.IngestService/GetLogInfo"}) {
    EXPECT_THAT(names, ::testing::Not(::testing::Contains(std::string(left_out))));
  }
  // Unsplit, Ingest and GetLogInfo are forwarded like any unary call.
  LocalBackendRouter local(nullptr);
  FrontService front(&policy, &local);
  EXPECT_THAT(NamesOf(front.UnaryMethods({"clientele.ingest.v1.IngestService"})),
              ::testing::IsSupersetOf({std::string("/clientele.ingest.v1.IngestService/Ingest"),
                                       std::string("/clientele.ingest.v1.IngestService/"
                                                   "GetLogInfo")}));
}

}  // namespace
}  // namespace clientele::gateway::front
