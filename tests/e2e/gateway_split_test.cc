// The gateway in front of a partitioned ingest, as on Kubernetes: three ingest processes, each
// owning one of three partitions, and a gateway process (--services=gateway) that knows them
// by --ingest_addr with {partition}. One IngestStream through the gateway carries events of
// every partition; each event lands on its partition's node and the answer lists every
// event's result in request order. The calls about every node (GetLogInfo, ListRejected,
// RemoveConsumer) reach them all; ListJobs reaches every component that runs jobs.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "clientele/common/v1/jobs.grpc.pb.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "common/log/partitioning.h"
#include "common/testing/child_process.h"
#include "common/testing/poll.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"

namespace clientele::testing {
namespace {

using ingest::v1::EventResult;
using ingest::v1::IngestRequest;
using ingest::v1::IngestResponse;

constexpr uint32_t kPartitions = 3;

std::unique_ptr<ingest::v1::IngestService::Stub> StubOf(const std::string& address) {
  return ingest::v1::IngestService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

std::chrono::system_clock::time_point Deadline() {
  return std::chrono::system_clock::now() + std::chrono::seconds(30);
}

// Partition p's node listens on 127.0.p.1 (all loopback), every node on the same port, so
// that one address template names them all.
class GatewaySplitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string partitions = "--partition_count=" + std::to_string(kPartitions);
    nodes_.push_back(StartServer(CLT_BIN_DIR, dir_.Sub("ingest0"),
                                 {"--services=ingest", partitions, "--partitions=0"}));
    ASSERT_FALSE(nodes_[0].address.empty()) << "ingest 0 did not start";
    port_ = nodes_[0].address.substr(nodes_[0].address.rfind(':') + 1);
    for (uint32_t p = 1; p < kPartitions; ++p) {
      nodes_.push_back(
          StartServer(CLT_BIN_DIR, dir_.Sub("ingest" + std::to_string(p)),
                      {"--services=ingest", partitions, "--partitions=" + std::to_string(p),
                       "--listen=" + NodeAddress(p)}));
      ASSERT_FALSE(nodes_[p].address.empty()) << "ingest " << p << " did not start";
    }
    gateway_ = StartServer(
        CLT_BIN_DIR, dir_.Sub("gateway"),
        {"--services=gateway", partitions, "--ingest_addr=127.0.{partition}.1:" + port_});
    ASSERT_FALSE(gateway_.address.empty()) << "the gateway did not start";
  }

  std::string NodeAddress(uint32_t partition) const {
    return "127.0." + std::to_string(partition) + ".1:" + port_;
  }

  // The last sequence of `partition` on its own node.
  uint64_t LastSequence(uint32_t partition) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    ingest::v1::GetLogInfoResponse info;
    if (!StubOf(NodeAddress(partition))
             ->GetLogInfo(&context, ingest::v1::GetLogInfoRequest(), &info)
             .ok()) {
      return 0;
    }
    for (const auto& p : info.partitions()) {
      if (p.partition() == partition) return p.last_sequence();
    }
    return 0;
  }

  TempDir dir_;
  std::string port_;
  std::vector<ServerProcess> nodes_;
  ServerProcess gateway_;
};

