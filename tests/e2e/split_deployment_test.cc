// clienteled split into one component per process, as on Kubernetes: ingest alone, identity
// with --ingest_addr, analytics and the recommender with --ingest_addr and --identity_addr.
// The consumers find ingest by address, and analytics keys its RFM rows by identity's
// profiles, which it can only have got from the identity process.
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

CommandResult Cli(const std::string& server, std::vector<std::string> args) {
  args.insert(args.begin(), {std::string(CLT_BIN_DIR) + "/clientele", "--server=" + server});
  return RunCommand(args);
}

// How many consumers have applied the whole log (`clientele sync --json`); -1 on an error.
int SyncedConsumers(const std::string& ingest) {
  const CommandResult sync = Cli(ingest, {"--json", "sync", "--timeout=60"});
  if (sync.exit_code != 0) return -1;
  const nlohmann::json j = nlohmann::json::parse(sync.out, nullptr, /*allow_exceptions=*/false);
  return j.is_object() && j.contains("consumers") ? j["consumers"].get<int>() : -1;
}

TEST(SplitDeploymentTest, ComponentsInSeparateProcessesReachEachOtherByAddress) {
  TempDir dir;
  ServerProcess ingest = StartServer(CLT_BIN_DIR, dir.Sub("ingest"), {"--services=ingest"});
  ASSERT_FALSE(ingest.address.empty()) << "ingest did not start";
  ServerProcess identity = StartServer(CLT_BIN_DIR, dir.Sub("identity"),
                                       {"--services=identity", "--ingest_addr=" + ingest.address});
  ASSERT_FALSE(identity.address.empty()) << "identity did not start";
  ServerProcess analytics =
      StartServer(CLT_BIN_DIR, dir.Sub("analytics"),
                  {"--services=analytics,recommender", "--ingest_addr=" + ingest.address,
                   "--identity_addr=" + identity.address});
  ASSERT_FALSE(analytics.address.empty()) << "analytics did not start";
  const CommandResult import = Cli(ingest.address, {"import", "--format=online-retail", kSample});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  // Each consumer (identity, analytics, recommender) subscribes to ingest over the network
  // and registers with its first progress; then all three have applied the whole log.
  ASSERT_TRUE(PollUntil([&] { return SyncedConsumers(ingest.address) == 3; }, absl::Seconds(60)))
      << SyncedConsumers(ingest.address);

  const CommandResult rfm = Cli(analytics.address, {"rfm", "--json"});
  ASSERT_EQ(rfm.exit_code, 0) << rfm.err;
  std::istringstream lines(rfm.out);
  std::string line;
  int rows = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const nlohmann::json row = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(row.is_object()) << line;
    const std::string profile = row["profile_id"].get<std::string>();
    // Identity's id ("P0000000001"), not a source key text ("online_retail/12431"), which
    // analytics uses when it has no identity.
    EXPECT_EQ(profile.rfind('P', 0), 0u) << profile;
    EXPECT_EQ(profile.find('/'), std::string::npos) << profile;
    ++rows;
  }
  EXPECT_GT(rows, 100);
}

TEST(SplitDeploymentTest, AConsumerWithoutIngestOrItsAddressFailsNamingTheFlag) {
  TempDir dir;
  for (const std::string services : {"identity", "analytics", "recommender"}) {
    const CommandResult start =
        RunCommand({std::string(CLT_BIN_DIR) + "/clienteled", "--services=" + services,
                    "--data_dir=" + dir.Sub("data"), "--listen=127.0.0.1:0", "--metrics_listen=off",
                    "--auth=none"});
    EXPECT_EQ(start.exit_code, 2) << services;
    EXPECT_THAT(start.err, HasSubstr("--ingest_addr: required when " + services)) << start.err;
  }
}

TEST(SplitDeploymentTest, AnUnknownComponentIsRefusedNamingTheRegisteredOnes) {
  const CommandResult start =
      RunCommand({std::string(CLT_BIN_DIR) + "/clienteled", "--services=ingest,billing"});
  EXPECT_EQ(start.exit_code, 2);
  EXPECT_THAT(start.err, HasSubstr("unknown service 'billing'"));
  EXPECT_THAT(start.err,
              HasSubstr("known: all, ingest, identity, identity-replica, analytics, recommender, "
                        "recommender-serving, gateway"));
}

}  // namespace
}  // namespace clientele::testing
