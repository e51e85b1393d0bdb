// clientele-load's recommend calls against a real `clienteled --services=ingest,identity,
// recommender` holding the bundled Online Retail sample, imported and trained: keys fetched from
// identity (profile ids and source keys), exact counts, unknown customers counted as NOT_FOUND,
// and the binary's --json line. Runs are bounded by call counts, never by time.
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cmd/clientele-load/call_kind.h"
#include "cmd/clientele-load/keys.h"
#include "cmd/clientele-load/load_runner.h"
#include "common/testing/child_process.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cmd/clientele-load/bounded_run.h"

namespace clientele::load {
namespace {

using ::clientele::testing::CommandResult;
using ::clientele::testing::RunCommand;

std::string Bin(const std::string& name) { return std::string(CLT_BIN_DIR) + "/" + name; }

// The last non-empty line of a command's stdout as JSON (null if it is not JSON).
nlohmann::json LastJsonLine(const CommandResult& r) {
  std::istringstream in(r.out);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return nlohmann::json::parse(last, nullptr, /*allow_exceptions=*/false);
}

class RecommendLoadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new clientele::testing::TempDir();
    server_ = new clientele::testing::ServerProcess(clientele::testing::StartServer(
        CLT_BIN_DIR, dir_->Sub("data"), {"--services=ingest,identity,recommender"}));
    ASSERT_FALSE(server_->address.empty()) << "clienteled did not come up";
    const std::string server = "--server=" + server_->address;
    CommandResult imported =
        RunCommand({Bin("clientele"), server, "import", "--format=online-retail", "--json",
                    std::string(CLT_TEST_DATA_DIR) + "/online_retail_sample.csv"});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    CommandResult synced = RunCommand({Bin("clientele"), server, "sync", "--timeout=120"});
    ASSERT_EQ(synced.exit_code, 0) << synced.err;
    // Rules are not what is measured: a high support and pairs only keep FP-Growth small (on a
    // few hundred baskets, the default support of 0.01 is a single basket: every subset of
    // every basket is frequent).
    CommandResult trained = RunCommand(
        {Bin("clientele"), server, "jobs", "start", "train", "--models=popularity,item_cf",
         "--min-support=0.05", "--max-itemset-size=2", "--timeout=120", "--wait", "--json"});
    ASSERT_EQ(trained.exit_code, 0) << trained.err << trained.out;
    ASSERT_EQ(LastJsonLine(trained)["state"], "succeeded") << trained.out;
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  // Prepares recommend with `params` (and `keys`, if any) over two channels.
  static absl::StatusOr<std::unique_ptr<CallKind>> Recommend(
      std::map<std::string, std::string> params, std::vector<std::string> keys = {}) {
    std::unique_ptr<CallKind> kind = BuiltinCallKinds().Create("recommend").value();
    PrepareContext context;
    context.channels = MakeChannels(server_->address, 2);
    context.params = std::move(params);
    context.keys = std::move(keys);
    if (absl::Status s = kind->Prepare(context); !s.ok()) return s;
    return kind;
  }

