// The identity commands of `clientele` against a real `clienteled --services=ingest,identity`.
#include <fstream>
#include <sstream>

#include "common/testing/child_process.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;

std::string Cli() { return std::string(CLT_BIN_DIR) + "/clientele"; }

nlohmann::json Json(const CommandResult& r) {
  std::istringstream in(r.out);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return nlohmann::json::parse(last, nullptr, /*allow_exceptions=*/false);
}

class IdentityCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer(CLT_BIN_DIR, dir_.Sub("data"), {"--services=ingest,identity"});
    ASSERT_FALSE(server_.address.empty()) << "clienteled did not start";
    events_ = dir_.Sub("events.jsonl");
    truth_ = dir_.Sub("truth.csv");
    CommandResult gen = RunCommand(
        {Cli(), "gen", "--people=150", "--seed=3", "--out=" + events_, "--truth=" + truth_});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    CommandResult import = Run({"import", "--format=events-jsonl", "--json", events_});
    ASSERT_EQ(import.exit_code, 0) << import.err;
    CommandResult sync = Run({"sync", "--timeout=60"});
    ASSERT_EQ(sync.exit_code, 0) << sync.err;
  }
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {Cli(), "--server=" + server_.address});
    return RunCommand(args);
  }
  // The first source key of the truth file.
  std::string FirstTruthKey() {
    std::ifstream in(truth_);
    std::string line;
    std::getline(in, line);
    std::getline(in, line);
    return line.substr(0, line.find(','));
  }

  TempDir dir_;
  ServerProcess server_;
  std::string events_, truth_;
};

TEST_F(IdentityCliTest, EvalReportsPairwiseMetricsAgainstTheTruth) {
  CommandResult eval = Run({"identity", "eval", "--truth", truth_, "--json"});
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  nlohmann::json j = Json(eval);
  ASSERT_TRUE(j.is_object()) << eval.out;
  for (const char* key : {"precision", "recall", "f1", "true_pairs", "predicted_pairs"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_GT(j["true_pairs"].get<int64_t>(), 0);
  EXPECT_GT(j["recall"].get<double>(), 0.5);
  EXPECT_GT(j["precision"].get<double>(), 0.5);
  EXPECT_EQ(j["unknown_ids"].get<int64_t>(), 0);

  // Bare ids match the id part of the source keys.
  std::ifstream in(truth_);
  std::ofstream bare(dir_.Sub("bare.csv"));
  std::string line;
  while (std::getline(in, line)) {
    const size_t comma = line.find(',');
    auto strip = [](const std::string& k) { return k.substr(k.find('/') + 1); };
    bare << strip(line.substr(0, comma)) << "," << strip(line.substr(comma + 1)) << "\n";
  }
  bare.close();
  CommandResult bare_eval = Run({"identity", "eval", "--truth", dir_.Sub("bare.csv"), "--json"});
  ASSERT_EQ(bare_eval.exit_code, 0) << bare_eval.err;
  EXPECT_EQ(Json(bare_eval)["true_pairs"], j["true_pairs"]);
  EXPECT_EQ(Json(bare_eval)["precision"], j["precision"]);

  std::ofstream(dir_.Sub("bad.csv")) << "a,b\nonly-one-column\n";
  CommandResult bad = Run({"identity", "eval", "--truth", dir_.Sub("bad.csv")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("row 1"));
}

TEST_F(IdentityCliTest, ProfileGetMergeSplitExplainAndConsentGet) {
  const std::string key = FirstTruthKey();
  CommandResult get = Run({"profile", "get", "--source=" + key, "--json"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  nlohmann::json p = Json(get);
  const std::string id = p["profile"]["profile_id"].get<std::string>();
  EXPECT_EQ(id.substr(0, 1), "P");
  EXPECT_GE(p["profile"]["members"].size(), 2u);  // The truth pair's records joined.
  EXPECT_TRUE(p["profile"]["golden"]["lineage"].is_array());

  CommandResult text = Run({"profile", "get", "--id=" + id});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("golden record"));

  CommandResult other = Run({"profile", "get", "--id=P0000000002", "--json"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  const std::string other_id = Json(other)["profile"]["profile_id"].get<std::string>();
  if (other_id != id) {
    CommandResult explain = Run({"profile", "explain", id, other_id, "--json"});
    ASSERT_EQ(explain.exit_code, 0) << explain.err;
    EXPECT_TRUE(Json(explain)["explanation"]["fields"].is_array());
    CommandResult merge =
        Run({"profile", "merge", "--into=" + id, "--from=" + other_id, "--reason=e2e", "--json"});
    ASSERT_EQ(merge.exit_code, 0) << merge.err;
    const std::string survivor = Json(merge)["surviving_profile_id"].get<std::string>();
    CommandResult split = Run({"profile", "split", "--id=" + survivor, "--records=" + key,
                               "--reason=e2e undo", "--json"});
    ASSERT_EQ(split.exit_code, 0) << split.err;
    EXPECT_EQ(Json(split)["new_profile_id"].get<std::string>().substr(0, 1), "P");
  }

  CommandResult consent = Run({"consent", "get", "--source=" + key, "--json"});
  ASSERT_EQ(consent.exit_code, 0) << consent.err;
  EXPECT_TRUE(Json(consent).contains("profile_id"));

  CommandResult none = Run({"profile", "get"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("exactly one of"));
  CommandResult missing = Run({"profile", "get", "--id=P0000999999"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("not found"));
  CommandResult bad_key = Run({"profile", "split", "--id=" + id, "--records=nokey", "--reason=x"});
  EXPECT_EQ(bad_key.exit_code, 2);
  EXPECT_THAT(bad_key.err, HasSubstr("--records"));
}

// Files without times in their rows (FEBRL) are snapshots as of their modification time: the
// same file imported again is all duplicates, not conflicts that count as rejected.
TEST_F(IdentityCliTest, SameFebrlFileImportedAgainIsAllDuplicates) {
  const std::string febrl = std::string(CLT_TEST_DATA_DIR) + "/febrl_sample.csv";
  CommandResult first = Run({"import", "--format=febrl", "--json", febrl});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  nlohmann::json once = Json(first);
  ASSERT_GT(once["accepted"].get<int64_t>(), 0) << once;
  CommandResult second = Run({"import", "--format=febrl", "--json", febrl});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  nlohmann::json again = Json(second);
  EXPECT_EQ(again["accepted"], 0) << again;
  EXPECT_EQ(again["rejected"], 0) << again;
  EXPECT_EQ(again["duplicates"], once["accepted"]) << again;
}

}  // namespace
}  // namespace clientele::testing
