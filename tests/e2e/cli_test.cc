// The `clientele` CLI against a real `clienteled`, as a user or a script would run them.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/testing/child_process.h"
#include "common/testing/poll.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;

const std::string kSample = std::string(CLT_TEST_DATA_DIR) + "/online_retail_sample.csv";

std::string Cli() { return std::string(CLT_BIN_DIR) + "/clientele"; }

nlohmann::json LastJsonLine(const std::string& out) {
  std::istringstream in(out);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return nlohmann::json::parse(last, nullptr, /*allow_exceptions=*/false);
}

int64_t DataRows(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  int64_t n = -1;  // Header.
  while (std::getline(in, line)) ++n;
  return n;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Ingest only: these tests count the log's consumers (other services add their own).
    server_ = StartServer(CLT_BIN_DIR, dir_.Sub("data"), {"--services=ingest"});
    ASSERT_FALSE(server_.address.empty()) << "clienteled did not start";
  }
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {Cli(), "--server=" + server_.address});
    return RunCommand(args);
  }

  TempDir dir_;
  ServerProcess server_;
};

TEST_F(CliTest, ImportAccountsForEveryRowAndReimportAcceptsNothingNew) {
  CommandResult first = Run({"import", "--format=online-retail", "--json", kSample});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  nlohmann::json j = LastJsonLine(first.out);
  ASSERT_TRUE(j.is_object()) << first.out;
  const int64_t rows = DataRows(kSample);
  EXPECT_EQ(j["rows"].get<int64_t>(), rows);
  EXPECT_EQ(j["rows"].get<int64_t>(), j["accepted"].get<int64_t>() + j["rejected"].get<int64_t>() +
                                          j["duplicates"].get<int64_t>());
  EXPECT_GT(j["accepted"].get<int64_t>(), 0);
  // The only bad row of the sample is the negative "Adjust bad debt" price (A563186); every
  // order and customer event is accepted.
  EXPECT_EQ(j["rejected"].get<int64_t>(), 1);
  EXPECT_EQ(j["events"]["rejected"].get<int64_t>(), 1);
  EXPECT_EQ(j["events"]["accepted"].get<int64_t>(), j["events"]["sent"].get<int64_t>() - 1);
  EXPECT_GE(j["seconds"].get<double>(), 0.0);

  CommandResult again = Run({"import", "--format=online-retail", "--json", kSample});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  nlohmann::json k = LastJsonLine(again.out);
  EXPECT_EQ(k["rows"].get<int64_t>(), rows);
  EXPECT_EQ(k["accepted"].get<int64_t>(), 0);
  EXPECT_EQ(k["duplicates"].get<int64_t>(), j["accepted"].get<int64_t>());
  EXPECT_EQ(k["rejected"].get<int64_t>(), j["rejected"].get<int64_t>());

  // Dead letters name the row and the field.
  CommandResult rejected = Run({"rejected", "--json"});
  ASSERT_EQ(rejected.exit_code, 0) << rejected.err;
  std::istringstream lines(rejected.out);
  std::string line;
  int letters = 0;
  bool saw_price = false;
  while (std::getline(lines, line)) {
    nlohmann::json d = nlohmann::json::parse(line);
    EXPECT_GT(d["row"].get<int64_t>(), 0) << line;
    EXPECT_FALSE(d["field"].get<std::string>().empty()) << line;
    saw_price |= d["field"].get<std::string>().find("unit_price") != std::string::npos;
    ++letters;
  }
  EXPECT_GE(letters, 1);
  EXPECT_TRUE(saw_price) << rejected.out;

  CommandResult log = Run({"log", "--json"});
  ASSERT_EQ(log.exit_code, 0) << log.err;
  nlohmann::json info = nlohmann::json::parse(log.out);
  EXPECT_EQ(info["partition_count"].get<int>(), 1);
  EXPECT_GT(std::stoll(info["partitions"][0]["last_sequence"].get<std::string>()), 0);
}

