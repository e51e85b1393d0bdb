// `clientele import` of damaged files against a real `clienteled` (issue 12, defects 4 and 10):
// a stray quote costs one row and every row stays accounted for; a binary header never reaches
// the terminal raw.
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

const std::string kSample = std::string(CLT_TEST_DATA_DIR) + "/online_retail_sample.csv";

nlohmann::json LastJsonLine(const std::string& out) {
  std::istringstream in(out);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return nlohmann::json::parse(last, nullptr, /*allow_exceptions=*/false);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class ImportInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer(CLT_BIN_DIR, dir_.Sub("data"), {"--services=ingest"});
    ASSERT_FALSE(server_.address.empty()) << "clienteled did not start";
  }
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(),
                {std::string(CLT_BIN_DIR) + "/clientele", "--server=" + server_.address});
    return RunCommand(args);
  }

  TempDir dir_;
  ServerProcess server_;
};

TEST_F(ImportInputTest, StrayQuoteCostsExactlyOneRowAndEveryRowIsAccountedFor) {
  std::string csv = ReadFile(kSample);
  const std::string row10 = "536367,84879,ASSORTED COLOUR BIRD ORNAMENT,";
  ASSERT_NE(csv.find(row10), std::string::npos);
  csv.insert(csv.find(row10) + std::string("536367,84879,").size(), "\"");
  const std::string path = dir_.Sub("stray_quote.csv");
  std::ofstream(path, std::ios::binary) << csv;

  CommandResult r = Run({"import", "--format=online-retail", "--json", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = LastJsonLine(r.out);
  ASSERT_TRUE(j.is_object()) << r.out;
  const int64_t rows = j["rows"].get<int64_t>();
  EXPECT_EQ(rows, 4102);  // Every data line of the file; 4002 before the fix.
  EXPECT_EQ(rows, j["accepted"].get<int64_t>() + j["rejected"].get<int64_t>() +
                      j["duplicates"].get<int64_t>());
  // The sample's one bad row (a negative "Adjust bad debt" price) and the stray quote's row.
  EXPECT_EQ(j["rejected"].get<int64_t>(), 2);
  EXPECT_EQ(j["client_rejected_rows"].get<int64_t>(), 1);

  CommandResult rejected = Run({"rejected", "--json"});
  ASSERT_EQ(rejected.exit_code, 0) << rejected.err;
  std::istringstream lines(rejected.out);
  std::string line;
  bool saw_stray_quote = false;
  while (std::getline(lines, line)) {
    nlohmann::json d = nlohmann::json::parse(line);
    if (d["row"].get<int64_t>() == 10) {
      saw_stray_quote = true;
      EXPECT_EQ(d["field"].get<std::string>(), "Description");
      EXPECT_THAT(d["reason"].get<std::string>(), HasSubstr("quote"));
    }
  }
  EXPECT_TRUE(saw_stray_quote) << rejected.out;
}

TEST_F(ImportInputTest, BinaryHeaderIsEscapedNotEchoedToTheTerminal) {
  static constexpr char kBinary[] = "\x1b]0;pwned\x07\x1b[2J\x01\xFF,b\n1,2\n";
  const std::string path = dir_.Sub("binary.csv");
  std::ofstream(path, std::ios::binary) << std::string(kBinary, sizeof(kBinary) - 1);
  CommandResult r = Run({"import", "--format=online-retail", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("lacks the column"));
  EXPECT_THAT(r.err, HasSubstr("\\x1B]0;pwned\\x07\\x1B[2J\\x01\\xFF"));
  for (unsigned char c : r.err) {
    EXPECT_TRUE(c >= 0x20 || c == '\n') << "raw byte " << static_cast<int>(c) << " in " << r.err;
  }
}

}  // namespace
}  // namespace clientele::testing
