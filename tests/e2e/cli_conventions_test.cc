// The conventions every command-line program keeps (README, "Command-line conventions"), run as
// real processes: flag spellings, usage errors, exit codes, error texts, --version and
// CLIENTELE_SERVER.
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "common/testing/child_process.h"
#include "common/testing/temp_dir.h"
#include "common/version/version.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Bin(const std::string& name) { return std::string(CLT_BIN_DIR) + "/" + name; }

// Nothing listens on port 1 of the loopback: every call fails at once with UNAVAILABLE.
constexpr char kDeadServer[] = "127.0.0.1:1";

// Sets an environment variable for the child processes of one test; restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class CliConventionsTest : public ::testing::Test {
 protected:
  void StartIngest() {
    server_ = StartServer(CLT_BIN_DIR, dir_.Sub("data"), {"--services=ingest"});
    ASSERT_FALSE(server_.address.empty()) << "clienteled did not start";
  }

  TempDir dir_;
  ServerProcess server_;
};

TEST_F(CliConventionsTest, KebabFlagsWorkAndSnakeAliasesWorkHiddenFromHelp) {
  CommandResult load_help = RunCommand({Bin("clientele-load"), "--help"});
  ASSERT_EQ(load_help.exit_code, 0) << load_help.err;
  for (const char* kebab : {"--max-calls", "--max-keys", "--list-calls"}) {
    EXPECT_THAT(load_help.out, HasSubstr(kebab));
  }
  for (const char* snake : {"max_calls", "max_keys", "list_calls"}) {
    EXPECT_THAT(load_help.out, Not(HasSubstr(snake)));
  }
  CommandResult import_help = RunCommand({Bin("clientele"), "import", "--help"});
  ASSERT_EQ(import_help.exit_code, 0) << import_help.err;
  EXPECT_THAT(import_help.out, HasSubstr("--batch-bytes"));
  EXPECT_THAT(import_help.out, Not(HasSubstr("batch_bytes")));
  EXPECT_THAT(import_help.out, Not(HasSubstr("time_zone")));

  // Both spellings of a flag take effect: --list-calls and --list_calls list the kinds.
  for (const char* spelling : {"--list-calls", "--list_calls"}) {
    CommandResult list = RunCommand({Bin("clientele-load"), spelling});
    EXPECT_EQ(list.exit_code, 0) << spelling << ": " << list.err;
    EXPECT_THAT(list.out, HasSubstr("recommend")) << spelling;
  }
  StartIngest();
  for (const char* spelling : {"--max-calls=5", "--max_calls=5"}) {
    CommandResult load =
        RunCommand({Bin("clientele-load"), "--server=" + server_.address, "--call=health",
                    "--concurrency=1", "--duration=0", "--warmup=0", spelling, "--json"});
    EXPECT_EQ(load.exit_code, 0) << spelling << ": " << load.err;
    EXPECT_THAT(load.out, HasSubstr("\"calls\":5")) << spelling;
  }
}