TEST_F(GatewaySplitTest, OneStreamSpanningEveryPartitionLandsOnTheOwningNodesInRequestOrder) {
  // Three messages of 40 customer events, an invalid one (no event id) and a repeat of an
  // earlier event in the last.
  std::vector<IngestRequest> messages(3);
  std::vector<std::string> ids;
  std::map<uint32_t, uint64_t> per_partition;
  std::map<std::string, uint32_t> partition_of;
  for (int m = 0; m < 3; ++m) {
    for (int i = 0; i < 40; ++i) {
      const std::string id = "ev-" + std::to_string(m) + "-" + std::to_string(i);
      common::v1::Event event = CustomerEvent(id, "cust-" + std::to_string(m * 40 + i));
      ++per_partition[log::PartitionOf(event, kPartitions)];
      partition_of[id] = log::PartitionOf(event, kPartitions);
      *messages[m].add_events() = event;
      ids.push_back(id);
    }
  }
  common::v1::Event invalid = CustomerEvent("", "cust-x");
  *messages[1].add_events() = invalid;
  ids.insert(ids.begin() + 80, "");
  *messages[2].add_events() = messages[0].events(5);  // A duplicate of ev-0-5.
  ids.push_back("ev-0-5");
  ASSERT_EQ(per_partition.size(), kPartitions) << "the events must span every partition";

  grpc::ClientContext context;
  context.set_deadline(Deadline());
  IngestResponse response;
  auto stream = StubOf(gateway_.address)->IngestStream(&context, &response);
  for (const IngestRequest& message : messages) ASSERT_TRUE(stream->Write(message));
  ASSERT_TRUE(stream->WritesDone());
  const grpc::Status status = stream->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_EQ(response.accepted(), 120);
  EXPECT_EQ(response.rejected(), 1);
  EXPECT_EQ(response.duplicates(), 1);
  ASSERT_EQ(response.results_size(), static_cast<int>(ids.size()));
  for (int i = 0; i < response.results_size(); ++i) {
    const EventResult& result = response.results(i);
    EXPECT_EQ(result.index(), i);
    EXPECT_EQ(result.event_id(), ids[i]) << i;
  }
  EXPECT_EQ(response.results(80).outcome(), EventResult::OUTCOME_REJECTED);
  EXPECT_EQ(response.results(121).outcome(), EventResult::OUTCOME_DUPLICATE);
  EXPECT_EQ(response.results(0).outcome(), EventResult::OUTCOME_ACCEPTED);
  // Each node appended exactly its partition's events.
  for (const auto& [partition, count] : per_partition) {
    EXPECT_EQ(LastSequence(partition), count) << "partition " << partition;
  }
  // GetLogInfo through the gateway asks every node.
  grpc::ClientContext info_context;
  info_context.set_deadline(Deadline());
  ingest::v1::GetLogInfoResponse info;
  ASSERT_TRUE(StubOf(gateway_.address)
                  ->GetLogInfo(&info_context, ingest::v1::GetLogInfoRequest(), &info)
                  .ok());
  EXPECT_EQ(info.partition_count(), kPartitions);
  ASSERT_EQ(info.partitions_size(), static_cast<int>(kPartitions));
  for (const auto& partition : info.partitions()) {
    EXPECT_EQ(partition.last_sequence(), per_partition[partition.partition()])
        << "partition " << partition.partition();
  }
  for (const EventResult& result : response.results()) {
    if (result.outcome() != EventResult::OUTCOME_ACCEPTED) continue;
    EXPECT_EQ(result.partition(), partition_of[result.event_id()]) << result.event_id();
  }
}

TEST_F(GatewaySplitTest, AUnaryIngestIsSplitTooAndADownNodeGivesUnavailable) {
  IngestRequest request;
  for (int i = 0; i < 30; ++i) {
    *request.add_events() =
        CustomerEvent("one-" + std::to_string(i), "person-" + std::to_string(i));
  }
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    IngestResponse response;
    const grpc::Status status = StubOf(gateway_.address)->Ingest(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.accepted(), 30);
    for (int i = 0; i < 30; ++i) EXPECT_EQ(response.results(i).index(), i);
  }
  nodes_[2].process->Signal(SIGKILL);
  nodes_[2].process->Wait();
  for (auto& event : *request.mutable_events()) event.set_event_id(event.event_id() + "-again");
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  IngestResponse response;
  const grpc::Status status = StubOf(gateway_.address)->Ingest(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("partition 2"));
}

