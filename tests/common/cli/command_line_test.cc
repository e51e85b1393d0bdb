#include "common/cli/command_line.h"

#include <sstream>
#include <string>
#include <vector>

#include "common/version/version.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::command_line {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// A program with one top-level option, a subcommand with a kebab option and its snake alias,
// and two exclusive lookups.
struct Program {
  Program() {
    ApplyConventions(app, "prog");
    app.add_option("--server", server, "Server");
    app.fallthrough();
    CLI::App* run = app.add_subcommand("run", "Run");
    run->add_option("--max-calls,--max_calls", max_calls, "Most calls");
    CLI::Option* email = run->add_option("--email", email_value, "E-mail");
    CLI::Option* id = run->add_option("--id", id_value, "Id");
    MutuallyExclusive({email, id});
  }

  // Parses `args` (without the program name).
  std::optional<int> Parse(std::vector<std::string> args) {
    args.insert(args.begin(), "prog");
    std::vector<const char*> argv;
    for (const std::string& a : args) argv.push_back(a.c_str());
    return command_line::Parse(app, static_cast<int>(argv.size()), argv.data(), out, err);
  }

  CLI::App app{"prog: a test program"};
  std::string server;
  int max_calls = 0;
  std::string email_value, id_value;
  std::ostringstream out, err;
};

TEST(CommandLineTest, KebabNameAndSnakeAliasSetTheSameOption) {
  Program kebab;
  EXPECT_EQ(kebab.Parse({"run", "--max-calls=7"}), std::nullopt) << kebab.err.str();
  EXPECT_EQ(kebab.max_calls, 7);
  Program snake;
  EXPECT_EQ(snake.Parse({"run", "--max_calls", "9"}), std::nullopt) << snake.err.str();
  EXPECT_EQ(snake.max_calls, 9);
}

TEST(CommandLineTest, HelpShowsTheFirstLongNameOnlyAndExitsZero) {
  Program p;
  EXPECT_EQ(p.Parse({"run", "--help"}), kExitOk);
  EXPECT_THAT(p.out.str(), HasSubstr("--max-calls"));
  EXPECT_THAT(p.out.str(), Not(HasSubstr("max_calls")));
  EXPECT_THAT(p.out.str(), HasSubstr("-h, --help"));
  EXPECT_THAT(p.err.str(), IsEmpty());
}

TEST(CommandLineTest, VersionPrintsBinaryAndVersionAndExitsZero) {
  Program p;
  EXPECT_EQ(p.Parse({"--version"}), kExitOk);
  EXPECT_EQ(p.out.str(), "prog " + std::string(Version()) + "\n");
}

TEST(CommandLineTest, UnknownFlagIsAUsageErrorNamingCommandAndFlagInOrder) {
  Program p;
  EXPECT_EQ(p.Parse({"run", "--limit", "5"}), kExitUsage);
  EXPECT_THAT(p.err.str(), HasSubstr("prog run: unexpected argument: --limit 5\n"));
  EXPECT_THAT(p.err.str(), HasSubstr("prog run --help"));
  EXPECT_THAT(p.out.str(), IsEmpty());
}

TEST(CommandLineTest, BadValueIsAUsageErrorNamingTheKebabName) {
  Program p;
  EXPECT_EQ(p.Parse({"run", "--max_calls=many"}), kExitUsage);
  EXPECT_THAT(p.err.str(), HasSubstr("--max-calls"));
}

TEST(CommandLineTest, ExclusiveOptionsCannotBothBeGiven) {
  Program one;
  EXPECT_EQ(one.Parse({"run", "--email=a@b.c"}), std::nullopt);
  Program both;
  EXPECT_EQ(both.Parse({"run", "--email=a@b.c", "--id=P1"}), kExitUsage);
  EXPECT_THAT(both.err.str(), HasSubstr("--email"));
  EXPECT_THAT(both.err.str(), HasSubstr("--id"));
}

TEST(CommandLineTest, RejectFlagsNotTakenNamesTheFirstFlagGivenOutsideTheList) {
  Program p;
  ASSERT_EQ(p.Parse({"run", "--max-calls=3", "--email=a@b.c"}), std::nullopt);
  const CLI::App& run = *p.app.get_subcommand("run");
  EXPECT_TRUE(RejectFlagsNotTaken(run, {"--max-calls", "--email"}, "run").ok());
  const absl::Status status = RejectFlagsNotTaken(run, {"--email"}, "run fast");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "--max-calls: not taken by run fast (it takes --email)");
  EXPECT_EQ(RejectFlagsNotTaken(run, {}, "run slow").message(),
            "--max-calls: not taken by run slow (it takes no flags)");
}

TEST(CommandLineTest, EnvironmentIsTheDefaultAndTheFlagWins) {
  ::setenv("CLT_COMMAND_LINE_TEST_SERVER", "env:1", 1);
  Program from_env;
  from_env.app.get_option("--server")->envname("CLT_COMMAND_LINE_TEST_SERVER");
  ASSERT_EQ(from_env.Parse({"run"}), std::nullopt);
  EXPECT_EQ(from_env.server, "env:1");
  Program from_flag;
  from_flag.app.get_option("--server")->envname("CLT_COMMAND_LINE_TEST_SERVER");
  ASSERT_EQ(from_flag.Parse({"--server=flag:2", "run"}), std::nullopt);
  EXPECT_EQ(from_flag.server, "flag:2");
  ::unsetenv("CLT_COMMAND_LINE_TEST_SERVER");
}

}  // namespace
}  // namespace clientele::command_line
