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
