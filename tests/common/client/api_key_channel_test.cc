// Where the API key comes from (flag, file, environment) and that channels send it.
#include "common/client/api_key_channel.h"

#include <fstream>
#include <string>

#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ResolveApiKeyTest, FlagThenFileThenEnvironment) {
  clientele::testing::TempDir dir;
  const std::string file = dir.Sub("key");
  std::ofstream(file) << "  from-file\n";
  EXPECT_EQ(ResolveApiKey("from-flag", "", "from-env").value(), "from-flag");
  EXPECT_EQ(ResolveApiKey("", file, "from-env").value(), "from-file");
  EXPECT_EQ(ResolveApiKey("", "", "from-env").value(), "from-env");
  EXPECT_EQ(ResolveApiKey("", "", "").value(), "");
  EXPECT_EQ(ResolveApiKey("", "", nullptr).value(), "");
}

TEST(ResolveApiKeyTest, BadSourcesNameTheFlag) {
  clientele::testing::TempDir dir;
  const std::string empty = dir.Sub("empty");
  std::ofstream(empty) << "\n";
  EXPECT_THAT(ResolveApiKey("a", dir.Sub("key"), nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--api-key excludes")));
  EXPECT_THAT(
      ResolveApiKey("", dir.Sub("missing"), nullptr),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--api-key-file: cannot read")));
  EXPECT_THAT(ResolveApiKey("", empty, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is empty")));
  EXPECT_THAT(ResolveApiKey("two words", "", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--api-key:")));
  EXPECT_THAT(ResolveApiKey("", "", "a\x01z"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("CLIENTELE_API_KEY")));
}

}  // namespace
}  // namespace clientele
