// `clientele customer get`: its command-line rules (no server needed), and the Customer 360
// against a real `clienteled` (every component in one process).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/testing/child_process.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;

std::string Cli() { return std::string(CLT_BIN_DIR) + "/clientele"; }

TEST(CustomerCliUsageTest, ExactlyOneLookupFlagElseExit2) {
  // Port 1: nothing listens; a usage error must exit before any call.
  const std::string server = "--server=127.0.0.1:1";
  CommandResult none = RunCommand({Cli(), server, "customer", "get"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("exactly one of --email, --phone, --id, --source"));
  CommandResult two =
      RunCommand({Cli(), server, "customer", "get", "--email=a@example.com", "--id=P1"});
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_THAT(two.err, HasSubstr("--email"));
  CommandResult bad_source = RunCommand({Cli(), server, "customer", "get", "--source=pos:17"});
  EXPECT_EQ(bad_source.exit_code, 2);
  EXPECT_THAT(bad_source.err, HasSubstr("--source"));
  CommandResult bad_limit =
      RunCommand({Cli(), server, "customer", "get", "--id=P1", "--orders=1000"});
  EXPECT_EQ(bad_limit.exit_code, 2);
}

TEST(CustomerCliUsageTest, AServerThatIsDownIsAFailedCall) {
  CommandResult down = RunCommand({Cli(), "--server=127.0.0.1:1", "customer", "get", "--id=P1"});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_THAT(down.err, HasSubstr("clientele customer get: UNAVAILABLE"));
}

}  // namespace
}  // namespace clientele::testing
