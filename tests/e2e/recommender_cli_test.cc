// The recommender commands of `clientele` against a real `clienteled --services=all`:
// import --format=baskets / movielens, jobs start train|evaluate --wait --json, basket,
// rules, recommend, similar, and their errors.
#include <filesystem>
#include <fstream>
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

std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line, nullptr, false));
  }
  return lines;
}

class RecommenderCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer(CLT_BIN_DIR, dir_.Sub("data"));
    ASSERT_FALSE(server_.address.empty()) << "clienteled did not start";
  }
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(),
                {std::string(CLT_BIN_DIR) + "/clientele", "--server=" + server_.address});
    return RunCommand(args);
  }
  std::string WriteFile(const std::string& name, const std::string& contents) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path) << contents;
    return path;
  }
  void Import(const std::string& format, const std::string& path) {
    CommandResult import = Run({"import", "--format=" + format, path});
    ASSERT_EQ(import.exit_code, 0) << import.err;
    CommandResult sync = Run({"sync", "--timeout=60"});
    ASSERT_EQ(sync.exit_code, 0) << sync.err;
  }

  TempDir dir_;
  ServerProcess server_;
};

TEST_F(RecommenderCliTest, BasketsTrainReportsItemsetsAndRulesThenCompletesBaskets) {
  Import("baskets", WriteFile("baskets.csv",
                              "bread,butter\nbread,butter,milk\nbread,butter\nbread,jam\n"
                              "milk,cereal\nmilk,cereal\nmilk,cereal,bread\nwhole milk ,cereal\n"));
  CommandResult train = Run(
      {"--json", "jobs", "start", "train", "--min-support=0.2", "--min-confidence=0.6", "--wait"});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const nlohmann::json job = nlohmann::json::parse(train.out, nullptr, false);
  ASSERT_TRUE(job.is_object()) << train.out;
  EXPECT_EQ(job["state"], "succeeded");
  EXPECT_EQ(job["kind"], "train");
  // Count >= 2 of 8: bread, butter, milk, cereal, and {bread,butter}, {bread,milk},
  // {milk,cereal}. Rules at confidence >= 0.6: butter=>bread (3/3), cereal=>milk (3/4),
  // milk=>cereal (3/4), bread=>butter (3/5 = 0.6 passes); not milk=>bread (2/4).
  EXPECT_EQ(job["result"]["itemsets"], 7);
  EXPECT_EQ(job["result"]["rules"], 4);

  CommandResult info = Run({"model-info", "--json"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const nlohmann::json model = nlohmann::json::parse(info.out, nullptr, false);
  ASSERT_TRUE(model.is_object()) << info.out;
  EXPECT_EQ(model["model_version"], job["result"]["model_version"]);
  EXPECT_EQ(model["itemsets"], 7);  // Numbers, not protobuf's int64 strings.
  EXPECT_EQ(model["rules"], 4);
  EXPECT_EQ(model["strategies"], nlohmann::json({"rules", "content"})) << info.out;

  CommandResult basket = Run({"--json", "basket", "butter", "-k", "2"});
  ASSERT_EQ(basket.exit_code, 0) << basket.err;
  const nlohmann::json suggestions = nlohmann::json::parse(basket.out, nullptr, false);
  ASSERT_EQ(suggestions["items"].size(), 1u) << basket.out;
  EXPECT_EQ(suggestions["items"][0]["sku"], "bread");
  EXPECT_EQ(suggestions["items"][0]["reason"], "bought with butter");
  EXPECT_DOUBLE_EQ(suggestions["items"][0]["rule"]["confidence"].get<double>(), 1.0);

  CommandResult rules = Run({"--json", "rules"});
  ASSERT_EQ(rules.exit_code, 0) << rules.err;
  const std::vector<nlohmann::json> lines = JsonLines(rules.out);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["consequent"][0], "bread");  // Confidence 1 first.

  CommandResult similar = Run({"--json", "similar", "milk", "-k", "3"});
  ASSERT_EQ(similar.exit_code, 0) << similar.err;
  const nlohmann::json near = nlohmann::json::parse(similar.out, nullptr, false);
  ASSERT_FALSE(near["items"].empty()) << similar.out;
  EXPECT_EQ(near["items"][0]["sku"], "whole milk ");  // Shares the word "milk".

  CommandResult unknown = Run({"similar", "caviar"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("caviar"));
}

TEST_F(RecommenderCliTest, SecondBasketsFileIsNotDuplicatesAndBasketNamesUnknownItems) {
  auto import = [&](const std::string& path) {
    CommandResult result = Run({"--json", "import", "--format=baskets", path});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return nlohmann::json::parse(result.out, nullptr, false);
  };
  const std::string first = WriteFile("first.csv", "milk,cereal,bowl\nmilk,cereal\nmilk,cereal\n");
  nlohmann::json j = import(first);
  EXPECT_EQ(j["accepted"], 3) << j;
  j = import(first);
  EXPECT_EQ(j["accepted"], 0) << j;
  EXPECT_EQ(j["duplicates"], 3) << j;
  // Another file, its first row equal to the first file's: every basket is new.
  std::string second = "milk,cereal,bowl\ncereal,bowl\n";
  for (int i = 0; i < 9; ++i) second += "milk\n";
  second += "bread\nwhole milk ,bread\n";
  j = import(WriteFile("second.csv", second));
  EXPECT_EQ(j["accepted"], 13) << j;
  EXPECT_EQ(j["duplicates"], 0) << j;
  ASSERT_EQ(Run({"sync", "--timeout=60"}).exit_code, 0);
  CommandResult train = Run(
      {"--json", "jobs", "start", "train", "--min-support=0.15", "--min-confidence=0.5", "--wait"});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const nlohmann::json job = nlohmann::json::parse(train.out, nullptr, false);
  EXPECT_EQ(job["result"]["baskets"], 16) << train.out;

  auto suggested = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--json", "basket", "cereal"};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult basket = Run(args);
    EXPECT_EQ(basket.exit_code, 0) << basket.err;
    std::vector<std::string> skus;
    const nlohmann::json out = nlohmann::json::parse(basket.out, nullptr, false);
    for (const nlohmann::json& item : out["items"]) skus.push_back(item["sku"]);
    return skus;
  };
  // 16 baskets: milk in 13, so cereal => milk (4 of 5) has lift 0.8 / 0.8125 = 0.985; bowl
  // in 3, cereal => bowl (3 of 5) lift 3.2.
  EXPECT_THAT(suggested({}), ::testing::ElementsAre("bowl"));
  EXPECT_THAT(suggested({"--min-lift=0"}), ::testing::ElementsAre("bowl", "milk"));
  EXPECT_THAT(suggested({"--min-lift", "3.5"}), ::testing::ElementsAre());

  CommandResult unknown = Run({"basket", "cereal", "whole milk"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("NOT_FOUND"));
  EXPECT_THAT(unknown.err,
              HasSubstr("'whole milk' is not known; nearest known items: 'whole milk '"));
  CommandResult bad_lift = Run({"basket", "cereal", "--min-lift=-1"});
  EXPECT_EQ(bad_lift.exit_code, 1);
  EXPECT_THAT(bad_lift.err, HasSubstr("min_lift"));
}

TEST_F(RecommenderCliTest, MovieLensEvaluateAndRecommend) {
  // Users 1-4 rate items 10-15 (tab separated u.data layout).
  std::string data;
  const int ratings[4][6] = {
      {5, 4, 0, 3, 0, 1}, {4, 5, 2, 0, 1, 0}, {0, 4, 5, 4, 0, 2}, {5, 0, 4, 5, 3, 0}};
  for (int u = 0; u < 4; ++u) {
    for (int i = 0; i < 6; ++i) {
      if (ratings[u][i] == 0) continue;
      data += std::to_string(u + 1) + "\t" + std::to_string(10 + i) + "\t" +
              std::to_string(ratings[u][i]) + "\t" + std::to_string(880000000 + u * 10 + i) + "\n";
    }
  }
  Import("movielens", WriteFile("u.data", data));

  CommandResult evaluate = Run({"--json", "jobs", "start", "evaluate", "--split=random:0.75",
                                "--seed=3", "-k", "2", "--wait"});
  ASSERT_EQ(evaluate.exit_code, 0) << evaluate.err;
  const nlohmann::json job = nlohmann::json::parse(evaluate.out, nullptr, false);
  ASSERT_TRUE(job.is_object()) << evaluate.out;
  EXPECT_EQ(job["kind"], "evaluate");
  const nlohmann::json& result = job["result"];
  EXPECT_EQ(result["k"], 2);
  for (const char* model : {"popularity", "item_cf", "sar", "ease", "hybrid"}) {
    ASSERT_TRUE(result["metrics"].contains(model)) << model << " in " << evaluate.out;
    for (const char* metric : {"map", "ndcg", "precision", "recall"}) {
      const double v = result["metrics"][model][metric].get<double>();
      EXPECT_GE(v, 0) << model << " " << metric;
      EXPECT_LE(v, 1) << model << " " << metric;
    }
  }

  CommandResult train = Run({"--json", "jobs", "start", "train", "--wait"});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  CommandResult recommend = Run({"--json", "recommend", "--profile=movielens/1", "-k", "2"});
  ASSERT_EQ(recommend.exit_code, 0) << recommend.err;
  const nlohmann::json top = nlohmann::json::parse(recommend.out, nullptr, false);
  ASSERT_EQ(top["items"].size(), 2u) << recommend.out;
  EXPECT_TRUE(top["personalized"].get<bool>());
  for (const nlohmann::json& item : top["items"]) {
    // User 1 rated 10, 11, 13 and 15: only 12 and 14 are left.
    EXPECT_TRUE(item["sku"] == "12" || item["sku"] == "14") << recommend.out;
  }

  CommandResult unknown = Run({"recommend", "--profile=movielens/99"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("not known"));
  // Values the server refuses are failed calls (exit 1) that name the code and the field.
  CommandResult bad_k = Run({"recommend", "--profile=movielens/1", "-k", "5000"});
  EXPECT_EQ(bad_k.exit_code, 1);
  EXPECT_THAT(bad_k.err, HasSubstr("INVALID_ARGUMENT: "));
  EXPECT_THAT(bad_k.err, HasSubstr("k: must be between 1 and 1000"));
  CommandResult bad_split = Run({"jobs", "start", "evaluate", "--split=thirds"});
  EXPECT_EQ(bad_split.exit_code, 1);
  EXPECT_THAT(bad_split.err, HasSubstr("INVALID_ARGUMENT: "));
  EXPECT_THAT(bad_split.err, HasSubstr("spec.evaluate.split"));
  CommandResult foreign = Run({"jobs", "start", "evaluate", "--k=5"});
  EXPECT_EQ(foreign.exit_code, 2);
  EXPECT_THAT(foreign.err, HasSubstr("--k"));
  // One `jobs list` shows the jobs of every service.
  CommandResult list = Run({"--json", "jobs", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("\"kind\":\"evaluate\""));
  EXPECT_THAT(list.out, HasSubstr("\"state\":\"succeeded\""));
}

// One events-jsonl line: a customer record of web:<id>.
std::string CustomerLine(const std::string& id, const std::string& given, const std::string& family,
                         const std::string& time) {
  return R"({"eventId":"web/customer/)" + id + R"(","channel":"CHANNEL_ONLINE_SHOP",)" +
         R"("source":{"system":"web","id":")" + id + R"("},"occurredAt":")" + time +
         R"(","customerUpsert":{"givenName":")" + given + R"(","familyName":")" + family +
         R"(","email":")" + id + R"(@example.com"}})" + "\n";
}

// One events-jsonl line: an order of web:<customer> with one unit of each SKU.
std::string OrderLine(const std::string& id, const std::string& customer,
                      const std::vector<std::string>& skus, const std::string& time) {
  std::string lines;
  for (const std::string& sku : skus) {
    if (!lines.empty()) lines += ",";
    lines += R"({"sku":")" + sku + R"(","description":"Product )" + sku +
             R"(","quantity":"1","unitPrice":{"minorUnits":"500","currencyCode":"EUR"}})";
  }
  return R"({"eventId":"web/order/)" + id + R"(","channel":"CHANNEL_ONLINE_SHOP",)" +
         R"("source":{"system":"web","id":")" + id + R"("},"occurredAt":")" + time +
         R"(","order":{"orderId":")" + id + R"(","customer":{"system":"web","id":")" + customer +
         R"("},"lines":[)" + lines + "]}}\n";
}