TEST_F(CliTest, ImportOfEventsJsonlReportsBadLinesWithTheirLineNumber) {
  const std::string path = dir_.Sub("events.jsonl");
  std::ofstream(path)
      << R"({"eventId":"j1","channel":"CHANNEL_MOBILE_APP","source":{"system":"app","id":"u1"},)"
      << R"("occurredAt":"2024-03-01T10:00:00Z","customerUpsert":{"email":"a@b.com"}})"
      << "\n"
      << "{not json\n"
      << R"({"eventId":"j3","channel":"CHANNEL_MOBILE_APP","source":{"system":"app","id":"u2"},)"
      << R"("occurredAt":"2024-03-01T10:00:00Z"})"
      << "\n";
  CommandResult r = Run({"import", "--format=events-jsonl", "--json", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = LastJsonLine(r.out);
  EXPECT_EQ(j["rows"].get<int64_t>(), 3);
  EXPECT_EQ(j["accepted"].get<int64_t>(), 1);
  EXPECT_EQ(j["rejected"].get<int64_t>(), 2);  // Line 2 unparsable; line 3 has no payload.
  CommandResult rejected = Run({"rejected", "--json"});
  EXPECT_THAT(rejected.out, HasSubstr("\"row\":2"));
  EXPECT_THAT(rejected.out, HasSubstr("\"field\":\"payload\""));
}

TEST_F(CliTest, BadArgumentsAndMissingFilesGetClearErrors) {
  CommandResult format = Run({"import", "--format=xlsx", kSample});
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_THAT(format.err, HasSubstr("online-retail"));
  CommandResult missing = Run({"import", "--format=online-retail", dir_.Sub("nope.csv")});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_THAT(missing.err, HasSubstr("nope.csv"));
}

// The server's thread-pool flags are checked before anything is opened, naming the flag.
TEST(ClienteledFlagsTest, BadPollerCountsAreRejectedByName) {
  TempDir dir;
  const std::string server = std::string(CLT_BIN_DIR) + "/clienteled";
  const std::vector<std::string> common = {server, "--data_dir=" + dir.Sub("data"),
                                           "--listen=127.0.0.1:0", "--metrics_listen=off"};
  std::vector<std::string> zero = common;
  zero.push_back("--grpc_min_pollers=0");
  CommandResult zero_result = RunCommand(zero);
  EXPECT_NE(zero_result.exit_code, 0);
  EXPECT_THAT(zero_result.err, HasSubstr("--grpc_min_pollers"));
  std::vector<std::string> crossed = common;
  crossed.insert(crossed.end(), {"--grpc_min_pollers=8", "--grpc_max_pollers=4"});
  CommandResult crossed_result = RunCommand(crossed);
  EXPECT_NE(crossed_result.exit_code, 0);
  EXPECT_THAT(crossed_result.err, HasSubstr("--grpc_max_pollers"));
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("data"))) << "nothing is opened for a bad flag";
}

TEST_F(CliTest, SyncWaitsForConsumersToReachTheEnd) {
  ASSERT_EQ(Run({"import", "--format=online-retail", kSample}).exit_code, 0);
  CommandResult log = Run({"log", "--json"});
  const uint64_t last = std::stoull(
      nlohmann::json::parse(log.out)["partitions"][0]["last_sequence"].get<std::string>());
  ChildProcess consumer({std::string(CLT_BIN_DIR) + "/../tests/recording_consumer",
                         "--server=" + server_.address, "--data_dir=" + dir_.Sub("consumer"),
                         "--until=" + std::to_string(last)});
  // The consumer registers with ingest when it starts; sync then waits for it.
  ASSERT_TRUE(PollUntil([&] {
    return nlohmann::json::parse(Run({"log", "--json"}).out)["consumers"].size() == 1;
  }));
  CommandResult sync = Run({"sync", "--timeout=60", "--json"});
  EXPECT_EQ(sync.exit_code, 0) << sync.err;
  CommandResult after = Run({"log", "--json"});
  nlohmann::json info = nlohmann::json::parse(after.out);
  ASSERT_EQ(info["consumers"].size(), 1u) << after.out;
  EXPECT_EQ(std::stoull(info["consumers"][0]["applied_sequence"].get<std::string>()), last);
  EXPECT_EQ(consumer.Wait(), 0);
}

}  // namespace
}  // namespace clientele::testing
