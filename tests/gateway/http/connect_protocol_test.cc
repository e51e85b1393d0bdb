#include "gateway/http/connect_protocol.h"

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "google/protobuf/any.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ConnectProtocolTest, NamesCodesAsConnectDoes) {
  EXPECT_EQ(ConnectCodeName(absl::StatusCode::kCancelled), "canceled");
  EXPECT_EQ(ConnectCodeName(absl::StatusCode::kPermissionDenied), "permission_denied");
  EXPECT_EQ(ConnectCodeName(absl::StatusCode::kInvalidArgument), "invalid_argument");
  EXPECT_EQ(ConnectCodeName(absl::StatusCode::kUnauthenticated), "unauthenticated");
}

TEST(ConnectProtocolTest, MapsCodesToConnectsHttpStatuses) {
  EXPECT_EQ(ConnectHttpStatus(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(ConnectHttpStatus(absl::StatusCode::kFailedPrecondition), 400);
  EXPECT_EQ(ConnectHttpStatus(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(ConnectHttpStatus(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(ConnectHttpStatus(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(ConnectHttpStatus(absl::StatusCode::kAborted), 409);
  EXPECT_EQ(ConnectHttpStatus(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(ConnectHttpStatus(absl::StatusCode::kCancelled), 499);
  EXPECT_EQ(ConnectHttpStatus(absl::StatusCode::kInternal), 500);
  EXPECT_EQ(ConnectHttpStatus(absl::StatusCode::kUnimplemented), 501);
  EXPECT_EQ(ConnectHttpStatus(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(ConnectHttpStatus(absl::StatusCode::kDeadlineExceeded), 504);
}

TEST(ConnectProtocolTest, ErrorJsonHasCodeMessageAndUnpaddedBase64Details) {
  const nlohmann::json body = nlohmann::json::parse(ConnectErrorJson(
      absl::StatusCode::kResourceExhausted, "slow \"down\"", {{"google.rpc.RetryInfo", "ab"}}));
  EXPECT_EQ(body["code"], "resource_exhausted");
  EXPECT_EQ(body["message"], "slow \"down\"");
  ASSERT_EQ(body["details"].size(), 1u);
  EXPECT_EQ(body["details"][0]["type"], "google.rpc.RetryInfo");
  EXPECT_EQ(body["details"][0]["value"], "YWI");  // base64("ab") is "YWI=".
  EXPECT_FALSE(
      nlohmann::json::parse(ConnectErrorJson(absl::StatusCode::kInternal, "")).contains("message"));
}

TEST(ConnectProtocolTest, ReadsTheAnyDetailsOfAnRpcStatus) {
  google::protobuf::Any any;
  any.set_type_url("type.googleapis.com/google.rpc.RetryInfo");
  any.set_value("xyz");
  const std::string any_bytes = any.SerializeAsString();
  std::string status;
  status += '\x08';  // code = 8
  status += '\x08';
  status += '\x1a';  // details (field 3, length-delimited)
  status += static_cast<char>(any_bytes.size());
  status += any_bytes;
  const std::vector<ConnectErrorDetail> details = DetailsOfRpcStatus(status);
  ASSERT_EQ(details.size(), 1u);
  EXPECT_EQ(details[0].type, "google.rpc.RetryInfo");
  EXPECT_EQ(details[0].value, "xyz");
  EXPECT_TRUE(DetailsOfRpcStatus("\x1a\x7f").empty());  // Truncated: no details.
  EXPECT_TRUE(DetailsOfRpcStatus("").empty());
}

TEST(ConnectProtocolTest, ParsesTheTimeoutHeader) {
  absl::StatusOr<absl::Duration> timeout = ParseConnectTimeout("1500");
  ASSERT_THAT(timeout, IsOk());
  EXPECT_EQ(*timeout, absl::Milliseconds(1500));
  for (const char* bad : {"", "-1", "1.5", "12345678901", "10s"}) {
    EXPECT_THAT(ParseConnectTimeout(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Connect-Timeout-Ms")))
        << bad;
  }
}

TEST(ConnectProtocolTest, AcceptsJsonContentTypesOnly) {
  EXPECT_TRUE(IsJsonContentType("application/json"));
  EXPECT_TRUE(IsJsonContentType("Application/JSON; charset=utf-8"));
  EXPECT_FALSE(IsJsonContentType("application/proto"));
  EXPECT_FALSE(IsJsonContentType("application/connect+json"));
  EXPECT_FALSE(IsJsonContentType(""));
}

TEST(ConnectProtocolTest, SplitsThePathIntoServiceAndMethod) {
  absl::StatusOr<ConnectPath> path =
      ParseConnectPath("/clientele.identity.v1.IdentityService/GetProfile");
  ASSERT_THAT(path, IsOk());
  EXPECT_EQ(path->service, "clientele.identity.v1.IdentityService");
  EXPECT_EQ(path->method, "GetProfile");
  for (const char* bad : {"", "/", "/Service/Method", "/a.B/", "/a.B/C/D", "a.B/C", "//C"}) {
    EXPECT_THAT(ParseConnectPath(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("path")))
        << bad;
  }
}

}  // namespace
}  // namespace clientele::gateway