TEST_F(CliConventionsTest, UnknownOrMisplacedFlagsAreUsageErrorsNamingTheFlag) {
  // --limit belongs to `rejected`, not to `profile get`: rejected before any call is made.
  CommandResult misplaced = RunCommand({Bin("clientele"), "--server=" + std::string(kDeadServer),
                                        "profile", "get", "--id=P1", "--limit=5"});
  EXPECT_EQ(misplaced.exit_code, 2);
  EXPECT_THAT(misplaced.err, HasSubstr("clientele profile get: unexpected argument: --limit=5"));
  EXPECT_THAT(misplaced.err, Not(HasSubstr("UNAVAILABLE")));

  CommandResult unknown = RunCommand({Bin("clientele"), "sync", "--no-such-flag"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("--no-such-flag"));

  CommandResult bad_value = RunCommand({Bin("clientele-load"), "--max-calls=many"});
  EXPECT_EQ(bad_value.exit_code, 2);
  EXPECT_THAT(bad_value.err, HasSubstr("--max-calls"));

  CommandResult two_lookups =
      RunCommand({Bin("clientele"), "profile", "get", "--id=P1", "--email=a@b.c"});
  EXPECT_EQ(two_lookups.exit_code, 2);
  EXPECT_THAT(two_lookups.err, HasSubstr("exactly one of"));

  // A stored RFM version is printed as it is: the flags of a new rfm job are refused with it.
  CommandResult stored_version =
      RunCommand({Bin("clientele"), "--server=" + std::string(kDeadServer), "rfm",
                  "--model-version=3", "--convention=net"});
  EXPECT_EQ(stored_version.exit_code, 2);
  EXPECT_THAT(stored_version.err, HasSubstr("--convention"));
  EXPECT_THAT(stored_version.err, Not(HasSubstr("UNAVAILABLE")));

  // The server keeps its snake_case flags: the kebab spelling is not one of them.
  CommandResult server = RunCommand({Bin("clienteled"), "--data-dir=" + dir_.Sub("data")});
  EXPECT_EQ(server.exit_code, 2);
  EXPECT_THAT(server.err, HasSubstr("--data-dir"));
}

TEST_F(CliConventionsTest, CallToADeadServerExitsOneNamingUnavailable) {
  CommandResult get = RunCommand(
      {Bin("clientele"), "--server=" + std::string(kDeadServer), "profile", "get", "--id=P1"});
  EXPECT_EQ(get.exit_code, 1);
  EXPECT_THAT(get.err, HasSubstr("clientele profile get: UNAVAILABLE: "));
  EXPECT_THAT(get.err, Not(HasSubstr("code 14")));

  CommandResult load = RunCommand({Bin("clientele-load"), "--server=" + std::string(kDeadServer),
                                   "--call=recommend", "--duration=1"});
  EXPECT_EQ(load.exit_code, 1);
  EXPECT_THAT(load.err, HasSubstr("UNAVAILABLE"));
}

TEST_F(CliConventionsTest, ServerThatCannotStartExitsOneAndABadFlagTwo) {
  StartIngest();
  // The listen address is taken by the running server: a failure, not a usage error.
  CommandResult taken =
      RunCommand({Bin("clienteled"), "--services=ingest", "--data_dir=" + dir_.Sub("second"),
                  "--listen=" + server_.address, "--metrics_listen=off", "--auth=none"});
  EXPECT_EQ(taken.exit_code, 1) << taken.err;
  CommandResult bad = RunCommand({Bin("clienteled"), "--services=ingest,nope",
                                  "--data_dir=" + dir_.Sub("third"), "--metrics_listen=off"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--services"));
}

TEST_F(CliConventionsTest, EveryBinaryPrintsItsVersion) {
  for (const char* binary : {"clientele", "clientele-load", "clienteled"}) {
    CommandResult r = RunCommand({Bin(binary), "--version"});
    EXPECT_EQ(r.exit_code, 0) << binary << ": " << r.err;
    EXPECT_EQ(r.out, std::string(binary) + " " + std::string(Version()) + "\n");
  }
}

TEST_F(CliConventionsTest, ClienteleServerIsTheDefaultServerAndTheFlagWins) {
  StartIngest();
  {
    ScopedEnv env("CLIENTELE_SERVER", server_.address);
    CommandResult log = RunCommand({Bin("clientele"), "log", "--json"});
    EXPECT_EQ(log.exit_code, 0) << log.err;
    EXPECT_THAT(log.out, HasSubstr("partition_count"));
    CommandResult load = RunCommand({Bin("clientele-load"), "--call=health", "--concurrency=1",
                                     "--duration=0", "--warmup=0", "--max-calls=3", "--json"});
    EXPECT_EQ(load.exit_code, 0) << load.err;
  }
  {
    ScopedEnv env("CLIENTELE_SERVER", kDeadServer);
    CommandResult dead = RunCommand({Bin("clientele"), "log", "--json"});
    EXPECT_EQ(dead.exit_code, 1);
    EXPECT_THAT(dead.err, HasSubstr("UNAVAILABLE"));
    CommandResult flag =
        RunCommand({Bin("clientele"), "--server=" + server_.address, "log", "--json"});
    EXPECT_EQ(flag.exit_code, 0) << flag.err;
  }
}

}  // namespace
}  // namespace clientele::testing
