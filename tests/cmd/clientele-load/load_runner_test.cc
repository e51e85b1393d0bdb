// The load generator's library against a real ingest server (RocksDB in a temp dir, gRPC on
// 127.0.0.1:0) and a server that never answers: exact call counts over one or several
// completion-queue threads, error accounting by status code, the open loop's cap on calls in
// flight, calls that end at their deadline, parameter and key errors. Runs are bounded by
// max_calls, never by time.
#include "cmd/clientele-load/load_runner.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cmd/clientele-load/call_kind.h"
#include "cmd/clientele-load/keys.h"
#include "cmd/clientele-load/report.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "tests/cmd/clientele-load/bounded_run.h"
#include "tests/integration/ingest_server_fixture.h"

namespace clientele::load {
namespace {

using ::clientele::testing::IngestServer;
using ::testing::HasSubstr;

class LoadRunnerTest : public ::testing::Test {
 protected:
  LoadRunnerTest() : server_(dir_.Sub("db"), {}) {}

  // A prepared call kind of `name` on two channels to the server.
  std::unique_ptr<CallKind> Prepared(const std::string& name, std::vector<std::string> keys = {},
                                     std::map<std::string, std::string> params = {}) {
    std::unique_ptr<CallKind> kind = BuiltinCallKinds().Create(name).value();
    PrepareContext context;
    context.channels = MakeChannels(server_.address(), 2);
    context.keys = std::move(keys);
    context.params = std::move(params);
    absl::Status prepared = kind->Prepare(context);
    EXPECT_TRUE(prepared.ok()) << prepared;
    return kind;
  }

