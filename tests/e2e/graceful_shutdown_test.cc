// Shutdown and stream limits of the real clienteled (issue 12, defects 8 and 9): on SIGTERM
// health turns NOT_SERVING while calls are still served, in-flight calls finish OK, and the
// process exits cleanly; idle streams end, streams beyond the cap are refused, and a client
// that never reads a Subscribe stream holds neither a thread nor the shutdown.
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "common/testing/child_process.h"
#include "common/testing/poll.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace clientele::testing {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

// A channel with its own connection and without BDP probing, so that flow control windows
// stay at their initial size.
std::shared_ptr<grpc::Channel> OwnChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

std::chrono::system_clock::time_point RpcDeadline() {
  return std::chrono::system_clock::now() + std::chrono::seconds(60);
}

ingest::v1::IngestRequest Batch(const std::string& prefix, int events, int lines) {
  ingest::v1::IngestRequest request;
  for (int i = 0; i < events; ++i) {
    *request.add_events() = OrderEvent(absl::StrCat(prefix, "-", i), absl::StrCat(prefix, "o", i),
                                       absl::StrCat("c", i % 13), lines);
  }
  return request;
}

// Health of the whole server: SERVING, NOT_SERVING, or UNKNOWN when the call failed.
HealthCheckResponse::ServingStatus Health(Health::Stub& stub) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  HealthCheckResponse response;
  if (!stub.Check(&context, HealthCheckRequest(), &response).ok()) {
    return HealthCheckResponse::UNKNOWN;
  }
  return response.status();
}

// True if the server's /metrics has a line starting with `prefix`.
bool MetricLine(int metrics_port, const std::string& prefix) {
  httplib::Client http("127.0.0.1", metrics_port);
  httplib::Result metrics = http.Get("/metrics");
  if (!metrics) return false;
  std::istringstream lines(metrics->body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

TEST(GracefulShutdownTest, SigtermReportsNotServingFirstAndInFlightCallsFinishOk) {
  TempDir dir;
  ServerProcess server =
      StartServer(CLT_BIN_DIR, dir.Sub("data"),
                  {"--shutdown_delay_seconds=2", "--shutdown_grace_seconds=30", "--sync_writes"});
  ASSERT_FALSE(server.address.empty()) << "clienteled did not start";
  auto health = Health::NewStub(OwnChannel(server.address));
  ASSERT_EQ(Health(*health), HealthCheckResponse::SERVING);

  // Callers that stop sending once health says NOT_SERVING, as a load balancer would.
  std::atomic<bool> not_serving{false};
  std::atomic<bool> sigterm_sent{false};
  std::atomic<int> ok{0}, straddling{0};
  absl::Mutex mu;
  std::map<int, int> failures;  // By status code.
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&, t] {
      auto stub = ingest::v1::IngestService::NewStub(OwnChannel(server.address));
      for (int n = 0; !not_serving.load(); ++n) {
        const bool before = sigterm_sent.load();
        grpc::ClientContext context;
        context.set_deadline(RpcDeadline());
        ingest::v1::IngestResponse response;
        grpc::Status status =
            stub->Ingest(&context, Batch(absl::StrCat("t", t, "n", n), 200, 3), &response);
        if (status.ok()) {
          ok.fetch_add(1);
          if (!before && sigterm_sent.load()) straddling.fetch_add(1);
        } else {
          absl::MutexLock lock(&mu);
          ++failures[status.error_code()];
        }
      }
    });
  }
  ASSERT_TRUE(PollUntil([&] { return ok.load() >= 8; }));

  server.process->Signal(SIGTERM);
  sigterm_sent.store(true);
  const bool saw_not_serving =
      PollUntil([&] { return Health(*health) == HealthCheckResponse::NOT_SERVING; });
  not_serving.store(true);
  EXPECT_TRUE(saw_not_serving) << "health never reported NOT_SERVING while the server answered";
  // Still serving while NOT_SERVING: a call now succeeds.
  {
    auto stub = ingest::v1::IngestService::NewStub(OwnChannel(server.address));
    grpc::ClientContext context;
    context.set_deadline(RpcDeadline());
    ingest::v1::GetLogInfoResponse info;
    grpc::Status status = stub->GetLogInfo(&context, {}, &info);
    EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(server.process->Wait(), 0);

  absl::MutexLock lock(&mu);
  for (const auto& [code, count] : failures) {
    ADD_FAILURE() << count << " calls failed with status code " << code;
  }
  EXPECT_GT(straddling.load(), 0) << "no call was in flight when SIGTERM arrived";
}

