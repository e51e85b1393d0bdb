// Log retention with the real binaries: `clienteled --log_retention_days` removes what every
// consumer applied, `clientele log` shows the first retained sequence (text and --json), a
// re-import of removed events is all duplicates, and after a restart the log neither reports
// data loss nor hands out a removed sequence again.
#include <csignal>
#include <sstream>
#include <string>
#include <vector>

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

nlohmann::json LastJsonLine(const std::string& out) {
  std::istringstream in(out);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return nlohmann::json::parse(last, nullptr, /*allow_exceptions=*/false);
}

class LogRetentionE2eTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> extra) {
    extra.push_back("--services=ingest,identity");
    server_ = StartServer(CLT_BIN_DIR, dir_.Sub("data"), extra);
    ASSERT_FALSE(server_.address.empty()) << "clienteled did not start";
  }
  void Stop() {
    server_.process->Signal(SIGTERM);
    EXPECT_EQ(server_.process->Wait(), 0);
  }
  CommandResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(),
                {std::string(CLT_BIN_DIR) + "/clientele", "--server=" + server_.address});
    return RunCommand(args);
  }
  nlohmann::json Partition0() {
    CommandResult log = Cli({"log", "--json"});
    EXPECT_EQ(log.exit_code, 0) << log.err;
    nlohmann::json j = nlohmann::json::parse(log.out, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || j["partitions"].size() != 1) return nlohmann::json::object();
    return j["partitions"][0];
  }
  static uint64_t Sequence(const nlohmann::json& partition, const char* field) {
    // Protobuf JSON prints uint64 as a string.
    return partition.contains(field) ? std::stoull(partition[field].get<std::string>()) : 0;
  }

  TempDir dir_;
  ServerProcess server_;
};

TEST_F(LogRetentionE2eTest, RemovesWhatEveryConsumerAppliedAndShowsTheFirstRetainedSequence) {
  // 1e-9 days is 86 µs: every applied entry is old by the next sweep, 50 ms apart.
  Start({"--log_retention_days=1e-9", "--log_retention_interval=50ms"});
  CommandResult import = Cli({"import", "--format=online-retail", kSample});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  CommandResult sync = Cli({"sync", "--timeout=60"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;
  uint64_t last = 0;
  ASSERT_TRUE(PollUntil([&] {
    const nlohmann::json p = Partition0();
    last = Sequence(p, "last_sequence");
    return last > 0 && Sequence(p, "first_sequence") == last + 1;
  })) << Cli({"log"}).out;
  CommandResult text = Cli({"log"});
  EXPECT_THAT(text.out,
              HasSubstr("all removed by retention, first retained " + std::to_string(last + 1)));

  // The event-id index outlives the entries: a re-import adds nothing.
  CommandResult again = Cli({"import", "--format=online-retail", "--json", kSample});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const nlohmann::json reimport = LastJsonLine(again.out);
  ASSERT_TRUE(reimport.is_object()) << again.out;
  EXPECT_EQ(reimport["events"]["accepted"].get<int64_t>(), 0);
  EXPECT_EQ(reimport["events"]["duplicates"].get<int64_t>(), static_cast<int64_t>(last));
  EXPECT_EQ(Sequence(Partition0(), "last_sequence"), last);

  Stop();
  Start({});  // Retention off: the removed prefix stays removed, nothing else changes.
  const nlohmann::json p = Partition0();
  EXPECT_EQ(Sequence(p, "first_sequence"), last + 1);
  EXPECT_EQ(Sequence(p, "last_sequence"), last);
  EXPECT_EQ(p.value("data_loss", ""), "");
  sync = Cli({"sync", "--timeout=60"});
  EXPECT_EQ(sync.exit_code, 0) << sync.err;
  EXPECT_THAT(Cli({"log"}).out, HasSubstr("first retained " + std::to_string(last + 1)));
}

}  // namespace
}  // namespace clientele::testing
