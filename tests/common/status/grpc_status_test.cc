// ToGrpcStatus / FromGrpcStatus, Reply / ReplyWith and ServerCallInterrupt (the last against
// a real server on 127.0.0.1:0).
#include "common/status/grpc_status.h"

#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "clientele/server_test/v1/test_service.grpc.pb.h"
#include "common/testing/poll.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace clientele {
namespace {

using ::testing::HasSubstr;
namespace test_v1 = ::clientele::server_test::v1;

TEST(GrpcStatusTest, OkMapsToOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(GrpcStatusTest, EveryCanonicalCodeMapsToTheSameGrpcCodeAndBack) {
  for (int code = 1; code <= 16; ++code) {
    const absl::Status status(static_cast<absl::StatusCode>(code), "what went wrong");
    const grpc::Status mapped = ToGrpcStatus(status);
    EXPECT_EQ(static_cast<int>(mapped.error_code()), code);
    EXPECT_EQ(mapped.error_message(), "what went wrong");
    EXPECT_EQ(FromGrpcStatus(mapped), status);
  }
  EXPECT_EQ(ToGrpcStatus(absl::DeadlineExceededError("x")).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(ToGrpcStatus(absl::DataLossError("x")).error_code(), grpc::StatusCode::DATA_LOSS);
}

TEST(GrpcStatusTest, LongMessagesAreCut) {
  const std::string message(kMaxStatusMessageBytes + 100, 'm');
  const grpc::Status mapped = ToGrpcStatus(absl::InvalidArgumentError(message));
  EXPECT_EQ(mapped.error_message().size(), kMaxStatusMessageBytes);
  EXPECT_EQ(mapped.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(GrpcStatusTest, ReplyMovesAnOkResultIntoTheResponse) {
  test_v1::TestResponse response;
  test_v1::TestResponse result;
  result.set_payload("answer");
  const grpc::Status status = Reply(absl::StatusOr<test_v1::TestResponse>(result), &response);
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(response.payload(), "answer");
}

TEST(GrpcStatusTest, ReplyMapsAnErrorAndLeavesTheResponseAlone) {
  test_v1::TestResponse response;
  response.set_payload("untouched");
  const grpc::Status status = Reply(
      absl::StatusOr<test_v1::TestResponse>(absl::NotFoundError("profile_id: no 'P9'")), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "profile_id: no 'P9'");
  EXPECT_EQ(response.payload(), "untouched");
}

TEST(GrpcStatusTest, ReplyWithFillsAPartOfTheResponseOnlyWhenOk) {
  int filled = 0;
  EXPECT_TRUE(ReplyWith(absl::StatusOr<int>(7), [&](int v) { filled = v; }).ok());
  EXPECT_EQ(filled, 7);
  const grpc::Status failed =
      ReplyWith(absl::StatusOr<int>(absl::UnavailableError("down")), [&](int v) { filled = v; });
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(filled, 7);
}

absl::Status WithRetryInfo(absl::Duration delay) {
  absl::Status status = absl::ResourceExhaustedError("rate limit exceeded; retry after 2.5s");
  google::rpc::RetryInfo info;
  info.mutable_retry_delay()->set_seconds(absl::ToInt64Seconds(delay));
  info.mutable_retry_delay()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(delay % absl::Seconds(1))));
  status.SetPayload("type.googleapis.com/google.rpc.RetryInfo",
                    absl::Cord(info.SerializeAsString()));
  status.SetPayload("internal-note", absl::Cord("not a protobuf type: not sent"));
  return status;
}

// The RetryInfo that grpc error details (a google.rpc.Status) hold, as any gRPC client reads it.
void ExpectRetryInfo(const grpc::Status& status, int64_t seconds, int32_t nanos) {
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_EQ(details.message(), status.error_message());
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/google.rpc.RetryInfo");
  google::rpc::RetryInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.retry_delay().seconds(), seconds);
  EXPECT_EQ(info.retry_delay().nanos(), nanos);
}

TEST(GrpcStatusTest, TypedPayloadsBecomeGoogleRpcStatusDetailsAndComeBack) {
  const absl::Status status = WithRetryInfo(absl::Milliseconds(2500));
  const grpc::Status mapped = ToGrpcStatus(status);
  EXPECT_EQ(mapped.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(mapped.error_message(), "rate limit exceeded; retry after 2.5s");
  ExpectRetryInfo(mapped, 2, 500000000);
  const absl::Status back = FromGrpcStatus(mapped);
  EXPECT_EQ(back.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(back.GetPayload("type.googleapis.com/google.rpc.RetryInfo"),
            status.GetPayload("type.googleapis.com/google.rpc.RetryInfo"));
  EXPECT_FALSE(back.GetPayload("internal-note").has_value());
  // Without typed payloads there are no details.
  EXPECT_TRUE(ToGrpcStatus(absl::UnavailableError("down")).error_details().empty());
}

// Echo fails with a RetryInfo, to see the details cross the wire.
class RetryInfoService final : public test_v1::TestService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext*, const test_v1::TestRequest*,
                    test_v1::TestResponse*) override {
    return ToGrpcStatus(WithRetryInfo(absl::Milliseconds(1500)));
  }
};

TEST(GrpcStatusTest, RetryInfoDetailsReachAClient) {
  RetryInfoService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  auto stub = test_v1::TestService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  test_v1::TestResponse response;
  const grpc::Status status = stub->Echo(&context, test_v1::TestRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  ExpectRetryInfo(status, 1, 500000000);
  server->Shutdown();
}

// Block runs until its ServerCallInterrupt stops it (or a bound far beyond the tests' deadlines)
// and records what the interrupt said.
class InterruptedService final : public test_v1::TestService::Service {
 public:
  grpc::Status Block(grpc::ServerContext* context, const test_v1::TestRequest*,
                     test_v1::TestResponse*) override {
    const ServerCallInterrupt interrupt(context);
    started_.Notify();
    absl::Status stop;
    testing::PollUntil(
        [&] {
          stop = interrupt.Check();
          return !stop.ok();
        },
        absl::Seconds(30));
    seen_ = stop;
    done_.Notify();
    return ToGrpcStatus(stop);
  }
  grpc::Status Echo(grpc::ServerContext* context, const test_v1::TestRequest*,
                    test_v1::TestResponse*) override {
    return ToGrpcStatus(ServerCallInterrupt(context).Check());
  }

  absl::Notification started_;
  absl::Notification done_;
  absl::Status seen_;
};

class ServerCallInterruptTest : public ::testing::Test {
 protected:
  ServerCallInterruptTest() {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ = test_v1::TestService::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                              grpc::InsecureChannelCredentials()));
  }
  ~ServerCallInterruptTest() override { server_->Shutdown(); }

  InterruptedService service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<test_v1::TestService::Stub> stub_;
};

TEST_F(ServerCallInterruptTest, GoesOnWhileTheCallHasTime) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  test_v1::TestResponse response;
  EXPECT_TRUE(stub_->Echo(&context, test_v1::TestRequest(), &response).ok());
}