TEST(GracefulShutdownTest, StreamsBeyondTheCapAreRefusedAndIdleStreamsEnd) {
  TempDir dir;
  ServerProcess server =
      StartServer(CLT_BIN_DIR, dir.Sub("data"),
                  {"--services=ingest", "--max_concurrent_streams=30",
                   "--stream_idle_timeout_seconds=3", "--shutdown_grace_seconds=30"});
  ASSERT_FALSE(server.address.empty()) << "clienteled did not start";
  auto stub = ingest::v1::IngestService::NewStub(OwnChannel(server.address));

  struct Stream {
    grpc::ClientContext context;
    ingest::v1::IngestResponse response;
    std::unique_ptr<grpc::ClientWriter<ingest::v1::IngestRequest>> writer;
  };
  auto open = [&] {
    auto stream = std::make_unique<Stream>();
    stream->context.set_deadline(RpcDeadline());
    stream->writer = stub->IngestStream(&stream->context, &stream->response);
    return stream;
  };
  std::vector<std::unique_ptr<Stream>> idle;
  for (int i = 0; i < 30; ++i) idle.push_back(open());
  // Handler threads pick calls up in any order: wait until all 30 are admitted.
  ASSERT_TRUE(PollUntil(
      [&] { return MetricLine(server.metrics_port, "clientele_grpc_streams_active 30"); }));
  for (int i = 0; i < 5; ++i) {
    std::unique_ptr<Stream> extra = open();
    grpc::Status status = extra->writer->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(status.error_message(), HasSubstr("--max_concurrent_streams"));
  }
  for (auto& stream : idle) {
    grpc::Status status = stream->writer->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
    EXPECT_THAT(status.error_message(), HasSubstr("sent nothing for 3 s"));
    EXPECT_THAT(status.error_message(), HasSubstr("--stream_idle_timeout_seconds"));
  }
  // The slots are free again: a stream that sends its events and closes succeeds.
  std::unique_ptr<Stream> next = open();
  ASSERT_TRUE(next->writer->Write(Batch("next", 5, 2)));
  next->writer->WritesDone();
  grpc::Status status = next->writer->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(next->response.accepted(), 5);

  server.process->Signal(SIGTERM);
  EXPECT_EQ(server.process->Wait(), 0);
}

