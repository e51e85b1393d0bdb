// The analytics commands of `clientele` against a real `clienteled --services=all`: the JSON
// contracts of rfm, segments and jobs, idempotent job starts, and the SVG report files.
#include <filesystem>
#include <fstream>
#include <set>
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

const std::string kSample = std::string(CLT_TEST_DATA_DIR) + "/online_retail_sample.csv";

std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    lines.push_back(nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false));
  }
  return lines;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class AnalyticsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer(CLT_BIN_DIR, dir_.Sub("data"));
    ASSERT_FALSE(server_.address.empty()) << "clienteled did not start";
    CommandResult import = Run({"import", "--format=online-retail", kSample});
    ASSERT_EQ(import.exit_code, 0) << import.err;
    CommandResult sync = Run({"sync", "--timeout=60"});
    ASSERT_EQ(sync.exit_code, 0) << sync.err;
  }
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(),
                {std::string(CLT_BIN_DIR) + "/clientele", "--server=" + server_.address});
    return RunCommand(args);
  }

  TempDir dir_;
  ServerProcess server_;
};

TEST_F(AnalyticsCliTest, RfmJsonHasOneRowPerProfileWithTheContractFields) {
  CommandResult rfm = Run({"rfm", "--json", "--convention=notebook"});
  ASSERT_EQ(rfm.exit_code, 0) << rfm.err;
  const std::vector<nlohmann::json> rows = JsonLines(rfm.out);
  ASSERT_GT(rows.size(), 100u);
  std::set<std::string> keys;
  for (const nlohmann::json& row : rows) {
    ASSERT_TRUE(row.is_object());
    for (const char* field :
         {"source_ids", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"}) {
      ASSERT_TRUE(row.contains(field)) << field << " in " << row.dump();
    }
    ASSERT_EQ(row["source_ids"].size(), 1u);
    EXPECT_TRUE(keys.insert(row["source_ids"][0].get<std::string>()).second);
    EXPECT_GE(row["r"].get<int>(), 1);
    EXPECT_LE(row["r"].get<int>(), 5);
    EXPECT_GE(row["frequency"].get<int>(), 1);
  }
  EXPECT_TRUE(keys.count("online_retail/12431"));

  CommandResult segments = Run({"segments", "--json"});
  ASSERT_EQ(segments.exit_code, 0) << segments.err;
  int64_t customers = 0;
  for (const nlohmann::json& s : JsonLines(segments.out))
    customers += s["customers"].get<int64_t>();
  EXPECT_EQ(customers, static_cast<int64_t>(rows.size()));

  CommandResult bad = Run({"rfm", "--convention=gross"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--convention"));
}

TEST_F(AnalyticsCliTest, ReclusterWaitsAndReportsInertiaAndSilhouettePerK) {
  CommandResult job = Run({"--json", "jobs", "start", "recluster", "--k=2..5", "--features=rfm",
                           "--n-init=3", "--wait", "--idempotency-key=nightly"});
  ASSERT_EQ(job.exit_code, 0) << job.err;
  const std::vector<nlohmann::json> lines = JsonLines(job.out);
  ASSERT_EQ(lines.size(), 1u) << job.out;
  const nlohmann::json& j = lines[0];
  EXPECT_EQ(j["state"], "succeeded");
  EXPECT_EQ(j["kind"], "recluster");
  EXPECT_EQ(j["attempt"], 1);
  EXPECT_EQ(j["spec"]["recluster"]["n_init"], 3);
  ASSERT_EQ(j["result"]["k_scores"].size(), 4u);
  for (const nlohmann::json& s : j["result"]["k_scores"]) {
    EXPECT_TRUE(s.contains("inertia"));
    EXPECT_TRUE(s.contains("silhouette"));
  }
  const std::string id = j["job_id"];

  // The same key does not start the work again.
  CommandResult again = Run(
      {"--json", "jobs", "start", "recluster", "--k=2..5", "--idempotency-key=nightly", "--wait"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(JsonLines(again.out)[0]["job_id"], id);
  CommandResult list = Run({"--json", "jobs", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(JsonLines(list.out).size(), 1u);
  CommandResult get = Run({"jobs", "get", id});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_THAT(get.out, HasSubstr("succeeded"));
  EXPECT_THAT(get.out, HasSubstr("silhouette"));

  CommandResult missing = Run({"jobs", "cancel", "job-0000000404"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("job_id"));
  // A spec the server refuses is a failed call (exit 1) naming the code and the field.
  CommandResult bad = Run({"jobs", "start", "recluster", "--k=5..2"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("INVALID_ARGUMENT: "));
  EXPECT_THAT(bad.err, HasSubstr("spec.recluster.k_max"));
  // A flag of another kind is a usage error naming it, not silently ignored.
  CommandResult foreign = Run({"jobs", "start", "rfm", "--n-init=5"});
  EXPECT_EQ(foreign.exit_code, 2);
  EXPECT_THAT(foreign.err, HasSubstr("--n-init"));
  CommandResult unknown = Run({"jobs", "start", "reindex"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("rfm"));
}

TEST_F(AnalyticsCliTest, AKeyWhoseJobWasCancelledStartsAttemptTwo) {
  // Reclusters queued ahead keep the single analytics worker busy, so the keyed rfm job behind
  // them is still queued when it is cancelled. One of the largest takes ~0.2 s on the sample,
  // less than a few CLI starts on a loaded machine: eight of them leave a wide margin.
  std::vector<std::string> busy_ids;
  for (int i = 0; i < 8; ++i) {
    CommandResult busy = Run({"--json", "jobs", "start", "recluster", "--k=2..50", "--n-init=100"});
    ASSERT_EQ(busy.exit_code, 0) << busy.err;
    busy_ids.push_back(JsonLines(busy.out)[0]["job_id"]);
  }
  CommandResult first = Run({"--json", "jobs", "start", "rfm", "--idempotency-key=retry-me"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const nlohmann::json first_job = JsonLines(first.out)[0];
  const std::string first_id = first_job["job_id"];
  EXPECT_EQ(first_job["attempt"], 1);
  CommandResult cancel = Run({"--json", "jobs", "cancel", first_id});
  ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_EQ(JsonLines(cancel.out)[0]["state"], "cancelled") << cancel.out;
  for (const std::string& busy_id : busy_ids) {
    ASSERT_EQ(Run({"jobs", "cancel", busy_id}).exit_code, 0);
  }

  CommandResult second =
      Run({"--json", "jobs", "start", "rfm", "--idempotency-key=retry-me", "--wait"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const nlohmann::json second_job = JsonLines(second.out)[0];
  EXPECT_NE(second_job["job_id"], first_id);
  EXPECT_EQ(second_job["state"], "succeeded");
  EXPECT_EQ(second_job["attempt"], 2);
  EXPECT_EQ(second_job["previous_attempt_job_id"], first_id);

  CommandResult get = Run({"jobs", "get", second_job["job_id"].get<std::string>()});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_THAT(get.out, HasSubstr("attempt: 2"));
  EXPECT_THAT(get.out, HasSubstr(first_id));
  // The cancelled attempt stays visible.
  CommandResult old = Run({"--json", "jobs", "get", first_id});
  ASSERT_EQ(old.exit_code, 0) << old.err;
  EXPECT_EQ(JsonLines(old.out)[0]["state"], "cancelled");
  // And the key now names the succeeded attempt.
  CommandResult again = Run({"--json", "jobs", "start", "rfm", "--idempotency-key=retry-me"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(JsonLines(again.out)[0]["job_id"], second_job["job_id"]);
}

TEST_F(AnalyticsCliTest, ReportWritesTheFourCharts) {
  ASSERT_EQ(Run({"rfm", "--json"}).exit_code, 0);
  ASSERT_EQ(Run({"jobs", "start", "recluster", "--k=2..4", "--wait"}).exit_code, 0);
  const std::string out = dir_.Sub("report");
  CommandResult report = Run({"report", "--out", out});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  for (const char* name : {"elbow.svg", "silhouette.svg", "pca.svg", "segments.svg"}) {
    const std::string svg = ReadFile(std::filesystem::path(out) / name);
    EXPECT_THAT(svg, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\"")) << name;
    EXPECT_THAT(svg, HasSubstr("</svg>")) << name;
    EXPECT_THAT(svg, HasSubstr("class=\"legend\"")) << name;
  }
  EXPECT_THAT(ReadFile(std::filesystem::path(out) / "pca.svg"), HasSubstr("% of variance"));
}

}  // namespace
}  // namespace clientele::testing
