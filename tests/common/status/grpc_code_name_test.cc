#include "common/status/grpc_status.h"
#include "gtest/gtest.h"

namespace clientele {
namespace {

TEST(GrpcCodeNameTest, NamesEveryCanonicalCodeAsGrpcSpellsIt) {
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::UNAVAILABLE), "UNAVAILABLE");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
  for (int code = 0; code <= 16; ++code) {
    const std::string name = GrpcCodeName(static_cast<grpc::StatusCode>(code));
    EXPECT_FALSE(name.empty()) << code;
    EXPECT_EQ(name.find("CODE_"), std::string::npos) << code;
  }
}

TEST(GrpcCodeNameTest, NumbersOutsideTheCanonicalCodesAreNamedByNumber) {
  EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(17)), "CODE_17");
  EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(-1)), "CODE_-1");
}

TEST(GrpcCodeNameTest, DescribeGrpcStatusPutsTheCodeNameBeforeTheMessage) {
  EXPECT_EQ(DescribeGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "failed to connect")),
            "UNAVAILABLE: failed to connect");
  EXPECT_EQ(DescribeGrpcStatus(grpc::Status::OK), "OK");
}

}  // namespace
}  // namespace clientele