// A log big enough that a subscriber who never reads fills the flow-control windows.
void FillLog(const std::string& address) {
  auto stub = ingest::v1::IngestService::NewStub(OwnChannel(address));
  for (int b = 0; b < 20; ++b) {
    grpc::ClientContext context;
    context.set_deadline(RpcDeadline());
    ingest::v1::IngestResponse response;
    grpc::Status status = stub->Ingest(&context, Batch(absl::StrCat("b", b), 500, 20), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
}

TEST(GracefulShutdownTest, SubscriberThatNeverReadsIsEndedAndDoesNotHoldShutdown) {
  TempDir dir;
  ServerProcess server = StartServer(
      CLT_BIN_DIR, dir.Sub("data"),
      {"--services=ingest", "--stream_idle_timeout_seconds=1", "--shutdown_grace_seconds=30"});
  ASSERT_FALSE(server.address.empty()) << "clienteled did not start";
  ASSERT_NO_FATAL_FAILURE(FillLog(server.address));

  auto stub = ingest::v1::IngestService::NewStub(OwnChannel(server.address));
  grpc::ClientContext context;
  context.set_deadline(RpcDeadline());
  ingest::v1::SubscribeRequest request;
  request.set_partition(0);
  auto reader = stub->Subscribe(&context, request);
  // Never read until the server has ended the call (its metrics count it as handled).
  ASSERT_TRUE(PollUntil([&] {
    return MetricLine(server.metrics_port, "clientele_grpc_streams_ended_total{reason=\"idle\"} 1");
  }));
  ingest::v1::SubscribeResponse response;
  uint64_t received = 0;
  while (reader->Read(&response)) received += response.entries_size();
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(status.error_message(), HasSubstr("read nothing for 1 s"));
  EXPECT_LT(received, 10000u) << "the stream should have stalled before the end of the log";

  server.process->Signal(SIGTERM);
  EXPECT_EQ(server.process->Wait(), 0);
}

TEST(GracefulShutdownTest, SubscriberThatNeverReadsDoesNotHoldShutdownBeyondTheGrace) {
  TempDir dir;
  // No idle timeout: only the drain's grace period ends the stalled stream.
  ServerProcess server = StartServer(
      CLT_BIN_DIR, dir.Sub("data"),
      {"--services=ingest", "--stream_idle_timeout_seconds=0", "--shutdown_grace_seconds=1"});
  ASSERT_FALSE(server.address.empty()) << "clienteled did not start";
  ASSERT_NO_FATAL_FAILURE(FillLog(server.address));
  auto stub = ingest::v1::IngestService::NewStub(OwnChannel(server.address));
  grpc::ClientContext context;
  context.set_deadline(RpcDeadline());
  ingest::v1::SubscribeRequest request;
  request.set_partition(0);
  auto reader = stub->Subscribe(&context, request);
  // One message proves the handler runs; it then writes until flow control blocks it.
  ingest::v1::SubscribeResponse first;
  ASSERT_TRUE(reader->Read(&first));
  server.process->Signal(SIGTERM);
  EXPECT_EQ(server.process->Wait(), 0);
  context.TryCancel();
  reader->Finish();
}

// A batch of large events is split so that no Subscribe message nears the message size limit:
// 10,000 events of ~7 KB (70 MB) asked for in one batch arrive complete and in order, in
// messages of about 4 MiB. (Sent as one message they exceeded the 64 MiB limit.)
TEST(GracefulShutdownTest, SubscribeSplitsLargeBatchesBelowTheMessageLimit) {
  TempDir dir;
  ServerProcess server = StartServer(CLT_BIN_DIR, dir.Sub("data"), {"--services=ingest"});
  ASSERT_FALSE(server.address.empty()) << "clienteled did not start";
  auto stub = ingest::v1::IngestService::NewStub(OwnChannel(server.address));
  constexpr int kEvents = 10000;
  for (int b = 0; b < kEvents / 500; ++b) {
    ingest::v1::IngestRequest request = Batch(absl::StrCat("big", b), 500, 7);
    for (common::v1::Event& e : *request.mutable_events()) {
      for (auto& line : *e.mutable_order()->mutable_lines()) {
        line.set_description(std::string(1000, 'd'));
      }
    }
    grpc::ClientContext context;
    context.set_deadline(RpcDeadline());
    ingest::v1::IngestResponse response;
    grpc::Status status = stub->Ingest(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.accepted(), 500);
  }

  grpc::ClientContext context;
  context.set_deadline(RpcDeadline());
  ingest::v1::SubscribeRequest request;
  request.set_partition(0);
  request.set_max_batch_events(10000);
  request.set_stop_at_end(true);
  auto reader = stub->Subscribe(&context, request);
  ingest::v1::SubscribeResponse response;
  uint64_t expected = 1;
  int messages = 0;
  while (reader->Read(&response)) {
    ++messages;
    EXPECT_LE(response.ByteSizeLong(), size_t{5} << 20);
    for (const auto& entry : response.entries()) ASSERT_EQ(entry.sequence(), expected++);
    EXPECT_EQ(response.through_sequence(), expected - 1);
  }
  grpc::Status status = reader->Finish();
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  EXPECT_EQ(expected, kEvents + 1u);
  EXPECT_GE(messages, 14);
  server.process->Signal(SIGTERM);
  EXPECT_EQ(server.process->Wait(), 0);
}

// Bad limits are refused by flag name before anything is opened.
TEST(GracefulShutdownTest, BadLimitFlagsAreRejectedByName) {
  TempDir dir;
  const std::vector<std::string> common = {std::string(CLT_BIN_DIR) + "/clienteled",
                                           "--data_dir=" + dir.Sub("data"), "--listen=127.0.0.1:0",
                                           "--metrics_listen=off"};
  for (const auto& [args, flag] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--grpc_max_threads=8", "--grpc_max_pollers=64"}, "--grpc_max_threads"},
           {{"--stream_idle_timeout_seconds=-1"}, "--stream_idle_timeout_seconds"},
           {{"--max_concurrent_streams=-5"}, "--max_concurrent_streams"},
           {{"--shutdown_delay_seconds=-1"}, "--shutdown_delay_seconds"},
           {{"--max_message_bytes=12"}, "--max_message_bytes"}}) {
    std::vector<std::string> argv = common;
    argv.insert(argv.end(), args.begin(), args.end());
    CommandResult result = RunCommand(argv);
    EXPECT_NE(result.exit_code, 0) << flag;
    EXPECT_THAT(result.err, HasSubstr(flag));
  }
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("data"))) << "nothing is opened for a bad flag";
}

}  // namespace
}  // namespace clientele::testing
