#include "recommender/memory_budget_flag.h"

#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::recommender {
namespace {

using ::testing::HasSubstr;

// Parses `--recommender_memory_budget=<value>`; the parsed bytes, or -1 on a parse error
// (its message in *error).
int64_t Parse(const std::string& value, std::string* error = nullptr) {
  CLI::App app;
  int64_t bytes = int64_t{7} << 30;
  AddMemoryBudgetFlag(app, &bytes);
  std::vector<std::string> args = {"--recommender_memory_budget=" + value};
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    if (error != nullptr) *error = e.what();
    return -1;
  }
  return bytes;
}

TEST(MemoryBudgetFlagTest, AcceptsBytesAndBinarySuffixes) {
  EXPECT_EQ(Parse("4G"), int64_t{4} << 30);
  EXPECT_EQ(Parse("4GiB"), int64_t{4} << 30);
  EXPECT_EQ(Parse("512M"), int64_t{512} << 20);
  EXPECT_EQ(Parse("512mb"), int64_t{512} << 20);
  EXPECT_EQ(Parse("64K"), int64_t{64} << 10);
  EXPECT_EQ(Parse("1000"), 1000);
  EXPECT_EQ(Parse("0"), 0);  // No budget.
}

TEST(MemoryBudgetFlagTest, RejectsWhatIsNotASizeNamingTheFlag) {
  for (const std::string bad : {"lots", "4X", "-1G"}) {
    std::string error;
    EXPECT_EQ(Parse(bad, &error), -1) << bad;
    EXPECT_THAT(error, HasSubstr("--recommender_memory_budget")) << bad;
  }
}

TEST(MemoryBudgetFlagTest, ReadsTheCgroupLimitOrNone) {
  EXPECT_EQ(CgroupMemoryLimit("2147483648\n"), int64_t{2} << 30);  // A container's limit.
  EXPECT_EQ(CgroupMemoryLimit("max\n"), 0);                        // cgroup v2: none.
  EXPECT_EQ(CgroupMemoryLimit(""), 0);
  EXPECT_EQ(CgroupMemoryLimit("-1"), 0);
}

TEST(MemoryBudgetFlagTest, DefaultIsHalfOfPhysicalMemoryAndShownInHelp) {
  const int64_t half = DefaultMemoryBudgetBytes();
  EXPECT_GT(half, 0);
  CLI::App app;
  int64_t bytes = int64_t{3} << 30;
  AddMemoryBudgetFlag(app, &bytes);
  app.parse(std::vector<std::string>{});
  EXPECT_EQ(bytes, int64_t{3} << 30);  // Unchanged without the flag.
  EXPECT_THAT(app.help(), HasSubstr("3072M"));
}

}  // namespace
}  // namespace clientele::recommender