// Dead letters: each node keeps its own partitions' rejected events. Through the gateway one
// listing pages over all of them, and RemoveConsumer reaches every node.
TEST_F(GatewaySplitTest, DeadLettersOfEveryNodeAreListedInPagesAndRemoveConsumerReachesAll) {
  // Two events without an event id (rejected) per partition, through the gateway.
  IngestRequest request;
  std::map<uint32_t, int> invalid_per_partition;
  for (int i = 0; request.events_size() < 2 * static_cast<int>(kPartitions); ++i) {
    common::v1::Event event = CustomerEvent("", "bad-" + std::to_string(i));
    const uint32_t partition = log::PartitionOf(event, kPartitions);
    if (invalid_per_partition[partition] == 2) continue;
    ++invalid_per_partition[partition];
    *request.add_events() = event;
  }
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    IngestResponse response;
    const grpc::Status status = StubOf(gateway_.address)->Ingest(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.rejected(), 2 * static_cast<int>(kPartitions));
  }
  // Pages of 4 through the gateway list the 6 letters of the 3 nodes, each once.
  std::map<uint32_t, int> listed_per_partition;
  std::vector<std::string> sources;
  ingest::v1::ListRejectedRequest list;
  list.set_page_size(4);
  int pages = 0;
  do {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    ingest::v1::ListRejectedResponse page;
    const grpc::Status status = StubOf(gateway_.address)->ListRejected(&context, list, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(page.total(), 2 * static_cast<int>(kPartitions));
    EXPECT_LE(page.dead_letters_size(), 4);
    for (const ingest::v1::DeadLetter& letter : page.dead_letters()) {
      ++listed_per_partition[log::PartitionOf(letter.event(), kPartitions)];
      sources.push_back(letter.event().source().id());
    }
    list.set_page_token(page.next_page_token());
    ASSERT_LT(++pages, 10) << "the pages do not end";
  } while (!list.page_token().empty());
  EXPECT_GE(pages, 2);
  EXPECT_EQ(listed_per_partition, invalid_per_partition);
  std::sort(sources.begin(), sources.end());
  EXPECT_EQ(std::unique(sources.begin(), sources.end()), sources.end()) << "a letter twice";
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    list.set_page_token("not-a-token");
    ingest::v1::ListRejectedResponse page;
    const grpc::Status status = StubOf(gateway_.address)->ListRejected(&context, list, &page);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr("page_token"));
  }

  // A consumer registered with every node (its first progress report) is removed from all.
  for (const std::string consumer : {"retired", "retired-later"}) {
    for (uint32_t p = 0; p < kPartitions; ++p) {
      grpc::ClientContext context;
      context.set_deadline(Deadline());
      ingest::v1::CommitProgressRequest commit;
      commit.set_consumer(consumer);
      commit.set_partition(p);
      ingest::v1::CommitProgressResponse committed;
      ASSERT_TRUE(StubOf(NodeAddress(p))->CommitProgress(&context, commit, &committed).ok());
    }
  }
  ingest::v1::RemoveConsumerRequest remove;
  remove.set_consumer("retired");
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    ingest::v1::RemoveConsumerResponse removed;
    const grpc::Status status =
        StubOf(gateway_.address)->RemoveConsumer(&context, remove, &removed);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(removed.partitions_removed(), static_cast<int>(kPartitions));
  }
  for (uint32_t p = 0; p < kPartitions; ++p) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    ingest::v1::GetLogInfoResponse info;
    ASSERT_TRUE(
        StubOf(NodeAddress(p))->GetLogInfo(&context, ingest::v1::GetLogInfoRequest(), &info).ok());
    for (const auto& consumer : info.consumers()) {
      EXPECT_NE(consumer.consumer(), "retired") << "still on partition " << p;
    }
  }
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    ingest::v1::RemoveConsumerResponse removed;
    EXPECT_EQ(StubOf(gateway_.address)->RemoveConsumer(&context, remove, &removed).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }

  // A node that is down: both calls are UNAVAILABLE naming its partition.
  nodes_[2].process->Signal(SIGKILL);
  nodes_[2].process->Wait();
  remove.set_consumer("retired-later");
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    ingest::v1::RemoveConsumerResponse removed;
    const grpc::Status status =
        StubOf(gateway_.address)->RemoveConsumer(&context, remove, &removed);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr("partition 2"));
  }
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    list.set_page_token("");
    ingest::v1::ListRejectedResponse page;
    const grpc::Status status = StubOf(gateway_.address)->ListRejected(&context, list, &page);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr("partition 2"));
  }
}

