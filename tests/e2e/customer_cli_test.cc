// `clientele customer get`: its command-line rules (no server needed), and the Customer 360
// against a real `clienteled` (every component in one process).
#include <fstream>
#include <memory>
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

std::string Cli() { return std::string(CLT_BIN_DIR) + "/clientele"; }

TEST(CustomerCliUsageTest, ExactlyOneLookupFlagElseExit2) {
  // Port 1: nothing listens; a usage error must exit before any call.
  const std::string server = "--server=127.0.0.1:1";
  CommandResult none = RunCommand({Cli(), server, "customer", "get"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("exactly one of --email, --phone, --id, --source"));
  CommandResult two =
      RunCommand({Cli(), server, "customer", "get", "--email=a@example.com", "--id=P1"});
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_THAT(two.err, HasSubstr("--email"));
  CommandResult bad_source = RunCommand({Cli(), server, "customer", "get", "--source=pos:17"});
  EXPECT_EQ(bad_source.exit_code, 2);
  EXPECT_THAT(bad_source.err, HasSubstr("--source"));
  CommandResult bad_limit =
      RunCommand({Cli(), server, "customer", "get", "--id=P1", "--orders=1000"});
  EXPECT_EQ(bad_limit.exit_code, 2);
}

TEST(CustomerCliUsageTest, AServerThatIsDownIsAFailedCall) {
  CommandResult down = RunCommand({Cli(), "--server=127.0.0.1:1", "customer", "get", "--id=P1"});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_THAT(down.err, HasSubstr("clientele customer get: UNAVAILABLE"));
}

// The Customer 360 against a real clienteled (events imported, RFM scored, a model trained),
// its CustomerService served by tests/e2e/customer360_server_main.cc over clienteled's address.
class CustomerCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer(CLT_BIN_DIR, dir_.Sub("data"));
    ASSERT_FALSE(server_.address.empty()) << "clienteled did not start";
    const std::string port_file = dir_.Sub("customer360.port");
    customers_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{CLT_TEST_BIN_DIR "/customer360_server",
                                 "--backend=" + server_.address, "--port_file=" + port_file});
    ASSERT_TRUE(PollUntil([&] {
      std::ifstream in(port_file);
      return static_cast<bool>(in >> customers_address_);
    })) << "customer360_server did not start";
    const std::string events = dir_.Sub("events.jsonl");
    std::ofstream(events)
        << Customer("c1", "ada@example.com", "Ada") << Customer("c2", "bob@example.com", "Bob")
        << R"({"eventId":"consent/c1","channel":"CHANNEL_ONLINE_SHOP","source":{"system":"web_shop","id":"c1"},"occurredAt":"2024-01-01T00:00:30Z","consentChange":{"purpose":"CONSENT_PURPOSE_PROFILING","status":"CONSENT_STATUS_GRANTED"}})"
        << "\n"
        << Order("o1", "c1", "2024-01-02T10:00:00Z", {"SKU-A", "SKU-B"})
        << Order("o2", "c1", "2024-01-05T10:00:00Z", {"SKU-C"})
        << Order("o3", "c2", "2024-01-03T10:00:00Z", {"SKU-A", "SKU-C", "SKU-D"})
        << Order("o4", "c2", "2024-01-04T10:00:00Z", {"SKU-B", "SKU-D"});
    for (std::vector<std::string> args :
         {std::vector<std::string>{"import", "--format=events-jsonl", events},
          {"sync", "--timeout=60"},
          {"jobs", "start", "rfm", "--wait"},
          {"jobs", "start", "train", "--models=popularity,item_cf", "--wait"}}) {
      CommandResult r = Run(args);
      ASSERT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    }
  }
  static std::string Customer(const std::string& id, const std::string& email,
                              const std::string& name) {
    return R"({"eventId":"customer/)" + id +
           R"(","channel":"CHANNEL_ONLINE_SHOP","source":{"system":"web_shop","id":")" + id +
           R"("},"occurredAt":"2024-01-01T00:00:00Z","customerUpsert":{"email":")" + email +
           R"(","givenName":")" + name + "\"}}\n";
  }
  static std::string Order(const std::string& id, const std::string& customer,
                           const std::string& at, const std::vector<std::string>& skus) {
    std::string lines;
    for (const std::string& sku : skus) {
      if (!lines.empty()) lines += ",";
      lines += R"({"sku":")" + sku +
               R"(","quantity":"1","unitPrice":{"minorUnits":"1250","currencyCode":"TRY"}})";
    }
    return R"({"eventId":"order/)" + id +
           R"(","channel":"CHANNEL_ONLINE_SHOP","source":{"system":"web_shop","id":")" + id +
           R"("},"occurredAt":")" + at + R"(","order":{"orderId":")" + id +
           R"(","customer":{"system":"web_shop","id":")" + customer + R"("},"lines":[)" + lines +
           "]}}\n";
  }
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {Cli(), "--server=" + server_.address});
    return RunCommand(args);
  }
  CommandResult Customer360(std::vector<std::string> args) {
    args.insert(args.begin(), {Cli(), "--server=" + customers_address_});
    return RunCommand(args);
  }

  TempDir dir_;
  ServerProcess server_;
  std::unique_ptr<ChildProcess> customers_;
  std::string customers_address_;
};

TEST_F(CustomerCliTest, JsonHasEveryPartWithItsStatus) {
  CommandResult get = Customer360({"--json", "customer", "get", "--email=ada@example.com"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  const nlohmann::json j = nlohmann::json::parse(get.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << get.out;
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  EXPECT_THAT(keys, ::testing::UnorderedElementsAre("profile", "consents", "rfm", "orders",
                                                    "recommendations", "status"));
  for (const char* part : {"profile", "consents", "rfm", "orders", "recommendations"}) {
    EXPECT_EQ(j["status"][part]["code"], "OK") << part << ": " << j["status"][part];
  }
  EXPECT_EQ(j["profile"]["golden"]["record"]["email"], "ada@example.com");
  ASSERT_EQ(j["orders"].size(), 2u) << get.out;
  EXPECT_EQ(j["orders"][0]["order_id"], "o2");
  EXPECT_EQ(j["rfm"]["frequency"], 2);
  EXPECT_FALSE(j["rfm"]["segment"].get<std::string>().empty());
  ASSERT_FALSE(j["recommendations"].empty()) << get.out;
  EXPECT_EQ(j["recommendations"][0]["sku"], "SKU-D");
  ASSERT_EQ(j["consents"].size(), 1u);
  EXPECT_EQ(j["consents"][0]["purpose"], "CONSENT_PURPOSE_PROFILING");
}

TEST_F(CustomerCliTest, TextShowsEachPartAndAnUnknownCustomerFails) {
  CommandResult get = Customer360({"customer", "get", "--source=web_shop/c1", "--orders=1"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_THAT(get.out, HasSubstr("ada@example.com"));
  EXPECT_THAT(get.out, HasSubstr("segment"));
  EXPECT_THAT(get.out, HasSubstr("o2"));
  EXPECT_THAT(get.out, ::testing::Not(HasSubstr("o1")));
  EXPECT_THAT(get.out, HasSubstr("SKU-D"));
  CommandResult unknown = Customer360({"customer", "get", "--email=nobody@example.com"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("NOT_FOUND"));
}

}  // namespace
}  // namespace clientele::testing
