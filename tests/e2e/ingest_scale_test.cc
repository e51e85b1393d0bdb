// Ingest scaled out as on Kubernetes, in separate processes on loopback: fewer ingest nodes
// than partitions (--partitions with several partitions per node, --ingest_replicas and
// "{ordinal}" in --ingest_addr for the gateway and consumers), and the data's record of the
// partition count and of the partitions a node serves, which refuses a node started otherwise.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "common/log/partitioning.h"
#include "common/testing/child_process.h"
#include "common/testing/poll.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace clientele::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr uint32_t kPartitions = 3;

std::unique_ptr<ingest::v1::IngestService::Stub> StubOf(const std::string& address) {
  return ingest::v1::IngestService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

std::chrono::system_clock::time_point Deadline() {
  return std::chrono::system_clock::now() + std::chrono::seconds(30);
}

std::string Scrape(int metrics_port) {
  httplib::Client http("127.0.0.1", metrics_port);
  httplib::Result metrics = http.Get("/metrics");
  return metrics ? metrics->body : "";
}

std::string LagLine(const std::string& consumer, uint32_t partition, uint64_t lag) {
  return absl::StrCat("clientele_log_consumer_lag_events{consumer=\"", consumer, "\",partition=\"",
                      partition, "\"} ", lag, "\n");
}

// Last sequence of each partition `address` serves.
std::map<uint32_t, uint64_t> LastSequences(const std::string& address) {
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  ingest::v1::GetLogInfoResponse info;
  std::map<uint32_t, uint64_t> out;
  if (!StubOf(address)->GetLogInfo(&context, ingest::v1::GetLogInfoRequest(), &info).ok()) {
    return out;
  }
  for (const auto& p : info.partitions()) out[p.partition()] = p.last_sequence();
  return out;
}

// clienteled with `args`, expected to refuse to start.
CommandResult RunClienteled(const std::string& data_dir, std::vector<std::string> args) {
  std::vector<std::string> argv = {std::string(CLT_BIN_DIR) + "/clienteled",
                                   "--data_dir=" + data_dir, "--auth=none", "--listen=127.0.0.1:0",
                                   "--metrics_listen=off"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

std::vector<common::v1::Event> Customers(int n, const std::string& prefix) {
  std::vector<common::v1::Event> events;
  for (int i = 0; i < n; ++i) {
    events.push_back(CustomerEvent(absl::StrCat(prefix, i), absl::StrCat(prefix, "-c", i)));
  }
  return events;
}

TEST(IngestScaleTest, TwoNodesServeThreePartitionsForTheGatewayAndAConsumer) {
  TempDir dir;
  const std::string count = absl::StrCat("--partition_count=", kPartitions);
  // Node 0 owns partitions 0 and 2, node 1 partition 1: node o on 127.0.o.1, one port.
  ServerProcess node0 = StartServer(CLT_BIN_DIR, dir.Sub("ingest0"),
                                    {"--services=ingest", count, "--partitions=0,2"});
  ASSERT_FALSE(node0.address.empty()) << "ingest node 0 did not start";
  const std::string port = node0.address.substr(node0.address.rfind(':') + 1);
  ServerProcess node1 =
      StartServer(CLT_BIN_DIR, dir.Sub("ingest1"),
                  {"--services=ingest", count, "--partitions=1", "--listen=127.0.1.1:" + port});
  ASSERT_FALSE(node1.address.empty()) << "ingest node 1 did not start";
  const std::vector<std::string> routing = {count, "--ingest_replicas=2",
                                            "--ingest_addr=127.0.{ordinal}.1:" + port};
  std::vector<std::string> gateway_args = {"--services=gateway"};
  gateway_args.insert(gateway_args.end(), routing.begin(), routing.end());
  ServerProcess gateway = StartServer(CLT_BIN_DIR, dir.Sub("gateway"), gateway_args);
  ASSERT_FALSE(gateway.address.empty()) << "the gateway did not start";

  ingest::v1::IngestRequest request;
  std::map<uint32_t, uint64_t> expected;
  for (const common::v1::Event& event : Customers(60, "ev")) {
    ++expected[log::PartitionOf(event, kPartitions)];
    *request.add_events() = event;
  }
  ASSERT_EQ(expected.size(), kPartitions) << "the events must span every partition";
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  ingest::v1::IngestResponse response;
  const grpc::Status status = StubOf(gateway.address)->Ingest(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.accepted(), 60);
  // Each node holds exactly its partitions' events.
  EXPECT_EQ(LastSequences(node0.address),
            (std::map<uint32_t, uint64_t>{{0, expected[0]}, {2, expected[2]}}));
  EXPECT_EQ(LastSequences("127.0.1.1:" + port), (std::map<uint32_t, uint64_t>{{1, expected[1]}}));

  // A consumer of every partition finds each on its node; its own lag gauge falls to 0.
  std::vector<std::string> analytics_args = {"--services=analytics"};
  analytics_args.insert(analytics_args.end(), routing.begin(), routing.end());
  ServerProcess analytics = StartServer(CLT_BIN_DIR, dir.Sub("analytics"), analytics_args);
  ASSERT_FALSE(analytics.address.empty()) << "analytics did not start";
  for (uint32_t p = 0; p < kPartitions; ++p) {
    EXPECT_TRUE(PollUntil([&] {
      return absl::StrContains(Scrape(analytics.metrics_port), LagLine("analytics", p, 0));
    })) << Scrape(analytics.metrics_port);
  }
  // Node 0's view of the same consumer: its two partitions.
  EXPECT_TRUE(PollUntil([&] {
    const std::string text = Scrape(node0.metrics_port);
    return absl::StrContains(text, LagLine("analytics", 0, 0)) &&
           absl::StrContains(text, LagLine("analytics", 2, 0));
  })) << Scrape(node0.metrics_port);
  EXPECT_FALSE(absl::StrContains(Scrape(node0.metrics_port), "partition=\"1\""));
}

TEST(IngestScaleTest, ANodeRefusesAnotherPartitionCountOrToDropAPartitionItHolds) {
  TempDir dir;
  const std::string data = dir.Sub("node");
  {
    ServerProcess node = StartServer(
        CLT_BIN_DIR, data, {"--services=ingest", "--partition_count=3", "--partitions=0,2"});
    ASSERT_FALSE(node.address.empty()) << "the node did not start";
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    ingest::v1::IngestRequest request;
    for (const common::v1::Event& event : Customers(30, "held")) *request.add_events() = event;
    ingest::v1::IngestResponse response;
    ASSERT_TRUE(StubOf(node.address)->Ingest(&context, request, &response).ok());
    ASSERT_GT(LastSequences(node.address)[2], 0u);
    node.process->Signal(SIGTERM);
    ASSERT_EQ(node.process->Wait(), 0);
  }
  const CommandResult count =
      RunClienteled(data, {"--services=ingest", "--partition_count=4", "--partitions=0,2"});
  EXPECT_EQ(count.exit_code, 1) << count.err;
  EXPECT_THAT(count.err,
              AllOf(HasSubstr("--partition_count=4"), HasSubstr("created with --partition_count=3"),
                    HasSubstr(data + "/ingest")));
  const CommandResult dropped =
      RunClienteled(data, {"--services=ingest", "--partition_count=3", "--partitions=0"});
  EXPECT_EQ(dropped.exit_code, 1) << dropped.err;
  EXPECT_THAT(dropped.err, AllOf(HasSubstr("holds the log of partition(s) 2"),
                                 HasSubstr("--release_unowned_partitions")));

  // A consumer's store is partitioned by the count too.
  const std::string consumer = dir.Sub("identity");
  {
    ServerProcess identity =
        StartServer(CLT_BIN_DIR, consumer,
                    {"--services=identity", "--partition_count=3", "--ingest_addr=127.0.0.1:1"});
    ASSERT_FALSE(identity.address.empty()) << "identity did not start";
    identity.process->Signal(SIGTERM);
    ASSERT_EQ(identity.process->Wait(), 0);
  }
  const CommandResult identity = RunClienteled(
      consumer, {"--services=identity", "--partition_count=2", "--ingest_addr=127.0.0.1:1"});
  EXPECT_EQ(identity.exit_code, 1) << identity.err;
  EXPECT_THAT(identity.err,
              AllOf(HasSubstr("--partition_count=2"), HasSubstr("created with --partition_count=3"),
                    HasSubstr(consumer + "/identity")));
}

}  // namespace
}  // namespace clientele::testing