TEST_F(ServerCallInterruptTest, StopsWithDeadlineExceededOnceTheCallersDeadlinePasses) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(200)));
  test_v1::TestResponse response;
  const grpc::Status status = stub_->Block(&context, test_v1::TestRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  ASSERT_TRUE(service_.done_.WaitForNotificationWithTimeout(absl::Seconds(30)));
  // Either reason stops the work: the server may see the cancellation gRPC raises at the
  // deadline before its own clock passes it.
  EXPECT_TRUE(absl::IsDeadlineExceeded(service_.seen_) || absl::IsCancelled(service_.seen_))
      << service_.seen_;
}

TEST_F(ServerCallInterruptTest, StopsWithCancelledWhenTheClientCancels) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  test_v1::TestResponse response;
  absl::Notification finished;
  grpc::Status status;
  const test_v1::TestRequest request;
  stub_->async()->Block(&context, &request, &response, [&](grpc::Status s) {
    status = std::move(s);
    finished.Notify();
  });
  ASSERT_TRUE(service_.started_.WaitForNotificationWithTimeout(absl::Seconds(30)));
  context.TryCancel();
  ASSERT_TRUE(finished.WaitForNotificationWithTimeout(absl::Seconds(30)));
  ASSERT_TRUE(service_.done_.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_TRUE(absl::IsCancelled(service_.seen_)) << service_.seen_;
  EXPECT_THAT(std::string(service_.seen_.message()), HasSubstr("cancelled"));
}

}  // namespace
}  // namespace clientele
