// Issue 12, defect 10: a request that protobuf refuses (a garbled message, invalid UTF-8 in a
// string) gets INVALID_ARGUMENT naming the field from every public service of clienteled, not
// gRPC's INTERNAL with an empty message. Real binary, raw bytes through grpc::GenericStub.
#include <signal.h>

#include <string>

#include "common/testing/child_process.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;

grpc::Status CallWithBytes(const std::string& address, const std::string& method,
                           const std::string& bytes) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, method, request, &cq);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  EXPECT_TRUE(cq.Next(&tag, &ok));
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

TEST(RequestParsingE2eTest, GarbledRequestsAreInvalidArgumentOnEveryService) {
  TempDir dir;
  ServerProcess server = StartServer(CLT_BIN_DIR, dir.Sub("data"));
  ASSERT_FALSE(server.address.empty()) << "clienteled did not start";
  // Field 1, length-delimited, announces 5 bytes and carries 2: no message parses it.
  const std::string garbled(
      "\x0a\x05"
      "ab",
      4);
  for (const std::string method :
       {"/clientele.identity.v1.IdentityService/GetProfile",
        "/clientele.identity.v1.IdentityService/ListProfiles",
        "/clientele.common.v1.JobService/GetJob", "/clientele.common.v1.JobService/WaitJob",
        "/clientele.analytics.v1.AnalyticsService/ListRfm",
        "/clientele.recommender.v1.RecommenderService/SimilarItems",
        "/clientele.recommender.v1.RecommenderService/GetModelInfo"}) {
    grpc::Status status = CallWithBytes(server.address, method, garbled);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method;
    EXPECT_FALSE(status.error_message().empty()) << method;
  }
  // Invalid UTF-8 in a string field names the field.
  const std::string bad_utf8("\x0a\x02\xff\xfe", 4);
  grpc::Status status =
      CallWithBytes(server.address, "/clientele.common.v1.JobService/GetJob", bad_utf8);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("UTF-8"));
  server.process->Signal(SIGTERM);
  EXPECT_EQ(server.process->Wait(), 0);
}

}  // namespace
}  // namespace clientele::testing