// Jobs live with the components that run them: analytics and the recommender, each in its own
// process. Through the gateway one ListJobs pages over both, newest first.
TEST(GatewayJobsSplitTest, ListJobsMergesTheJobsOfEveryComponentInPages) {
  TempDir dir;
  ServerProcess ingest = StartServer(CLT_BIN_DIR, dir.Sub("ingest"), {"--services=ingest"});
  ASSERT_FALSE(ingest.address.empty()) << "ingest did not start";
  ServerProcess analytics =
      StartServer(CLT_BIN_DIR, dir.Sub("analytics"),
                  {"--services=analytics", "--ingest_addr=" + ingest.address});
  ASSERT_FALSE(analytics.address.empty()) << "analytics did not start";
  ServerProcess recommender =
      StartServer(CLT_BIN_DIR, dir.Sub("recommender"),
                  {"--services=recommender", "--ingest_addr=" + ingest.address});
  ASSERT_FALSE(recommender.address.empty()) << "the recommender did not start";
  ServerProcess gateway = StartServer(
      CLT_BIN_DIR, dir.Sub("gateway"),
      {"--services=gateway", "--ingest_addr=" + ingest.address,
       "--analytics_addr=" + analytics.address, "--recommender_addr=" + recommender.address});
  ASSERT_FALSE(gateway.address.empty()) << "the gateway did not start";
  auto jobs = common::v1::JobService::NewStub(
      grpc::CreateChannel(gateway.address, grpc::InsecureChannelCredentials()));

  // Started one after the other, alternating: newest first lists them in reverse.
  std::vector<std::string> started;
  for (int i = 0; i < 3; ++i) {
    for (const char* kind : {"rfm", "evaluate"}) {
      grpc::ClientContext context;
      context.set_deadline(Deadline());
      common::v1::StartJobRequest start;
      start.set_kind(kind);
      common::v1::StartJobResponse response;
      const grpc::Status status = jobs->StartJob(&context, start, &response);
      ASSERT_TRUE(status.ok()) << kind << ": " << status.error_message();
      started.push_back(response.job().job_id());
    }
  }
  std::vector<std::string> listed;
  common::v1::ListJobsRequest list;
  list.set_page_size(4);
  int pages = 0;
  do {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    common::v1::ListJobsResponse page;
    const grpc::Status status = jobs->ListJobs(&context, list, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_LE(page.jobs_size(), 4);
    for (const common::v1::Job& job : page.jobs()) listed.push_back(job.job_id());
    list.set_page_token(page.next_page_token());
    ASSERT_LT(++pages, 10) << "the pages do not end";
  } while (!list.page_token().empty());
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(listed, std::vector<std::string>(started.rbegin(), started.rend()));

  grpc::ClientContext context;
  context.set_deadline(Deadline());
  list.set_page_token("analytics=recommender-0000000001");
  common::v1::ListJobsResponse page;
  const grpc::Status status = jobs->ListJobs(&context, list, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("page_token"));
}

// Server reflection's ListServices (request bytes: list_services = "*"), through a generic
// bidi stream.
class ListServicesCall final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit ListServicesCall(grpc::GenericStub* stub) {
    context_.set_deadline(Deadline());
    stub->PrepareBidiStreamingCall(&context_,
                                   "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                   grpc::StubOptions(), this);
    const char request[] = {0x3a, 0x01, '*'};
    grpc::Slice slice(request, sizeof(request));
    request_ = grpc::ByteBuffer(&slice, 1);
    StartWrite(&request_);
    StartRead(&response_);
    StartCall();
  }
  void OnWriteDone(bool /*ok*/) override { StartWritesDone(); }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    std::vector<grpc::Slice> slices;
    (void)response_.Dump(&slices);
    for (const grpc::Slice& slice : slices) {
      body_.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override {
    status_ = status;
    done_.Notify();
  }
  // The response bytes once the call is done; empty on a failure or timeout.
  std::string Await() {
    if (!done_.WaitForNotificationWithTimeout(absl::Seconds(30)) || !status_.ok()) return {};
    return body_;
  }

 private:
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::string body_;
  grpc::Status status_;
  absl::Notification done_;
};

TEST(GatewayAllInOneTest, ReflectionPassesTheFrontToTheServicesServer) {
  TempDir dir;
  ServerProcess server = StartServer(CLT_BIN_DIR, dir.Sub("data"));
  ASSERT_FALSE(server.address.empty());
  grpc::GenericStub stub(grpc::CreateChannel(server.address, grpc::InsecureChannelCredentials()));
  ListServicesCall call(&stub);
  const std::string services = call.Await();
  for (const char* service :
       {"clientele.ingest.v1.IngestService", "clientele.identity.v1.IdentityService",
        "clientele.analytics.v1.AnalyticsService", "clientele.recommender.v1.RecommenderService",
        "clientele.common.v1.JobService"}) {
    EXPECT_THAT(services, ::testing::HasSubstr(service));
  }
}

TEST(GatewayAuthTest, TheBootstrapKeyOpensTheFrontAndNoKeyIsUnauthenticated) {
  TempDir dir;
  ServerProcess server = StartServer(CLT_BIN_DIR, dir.Sub("data"), {"--auth=required"});
  ASSERT_FALSE(server.address.empty());
  ASSERT_FALSE(server.api_key.empty()) << "no bootstrap key in the data dir";
  const std::vector<std::string> log = {std::string(CLT_BIN_DIR) + "/clientele",
                                        "--server=" + server.address, "log", "--json"};
  {
    ScopedApiKey none("");
    const CommandResult refused = RunCommand(log);
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_THAT(refused.err, ::testing::HasSubstr("UNAUTHENTICATED"));
  }
  ScopedApiKey admin(server.api_key);
  const CommandResult allowed = RunCommand(log);
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_THAT(allowed.out, ::testing::HasSubstr("partitions"));
}

TEST(GatewayAuthFlagsTest, AuthNoneIsRefusedOnANonLoopbackAddress) {
  TempDir dir;
  const CommandResult start =
      RunCommand({std::string(CLT_BIN_DIR) + "/clienteled", "--data_dir=" + dir.Sub("data"),
                  "--listen=0.0.0.0:0", "--metrics_listen=off", "--auth=none"});
  EXPECT_EQ(start.exit_code, 2);
  EXPECT_THAT(start.err, ::testing::HasSubstr("--auth=none"));
  EXPECT_THAT(start.err, ::testing::HasSubstr("--listen=0.0.0.0:0"));
}

TEST(GatewayAuthFlagsTest, ABackendWithoutTheGatewayNeedsMutualTlsUnderAuthRequired) {
  TempDir dir;
  const CommandResult start =
      RunCommand({std::string(CLT_BIN_DIR) + "/clienteled", "--data_dir=" + dir.Sub("data"),
                  "--services=ingest", "--listen=127.0.0.1:0", "--metrics_listen=off"});
  EXPECT_EQ(start.exit_code, 2);
  for (const char* flag : {"--tls_cert", "--tls_key", "--tls_client_ca"}) {
    EXPECT_THAT(start.err, ::testing::HasSubstr(flag));
  }
}

}  // namespace
}  // namespace clientele::testing
