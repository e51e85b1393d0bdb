// clienteled with --log=kafka end to end: the CLI imports through ingest into Kafka (the
// server's in-process mock cluster, --kafka_mock_brokers=3), identity, analytics and the
// recommender consume it, and their results equal those of the embedded log: FEBRL pairwise
// precision/recall/F1 on the committed FEBRL slice, RFM of the Online Retail sample, and a
// recommendation list. `clientele log` shows the topic, high-water mark and consumer offsets.
#include <fstream>
#include <map>
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
std::string Data(const std::string& name) { return std::string(CLT_TEST_DATA_DIR) + "/" + name; }

// Pairs of FEBRL records of one original ("rec-N-org", "rec-N-dup-k"), as bare ids.
std::string WriteFebrlTruth(const std::string& path) {
  std::ifstream in(Data("febrl_sample.csv"));
  std::string line;
  std::getline(in, line);  // Header.
  std::map<std::string, std::vector<std::string>> groups;
  while (std::getline(in, line)) {
    const std::string id = line.substr(0, line.find(','));
    const size_t dash = id.find('-', 4);
    groups[id.substr(0, dash)].push_back(id);
  }
  std::ofstream out(path);
  out << "a,b\n";
  for (const auto& [group, ids] : groups) {
    for (size_t i = 0; i < ids.size(); ++i) {
      for (size_t j = i + 1; j < ids.size(); ++j) out << ids[i] << "," << ids[j] << "\n";
    }
  }
  return path;
}

// What one deployment computes from the same inputs.
struct Results {
  std::string febrl_eval, rfm, recommendations, log;
};

Results RunDeployment(TempDir& dir, const std::string& name,
                      const std::vector<std::string>& flags) {
  Results results;
  ServerProcess server = StartServer(CLT_BIN_DIR, dir.Sub(name), flags);
  EXPECT_FALSE(server.address.empty()) << "clienteled did not start";
  if (server.address.empty()) return results;
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {Cli(), "--server=" + server.address});
    CommandResult r = RunCommand(args);
    EXPECT_EQ(r.exit_code, 0) << args[2] << ": " << r.err;
    return r.out;
  };
  run({"import", "--format=febrl", Data("febrl_sample.csv")});
  run({"import", "--format=online-retail", Data("online_retail_sample.csv")});
  run({"sync", "--timeout=60"});
  nlohmann::json eval = nlohmann::json::parse(run({
                                                  "identity",
                                                  "eval",
                                                  "--json",
                                                  "--truth",
                                                  WriteFebrlTruth(dir.Sub("truth.csv")),
                                              }),
                                              nullptr, false);
  EXPECT_TRUE(eval.is_object());
  if (eval.is_object()) {
    EXPECT_GT(eval["true_pairs"].get<int64_t>(), 0);
    eval.erase("seconds");  // Timing, if reported, differs by nature.
    results.febrl_eval = eval.dump();
  }
  results.rfm = run({"--json", "rfm", "--convention=notebook"});
  run({"--json", "jobs", "start", "train", "--wait", "--min-support=0.05"});
  results.recommendations = run({"--json", "recommend", "--profile=P0000000020", "-k", "5"});
  results.log = run({"log"});
  return results;
}

TEST(KafkaE2eTest, ResultsThroughKafkaEqualThoseOfTheEmbeddedLog) {
  TempDir dir;
  const Results embedded = RunDeployment(dir, "embedded", {});
  const Results kafka = RunDeployment(dir, "kafka", {"--log=kafka", "--kafka_mock_brokers=3"});
  ASSERT_FALSE(embedded.febrl_eval.empty());
  EXPECT_EQ(kafka.febrl_eval, embedded.febrl_eval);
  ASSERT_FALSE(embedded.rfm.empty());
  EXPECT_EQ(kafka.rfm, embedded.rfm);
  EXPECT_THAT(embedded.recommendations, HasSubstr("\"items\":[{"));
  EXPECT_EQ(kafka.recommendations, embedded.recommendations);
  // The log is Kafka's: topic, high-water mark, and each consumer's offset at the end.
  EXPECT_THAT(kafka.log, HasSubstr("kafka topic clientele.events"));
  EXPECT_THAT(kafka.log, HasSubstr("kafka partition 0: high-water mark"));
  for (const char* consumer : {"identity", "analytics", "recommender"}) {
    EXPECT_THAT(kafka.log, HasSubstr(consumer));
  }
  EXPECT_THAT(kafka.log, HasSubstr("(next kafka offset"));
  EXPECT_THAT(embedded.log, ::testing::Not(HasSubstr("kafka")));
}

TEST(KafkaE2eTest, BadKafkaFlagsAreUsageErrorsNamingTheFlag) {
  TempDir dir;
  CommandResult no_brokers = RunCommand({std::string(CLT_BIN_DIR) + "/clienteled", "--log=kafka",
                                         "--auth=none", "--data_dir=" + dir.Sub("a")});
  EXPECT_EQ(no_brokers.exit_code, 2);
  EXPECT_THAT(no_brokers.err, HasSubstr("--kafka_brokers"));
  CommandResult bad_config =
      RunCommand({std::string(CLT_BIN_DIR) + "/clienteled", "--log=kafka", "--kafka_mock_brokers=1",
                  "--kafka_config=no.such.setting=1", "--auth=none", "--data_dir=" + dir.Sub("b")});
  EXPECT_EQ(bad_config.exit_code, 2);
  EXPECT_THAT(bad_config.err, HasSubstr("--kafka_config"));
  CommandResult mock_without_kafka =
      RunCommand({std::string(CLT_BIN_DIR) + "/clienteled", "--kafka_mock_brokers=1", "--auth=none",
                  "--data_dir=" + dir.Sub("c")});
  EXPECT_EQ(mock_without_kafka.exit_code, 2);
  EXPECT_THAT(mock_without_kafka.err, HasSubstr("--kafka_mock_brokers"));
}

}  // namespace
}  // namespace clientele::testing