TEST_F(RecommenderCliTest, AFitOverTheMemoryBudgetFailsResourceExhaustedInTextAndJson) {
  server_ = ServerProcess();  // Stops the default server.
  server_ = StartServer(CLT_BIN_DIR, dir_.Sub("budget"), {"--recommender_memory_budget=1K"});
  ASSERT_FALSE(server_.address.empty()) << "clienteled did not start";
  Import("movielens", WriteFile("u.data",
                                "1\t10\t5\t880000000\n1\t11\t4\t880000001\n"
                                "2\t10\t3\t880000002\n2\t12\t5\t880000003\n"));

  CommandResult train =
      Run({"--json", "jobs", "start", "train", "--models=ease", "--wait", "--timeout=60"});
  const nlohmann::json job = nlohmann::json::parse(train.out, nullptr, false);
  ASSERT_TRUE(job.is_object()) << train.out << train.err;
  EXPECT_EQ(job["state"], "failed");
  EXPECT_EQ(job["error_code"], "RESOURCE_EXHAUSTED") << train.out;
  EXPECT_THAT(job["error"].get<std::string>(), HasSubstr("--recommender_memory_budget"));
  const std::string id = job["job_id"].get<std::string>();

  CommandResult get_json = Run({"--json", "jobs", "get", id});
  ASSERT_EQ(get_json.exit_code, 0) << get_json.err;
  const nlohmann::json got = nlohmann::json::parse(get_json.out, nullptr, false);
  ASSERT_TRUE(got.is_object()) << get_json.out;
  EXPECT_EQ(got["error_code"], "RESOURCE_EXHAUSTED") << get_json.out;

  CommandResult get_text = Run({"jobs", "get", id});
  ASSERT_EQ(get_text.exit_code, 0) << get_text.err;
  EXPECT_THAT(get_text.out, HasSubstr("error: RESOURCE_EXHAUSTED: "));
  EXPECT_THAT(get_text.out, HasSubstr("--recommender_memory_budget"));

  CommandResult list = Run({"jobs", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("RESOURCE_EXHAUSTED: "));
}

TEST_F(RecommenderCliTest, ProfileIdentityCreatedAfterTrainingGetsColdStartAnswer) {
  Import("events-jsonl",
         WriteFile("shop.jsonl", CustomerLine("c1", "Ayse", "Yilmaz", "2024-01-01T10:00:00Z") +
                                     CustomerLine("c2", "John", "Smith", "2024-01-01T10:00:00Z") +
                                     OrderLine("o1", "c1", {"A", "B"}, "2024-01-02T10:00:00Z") +
                                     OrderLine("o2", "c2", {"A", "C"}, "2024-01-03T10:00:00Z")));
  CommandResult train = Run({"--json", "jobs", "start", "train", "--models=popularity",
                             "--max-itemset-size=2", "--wait"});
  ASSERT_EQ(train.exit_code, 0) << train.err << train.out;

  // A customer identity resolves into a new profile after the training.
  Import("events-jsonl",
         WriteFile("new.jsonl", CustomerLine("c9", "Mehmet", "Demir", "2024-02-01T10:00:00Z")));
  CommandResult profile = Run({"--json", "profile", "get", "--source=web/c9"});
  ASSERT_EQ(profile.exit_code, 0) << profile.err;
  const std::string profile_id =
      nlohmann::json::parse(profile.out, nullptr, false)["profile"]["profile_id"]
          .get<std::string>();
  ASSERT_FALSE(profile_id.empty()) << profile.out;

  CommandResult cold = Run({"--json", "recommend", "--profile=" + profile_id, "-k", "2"});
  ASSERT_EQ(cold.exit_code, 0) << cold.err;
  const nlohmann::json answer = nlohmann::json::parse(cold.out, nullptr, false);
  EXPECT_FALSE(answer["personalized"].get<bool>()) << cold.out;
  EXPECT_THAT(answer["note"].get<std::string>(), HasSubstr("cold start"));
  ASSERT_EQ(answer["items"].size(), 2u) << cold.out;
  EXPECT_EQ(answer["items"][0]["sku"], "A");  // Both buyers had it.
  EXPECT_THAT(answer["items"][0]["reason"].get<std::string>(), ::testing::StartsWith("popular"));

  // A profile id nobody knows is still NOT_FOUND.
  for (const char* id : {"P999999999", "P-not-an-id"}) {
    CommandResult unknown = Run({"recommend", std::string("--profile=") + id});
    EXPECT_EQ(unknown.exit_code, 1) << id;
    EXPECT_THAT(unknown.err, HasSubstr("not known")) << id;
  }
}

// Issue 12, defect 12: an item the customer bought after the last training is no longer
// suggested (the exclusion reads the live purchase history, not only the snapshot's).
TEST_F(RecommenderCliTest, ItemBoughtAfterTrainingIsNoLongerRecommended) {
  Import("events-jsonl",
         WriteFile("shop.jsonl", CustomerLine("c1", "Ayse", "Yilmaz", "2024-01-01T10:00:00Z") +
                                     CustomerLine("c2", "John", "Smith", "2024-01-01T10:00:00Z") +
                                     CustomerLine("c3", "Elif", "Kaya", "2024-01-01T10:00:00Z") +
                                     CustomerLine("c4", "Can", "Celik", "2024-01-01T10:00:00Z") +
                                     OrderLine("o1", "c1", {"A"}, "2024-01-02T10:00:00Z") +
                                     OrderLine("o2", "c2", {"B", "C"}, "2024-01-03T10:00:00Z") +
                                     OrderLine("o3", "c3", {"B", "C"}, "2024-01-04T10:00:00Z") +
                                     OrderLine("o4", "c4", {"B", "D"}, "2024-01-05T10:00:00Z")));
  CommandResult train = Run({"--json", "jobs", "start", "train", "--models=popularity",
                             "--max-itemset-size=2", "--wait"});
  ASSERT_EQ(train.exit_code, 0) << train.err << train.out;
  auto skus = [this](const std::string& who) {
    std::vector<std::string> out;
    CommandResult r =
        Run({"--json", "recommend", "--source=" + who, "-k", "5", "--strategy=popularity"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json answer = nlohmann::json::parse(r.out, nullptr, false);
    if (!answer.is_object() || !answer.contains("items")) return out;
    for (const auto& item : answer["items"]) out.push_back(item["sku"].get<std::string>());
    return out;
  };
  // Popularity: B (3 buyers), C (2), then A and D (1 each); A is c1's in the snapshot.
  ASSERT_THAT(skus("web/c1"), ::testing::ElementsAre("B", "C", "D"));

  // c1 buys B after the training; the model is not retrained.
  Import("events-jsonl",
         WriteFile("new.jsonl", OrderLine("o9", "c1", {"B"}, "2024-02-01T10:00:00Z")));
  EXPECT_THAT(skus("web/c1"), ::testing::ElementsAre("C", "D"));
  // Another customer's answer is unchanged; --include-purchased still lists every item.
  EXPECT_THAT(skus("web/c4"), ::testing::ElementsAre("C", "A"));
  CommandResult all = Run({"--json", "recommend", "--source=web/c1", "-k", "5",
                           "--strategy=popularity", "--include-purchased"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(nlohmann::json::parse(all.out, nullptr, false)["items"].size(), 4u) << all.out;
  // One spelling of a source key: system/id.
  CommandResult colon = Run({"--json", "recommend", "--source=web:c1", "-k", "5"});
  EXPECT_EQ(colon.exit_code, 2) << colon.out;
  EXPECT_THAT(colon.err, ::testing::HasSubstr("--source: expected system/id, got 'web:c1'"));
}

}  // namespace
}  // namespace clientele::testing
