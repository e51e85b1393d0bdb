// An identity read replica as its own clienteled process (--services=identity-replica
// --primary=ADDR) behind a gateway with --identity_replica_addr: ingest, the identity primary,
// the replica and the gateway in four processes. The replica follows what the primary resolved
// from the imported sample and answers as the primary does; the gateway's identity reads keep
// being served when the replica stops (the primary answers) and when the primary stops (the
// replica answers), while a write with the primary down fails.
#include <signal.h>

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

const std::string kSample = std::string(CLT_TEST_DATA_DIR) + "/online_retail_sample.csv";
constexpr char kCustomer[] = "online_retail/17850";

CommandResult Cli(const std::string& server, std::vector<std::string> args) {
  args.insert(args.begin(), {std::string(CLT_BIN_DIR) + "/clientele", "--server=" + server});
  return RunCommand(args);
}

// The profile of kCustomer as `server` answers it ("" on an error).
std::string Profile(const std::string& server) {
  const CommandResult get =
      Cli(server, {"profile", "get", std::string("--source=") + kCustomer, "--json"});
  if (get.exit_code != 0) return "";
  const nlohmann::json p = nlohmann::json::parse(get.out, nullptr, /*allow_exceptions=*/false);
  return p.is_object() && p.contains("profile") ? p["profile"].dump() : "";
}

void Stop(ServerProcess& server) {
  kill(server.process->pid(), SIGTERM);
  server.process->Wait();
}

TEST(IdentityReplicaE2eTest, TheGatewaySpreadsReadsOverReplicasAndFallsBackToThePrimary) {
  TempDir dir;
  ServerProcess ingest = StartServer(CLT_BIN_DIR, dir.Sub("ingest"), {"--services=ingest"});
  ASSERT_FALSE(ingest.address.empty());
  ServerProcess primary = StartServer(CLT_BIN_DIR, dir.Sub("identity"),
                                      {"--services=identity", "--ingest_addr=" + ingest.address});
  ASSERT_FALSE(primary.address.empty());
  ServerProcess replica =
      StartServer(CLT_BIN_DIR, dir.Sub("replica"),
                  {"--services=identity-replica", "--primary=" + primary.address});
  ASSERT_FALSE(replica.address.empty());
  const std::vector<std::string> gateway_args = {
      "--services=gateway", "--ingest_addr=" + ingest.address, "--identity_addr=" + primary.address,
      "--identity_replica_addr=" + replica.address};
  ServerProcess gateway = StartServer(CLT_BIN_DIR, dir.Sub("gateway"), gateway_args);
  ASSERT_FALSE(gateway.address.empty());

  const CommandResult import = Cli(gateway.address, {"import", "--format=online-retail", kSample});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  ASSERT_EQ(Cli(ingest.address, {"sync", "--timeout=60"}).exit_code, 0);
  const std::string want = Profile(primary.address);
  ASSERT_FALSE(want.empty());
  ASSERT_TRUE(PollUntil([&] { return Profile(replica.address) == want; }, absl::Seconds(20)));
  EXPECT_EQ(Profile(gateway.address), want);

  // A write on the replica names the primary.
  const CommandResult merge = Cli(replica.address, {"profile", "merge", "--into=P0000000001",
                                                    "--from=P0000000002", "--reason=test"});
  EXPECT_NE(merge.exit_code, 0);
  EXPECT_THAT(merge.err, ::testing::HasSubstr(primary.address)) << merge.err;

  // The replica stops: the gateway's reads go to the primary.
  Stop(replica);
  EXPECT_EQ(Profile(gateway.address), want);

  // The replica restarts (resuming from its store) and the primary stops: reads are served
  // by the replica.
  replica = StartServer(CLT_BIN_DIR, dir.Sub("replica"),
                        {"--services=identity-replica", "--primary=" + primary.address});
  ASSERT_FALSE(replica.address.empty());
  ASSERT_EQ(Profile(replica.address), want);
  gateway.process.reset();
  std::vector<std::string> restarted_args = gateway_args;
  restarted_args.back() = "--identity_replica_addr=" + replica.address;
  gateway = StartServer(CLT_BIN_DIR, dir.Sub("gateway"), restarted_args);
  ASSERT_FALSE(gateway.address.empty());
  ASSERT_TRUE(PollUntil([&] { return Profile(gateway.address) == want; }, absl::Seconds(10)));
  Stop(primary);
  EXPECT_TRUE(PollUntil([&] { return Profile(gateway.address) == want; }, absl::Seconds(10)));
}

}  // namespace
}  // namespace clientele::testing