  clientele::testing::TempDir dir_;
  IngestServer server_;
};

TEST_F(LoadRunnerTest, ClosedLoopMakesExactlyMaxCalls) {
  std::unique_ptr<CallKind> kind =
      Prepared("ingest", {}, {{"run_id", "closed"}, {"customers", "10"}});
  LoadResult result = RunLoad(kind.get(), BoundedRun(203, 4)).value();
  EXPECT_EQ(result.calls, 203);
  EXPECT_EQ(result.ok, 203);
  EXPECT_EQ(result.errors, 0);
  EXPECT_EQ(result.latency.count(), 203);
  EXPECT_LE(result.max_in_flight, 4);
  EXPECT_GT(result.elapsed, absl::ZeroDuration());
  // Every call appended one new event.
  auto stub = server_.Stub();
  EXPECT_EQ(clientele::testing::ReadAll(*stub).size(), 203u);
}

TEST_F(LoadRunnerTest, OpenLoopMakesExactlyMaxCallsWithinTheCap) {
  std::unique_ptr<CallKind> kind = Prepared("ingest", {}, {{"run_id", "open"}});
  LoadResult result = RunLoad(kind.get(), BoundedRun(120, 3, /*rate=*/2000)).value();
  EXPECT_EQ(result.calls, 120);
  EXPECT_EQ(result.ok, 120);
  EXPECT_LE(result.max_in_flight, 3);
  auto stub = server_.Stub();
  EXPECT_EQ(clientele::testing::ReadAll(*stub).size(), 120u);
}

TEST_F(LoadRunnerTest, ErrorsAreCountedByStatusCode) {
  // The server answers health for "" only: every second call asks for an unknown service.
  std::unique_ptr<CallKind> kind = Prepared("health", {"", "no.such.Service"});
  EXPECT_EQ(kind->distinct_requests(), 2);
  LoadResult result = RunLoad(kind.get(), BoundedRun(100, 5, /*rate=*/5000)).value();
  EXPECT_EQ(result.calls, 100);
  EXPECT_EQ(result.ok, 50);
  EXPECT_EQ(result.errors, 50);
  EXPECT_EQ(result.errors_by_code[grpc::StatusCode::NOT_FOUND], 50);
  // The server's own message, to tell one cause of a code from another.
  ASSERT_EQ(result.first_error_message.size(), 1u);
  EXPECT_THAT(result.first_error_message[grpc::StatusCode::NOT_FOUND], HasSubstr("unknown"));
  EXPECT_EQ(result.latency.count(), 100);  // Failed calls have a latency too.

  nlohmann::json json =
      ReportJson({"health", server_.address(), BoundedRun(100, 5, 5000), 2, 2}, result);
  EXPECT_EQ(json["calls"], 100);
  EXPECT_EQ(json["errors"], 50);
  EXPECT_EQ(json["errors_by_code"]["NOT_FOUND"], 50);
  EXPECT_EQ(json["first_error_message"]["NOT_FOUND"],
            result.first_error_message[grpc::StatusCode::NOT_FOUND]);
  EXPECT_EQ(json["first_error_message"].size(), 1u);
  EXPECT_EQ(json["mode"], "open");
  for (const char* key :
       {"rps", "p50_ms", "p90_ms", "p99_ms", "max_ms", "duration_s", "concurrency", "rate"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
}

TEST_F(LoadRunnerTest, ServiceMissingOnTheServerIsUnimplemented) {
  // This server runs ingest only: customer reads fail, each counted once.
  std::unique_ptr<CallKind> kind = Prepared("get_profile", {"P0000000001", "web_shop/c1"});
  LoadResult result = RunLoad(kind.get(), BoundedRun(40, 8)).value();
  EXPECT_EQ(result.calls, 40);
  EXPECT_EQ(result.ok, 0);
  EXPECT_EQ(result.errors_by_code[grpc::StatusCode::UNIMPLEMENTED], 40);
  std::unique_ptr<CallKind> recommend = Prepared("recommend", {"P0000000001"}, {{"k", "5"}});
  result = RunLoad(recommend.get(), BoundedRun(10, 2, 1000)).value();
  EXPECT_EQ(result.errors_by_code[grpc::StatusCode::UNIMPLEMENTED], 10);
}

TEST_F(LoadRunnerTest, UnreachableServerFailsEveryCallWithUnavailable) {
  std::unique_ptr<CallKind> kind = BuiltinCallKinds().Create("health").value();
  PrepareContext context;
  context.channels = MakeChannels("127.0.0.1:1", 1);  // Nothing listens on port 1.
  ASSERT_TRUE(kind->Prepare(context).ok());
  LoadResult result = RunLoad(kind.get(), BoundedRun(300, 4)).value();
  EXPECT_EQ(result.calls, 300);
  EXPECT_EQ(result.errors_by_code[grpc::StatusCode::UNAVAILABLE], 300);
}

TEST_F(LoadRunnerTest, SeveralThreadsAccountForEveryCall) {
  // Every second call fails (NOT_FOUND): whichever thread completes a call counts it once.
  std::unique_ptr<CallKind> health = Prepared("health", {"", "no.such.Service"});
  for (double rate : {0.0, 4000.0}) {
    SCOPED_TRACE(rate > 0 ? "open loop" : "closed loop");
    LoadResult result = RunLoad(health.get(), BoundedRun(300, 6, rate, /*threads=*/3)).value();
    EXPECT_EQ(result.calls, 300);
    EXPECT_EQ(result.ok, 150);
    EXPECT_EQ(result.errors, 150);
    EXPECT_EQ(result.errors_by_code[grpc::StatusCode::NOT_FOUND], 150);
    EXPECT_EQ(result.latency.count(), 300);
    ASSERT_EQ(result.first_error_message.size(), 1u);
    EXPECT_THAT(result.first_error_message[grpc::StatusCode::NOT_FOUND], HasSubstr("unknown"));
    EXPECT_LE(result.max_in_flight, 6);
  }
  // Writes: one new event per call, none lost or doubled across the threads.
  std::unique_ptr<CallKind> ingest = Prepared("ingest", {}, {{"run_id", "threads"}});
  LoadResult result = RunLoad(ingest.get(), BoundedRun(250, 8, 3000, /*threads=*/4)).value();
  EXPECT_EQ(result.ok, 250);
  auto stub = server_.Stub();
  EXPECT_EQ(clientele::testing::ReadAll(*stub).size(), 250u);
}

TEST_F(LoadRunnerTest, ClosedLoopWithMoreWorkersThanThreads) {
  // Seven workers on two queues: each worker's next call starts on its own queue.
  std::unique_ptr<CallKind> kind = Prepared("ingest", {}, {{"run_id", "workers"}});
  LoadResult result = RunLoad(kind.get(), BoundedRun(211, 7, 0, /*threads=*/2)).value();
  EXPECT_EQ(result.calls, 211);
  EXPECT_EQ(result.ok, 211);
  EXPECT_LE(result.max_in_flight, 7);
  auto stub = server_.Stub();
  EXPECT_EQ(clientele::testing::ReadAll(*stub).size(), 211u);
}

// A Health service that never answers: each Check ends when its deadline passes (or the client
// cancels it).
class SilentHealth final : public grpc::health::v1::Health::CallbackService {
 public:
  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext*,
                                  const grpc::health::v1::HealthCheckRequest*,
                                  grpc::health::v1::HealthCheckResponse*) override {
    class Silent final : public grpc::ServerUnaryReactor {
      void OnCancel() override { Finish(grpc::Status::CANCELLED); }
      void OnDone() override { delete this; }
    };
    return new Silent;
  }
};

class LoadRunnerSilentServerTest : public ::testing::Test {
 protected:
  LoadRunnerSilentServerTest() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~LoadRunnerSilentServerTest() override { server_->Shutdown(); }

  std::unique_ptr<CallKind> Health() {
    std::unique_ptr<CallKind> kind = BuiltinCallKinds().Create("health").value();
    PrepareContext context;
    context.channels = MakeChannels("127.0.0.1:" + std::to_string(port_), 2);
    EXPECT_TRUE(kind->Prepare(context).ok());
    return kind;
  }

  SilentHealth service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(LoadRunnerSilentServerTest, CallsEndAtTheirDeadline) {
  ASSERT_NE(port_, 0);
  std::unique_ptr<CallKind> kind = Health();
  for (double rate : {0.0, 1000.0}) {
    SCOPED_TRACE(rate > 0 ? "open loop" : "closed loop");
    LoadOptions options = BoundedRun(12, 4, rate, /*threads=*/2);
    options.call_timeout = absl::Milliseconds(100);
    LoadResult result = RunLoad(kind.get(), options).value();
    EXPECT_EQ(result.calls, 12);
    EXPECT_EQ(result.ok, 0);
    EXPECT_EQ(result.errors_by_code[grpc::StatusCode::DEADLINE_EXCEEDED], 12);
    EXPECT_EQ(result.latency.count(), 12);
  }
}

TEST_F(LoadRunnerSilentServerTest, OpenLoopCapsTheCallsInFlight) {
  ASSERT_NE(port_, 0);
  std::unique_ptr<CallKind> kind = Health();
  // Nine calls due within 4.5 ms, each held until its 300 ms deadline, at most three at once:
  // they run in three waves.
  LoadOptions options = BoundedRun(9, 3, /*rate=*/2000, /*threads=*/2);
  options.call_timeout = absl::Milliseconds(300);
  LoadResult result = RunLoad(kind.get(), options).value();
  EXPECT_EQ(result.calls, 9);
  EXPECT_EQ(result.errors_by_code[grpc::StatusCode::DEADLINE_EXCEEDED], 9);
  EXPECT_EQ(result.max_in_flight, 3);
  // A capped call's wait for a free slot counts in its latency (measured from its due time):
  // the last wave waited about two deadlines and then ran for one. Were latency measured from
  // the start of each call, every latency would be about one deadline, less than that wait.
  EXPECT_GT(result.max_start_lag, absl::ZeroDuration());
  EXPECT_GE(result.latency.max(), absl::ToInt64Nanoseconds(result.max_start_lag));
}

TEST_F(LoadRunnerTest, KeysFromTheServerNeedIdentity) {
  std::unique_ptr<CallKind> kind = BuiltinCallKinds().Create("get_profile").value();
  PrepareContext context;
  context.channels = MakeChannels(server_.address(), 1);
  absl::Status s = kind->Prepare(context);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(std::string(s.message()), HasSubstr("ListProfiles"));
}

TEST(CallKindRegistryTest, UnknownKindNamesTheKnownOnes) {
  absl::StatusOr<std::unique_ptr<CallKind>> kind = BuiltinCallKinds().Create("recomend");
  EXPECT_EQ(kind.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(kind.status().message()),
              HasSubstr("known: customer_analytics, get_profile, health, ingest, recommend"));
}

TEST(CallKindRegistryTest, NamesAreUnique) {
  CallKindRegistry registry = BuiltinCallKinds();
  absl::Status s = registry.Register({"health", "again", [] { return nullptr; }});
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Register({"", "nameless", [] { return nullptr; }}).code(),
            absl::StatusCode::kInvalidArgument);
}

// Parameter errors come before any RPC, so no server is needed.
absl::Status PrepareWith(const std::string& kind_name, std::map<std::string, std::string> params) {
  std::unique_ptr<CallKind> kind = BuiltinCallKinds().Create(kind_name).value();
  PrepareContext context;
  context.channels = MakeChannels("127.0.0.1:1", 1);
  context.keys = {"P1"};
  context.params = std::move(params);
  return kind->Prepare(context);
}

TEST(CallKindParamsTest, BadParametersAreNamed) {
  absl::Status s = PrepareWith("recommend", {{"kk", "5"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("param kk"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("strategy"));  // Lists the known ones.

  s = PrepareWith("recommend", {{"k", "0"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("param k of call recommend"));
  s = PrepareWith("recommend", {{"strategy", "magic"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("unknown strategy 'magic'"));
  s = PrepareWith("recommend", {{"exclude_purchased", "maybe"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("param exclude_purchased"));
  s = PrepareWith("get_profile", {{"keys", "emails"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("param keys of call get_profile"));
  s = PrepareWith("ingest", {{"skus", "-3"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("param skus of call ingest"));

  EXPECT_TRUE(PrepareWith("recommend", {{"k", "20"},
                                        {"strategy", "ease"},
                                        {"exclude_purchased", "false"},
                                        {"respect_consent", "true"},
                                        {"category", "home,garden"}})
                  .ok());
}

TEST(LoadOptionsTest, BadOptionsAreRejected) {
  std::unique_ptr<CallKind> kind = BuiltinCallKinds().Create("health").value();
  LoadOptions options;
  options.concurrency = 0;
  EXPECT_THAT(std::string(RunLoad(kind.get(), options).status().message()),
              HasSubstr("concurrency"));
  options = LoadOptions();
  options.rate = -5;
  EXPECT_THAT(std::string(RunLoad(kind.get(), options).status().message()), HasSubstr("rate"));
  for (int threads : {0, LoadOptions::kMaxThreads + 1}) {
    options = LoadOptions();
    options.threads = threads;
    absl::Status s = RunLoad(kind.get(), options).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), HasSubstr("threads"));
  }
}

TEST(KeysTest, ParsesProfileIdsAndSourceKeys) {
  ParsedKey profile = ParseKey("P0000000042");
  EXPECT_FALSE(profile.is_source_key);
  EXPECT_EQ(profile.profile_id, "P0000000042");
  ParsedKey source = ParseKey("online_retail/17850/x");
  EXPECT_TRUE(source.is_source_key);
  EXPECT_EQ(source.source_key.system(), "online_retail");
  EXPECT_EQ(source.source_key.id(), "17850/x");
}

TEST(KeysTest, ReadsAFileAndNamesTheBadLine) {
  clientele::testing::TempDir dir;
  const std::string path = dir.Sub("keys.txt");
  {
    std::ofstream out(path);
    out << "# customers\n  P0000000001  \n\nonline_retail/17850\n";
  }
  EXPECT_EQ(ReadKeysFile(path).value(),
            (std::vector<std::string>{"P0000000001", "online_retail/17850"}));
  {
    std::ofstream out(path);
    out << "P1\nweb_shop/\n";
  }
  absl::Status s = ReadKeysFile(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("line 2"));
  EXPECT_EQ(ReadKeysFile(dir.Sub("missing")).status().code(), absl::StatusCode::kNotFound);
}

TEST(KeysTest, ShuffleIsASeededPermutation) {
  std::vector<std::string> keys;
  for (int i = 0; i < 100; ++i) keys.push_back(std::to_string(i));
  std::vector<std::string> a = ShuffleKeys(keys, 7);
  EXPECT_EQ(a, ShuffleKeys(keys, 7));
  EXPECT_NE(a, ShuffleKeys(keys, 8));
  EXPECT_NE(a, keys);
  std::sort(a.begin(), a.end());
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(a, sorted);
}

}  // namespace
}  // namespace clientele::load