  static clientele::testing::TempDir* dir_;
  static clientele::testing::ServerProcess* server_;
};

clientele::testing::TempDir* RecommendLoadTest::dir_ = nullptr;
clientele::testing::ServerProcess* RecommendLoadTest::server_ = nullptr;

TEST_F(RecommendLoadTest, EveryProfileOfTheServerGetsRecommendations) {
  absl::StatusOr<std::unique_ptr<CallKind>> kind = Recommend({{"k", "5"}});
  ASSERT_TRUE(kind.ok()) << kind.status();
  const int64_t profiles = (*kind)->distinct_requests();
  ASSERT_GT(profiles, 10);
  // Twice round all profiles, closed loop.
  LoadResult result = RunLoad(kind->get(), BoundedRun(2 * profiles, 6)).value();
  EXPECT_EQ(result.calls, 2 * profiles);
  EXPECT_EQ(result.ok, 2 * profiles)
      << "first error code count: NOT_FOUND " << result.errors_by_code[grpc::StatusCode::NOT_FOUND];
}

TEST_F(RecommendLoadTest, SourceKeysFromIdentityWorkToo) {
  absl::StatusOr<std::unique_ptr<CallKind>> kind =
      Recommend({{"keys", "source_keys"}, {"system", "online_retail"}, {"strategy", "item_cf"}});
  ASSERT_TRUE(kind.ok()) << kind.status();
  LoadResult result = RunLoad(kind->get(), BoundedRun(150, 4, /*rate=*/3000)).value();
  EXPECT_EQ(result.calls, 150);
  EXPECT_EQ(result.ok, 150);
}

TEST_F(RecommendLoadTest, UnknownCustomersAreCountedAsNotFound) {
  std::vector<std::string> known =
      FetchSourceKeys(MakeChannels(server_->address, 1)[0], "online_retail", 1, absl::Seconds(30))
          .value();
  ASSERT_EQ(known.size(), 1u);
  absl::StatusOr<std::unique_ptr<CallKind>> kind =
      Recommend({}, {known[0], "online_retail/no-such-customer", "P9999999999"});
  ASSERT_TRUE(kind.ok()) << kind.status();
  LoadResult result = RunLoad(kind->get(), BoundedRun(99, 3)).value();
  EXPECT_EQ(result.calls, 99);
  EXPECT_EQ(result.ok, 33);
  EXPECT_EQ(result.errors_by_code[grpc::StatusCode::NOT_FOUND], 66);
}

TEST_F(RecommendLoadTest, BadRequestsAreInvalidArgument) {
  // The load generator refuses an out-of-range k before any call, naming the parameter.
  absl::StatusOr<std::unique_ptr<CallKind>> kind = Recommend({{"k", "1001"}});
  EXPECT_EQ(kind.status().code(), absl::StatusCode::kInvalidArgument);
  // An empty category filter is fine; an unknown category leaves nothing (still OK).
  kind = Recommend({{"category", "no-such-category"}});
  ASSERT_TRUE(kind.ok()) << kind.status();
  LoadResult result = RunLoad(kind->get(), BoundedRun(20, 2)).value();
  EXPECT_EQ(result.calls, 20);
  EXPECT_EQ(result.errors + result.ok, 20);
}

TEST_F(RecommendLoadTest, BinaryPrintsOneJsonObjectLast) {
  CommandResult r =
      RunCommand({Bin("clientele-load"), "--server=" + server_->address, "--call=recommend",
                  "--concurrency=4", "--duration=0", "--warmup=0", "--max-calls=64", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json json = LastJsonLine(r);
  ASSERT_TRUE(json.is_object()) << r.out;
  EXPECT_EQ(json["calls"], 64);
  EXPECT_EQ(json["errors"], 0);
  EXPECT_EQ(json["call"], "recommend");
  EXPECT_EQ(json["mode"], "closed");
  for (const char* key : {"rps", "p50_ms", "p90_ms", "p99_ms", "max_ms", "errors_by_code",
                          "duration_s", "concurrency", "rate"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_THAT(r.err, ::testing::HasSubstr("latency ms"));  // The text report goes to stderr.

  r = RunCommand({Bin("clientele-load"), "--server=" + server_->address, "--call=nope"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("unknown call kind 'nope'"));
}

TEST_F(RecommendLoadTest, BinaryTakesThreads) {
  CommandResult r = RunCommand({Bin("clientele-load"), "--server=" + server_->address,
                                "--call=recommend", "--rate=2000", "--concurrency=8", "--threads=3",
                                "--duration=0", "--warmup=0", "--max-calls=90", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json json = LastJsonLine(r);
  ASSERT_TRUE(json.is_object()) << r.out;
  EXPECT_EQ(json["calls"], 90);
  EXPECT_EQ(json["errors"], 0);
  EXPECT_EQ(json["threads"], 3);

  // Out of range: a usage error naming the flag, before any call.
  for (const char* bad : {"--threads=0", "--threads=65"}) {
    r = RunCommand({Bin("clientele-load"), "--server=" + server_->address, bad});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_THAT(r.err, ::testing::HasSubstr("--threads")) << bad;
  }
}

}  // namespace
}  // namespace clientele::load
