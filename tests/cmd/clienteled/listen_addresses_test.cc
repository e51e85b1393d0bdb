#include "cmd/clienteled/listen_addresses.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele {
namespace {

using ::testing::HasSubstr;

TEST(ListenAddressesTest, LoopbackAddressesAreRecognised) {
  for (const char* address :
       {"127.0.0.1:50051", "127.0.2.1:0", "127.255.255.254:1", "localhost:9464", "[::1]:50051"}) {
    EXPECT_TRUE(IsLoopbackListen(address)) << address;
  }
  for (const char* address : {"0.0.0.0:50051", "10.0.0.1:1", "[::]:50051", "example.com:80",
                              "127.0.0.1", "127.0.0:1", "127.0.0.1x:1", "128.0.0.1:1", ""}) {
    EXPECT_FALSE(IsLoopbackListen(address)) << address;
  }
}

TEST(ListenAddressesTest, AuthNoneIsRefusedNamingTheFirstNonLoopbackFlag) {
  EXPECT_TRUE(CheckAuthNoneListens(
                  {{"--listen", "127.0.0.1:0"}, {"--metrics_listen", "off"}, {"--http_listen", ""}})
                  .ok());
  const absl::Status refused =
      CheckAuthNoneListens({{"--listen", "127.0.0.1:0"}, {"--metrics_listen", "0.0.0.0:9464"}});
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("--auth=none"));
  EXPECT_THAT(refused.message(), HasSubstr("--metrics_listen=0.0.0.0:9464"));
}

}  // namespace
}  // namespace clientele
