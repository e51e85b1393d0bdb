// People attached to the Online Retail sample's customers, their invoices spread over channels.
#include <map>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/scenario/online_retail_source.h"
#include "identity/scenario/scenario.h"
#include "tests/identity/scenario/scenario_test_util.h"

namespace clientele::identity::scenario {
namespace {

using common::v1::Event;

const std::string kSample = std::string(CLT_TEST_DATA_DIR) + "/online_retail_sample.csv";

class OnlineRetailAttachTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<RetailData> loaded = LoadOnlineRetail(kSample);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    retail_ = *std::move(loaded);
    ASSERT_GT(retail_.customers.size(), 20u);
    for (const RetailCustomer& c : retail_.customers) orders_ += c.orders.size();
  }

  RetailData retail_;
  size_t orders_ = 0;
};

TEST_F(OnlineRetailAttachTest, LoadsCustomersAndOrdersAsTheImporterBuildsThem) {
  EXPECT_EQ(retail_.system, "online_retail");
  EXPECT_GT(retail_.rows, 0);
  for (const RetailCustomer& c : retail_.customers) {
    EXPECT_FALSE(c.customer_id.empty());
    EXPECT_FALSE(c.upserts.empty()) << c.customer_id;
    for (const Event& order : c.orders) EXPECT_EQ(order.order().customer().id(), c.customer_id);
  }
  EXPECT_FALSE(LoadOnlineRetail(kSample + ".missing").ok());
}

TEST_F(OnlineRetailAttachTest, EveryCustomerBecomesAPersonWithItsInvoicesSpreadOverChannels) {
  ScenarioOptions options;
  options.people = 0;  // One per customer.
  options.seed = 3;
  absl::StatusOr<testing::Generated> g = testing::Generate(options, &retail_);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->stats.people, static_cast<int64_t>(retail_.customers.size()));
  EXPECT_EQ(g->stats.attached_customers, g->stats.people);
  EXPECT_EQ(g->stats.orders, static_cast<int64_t>(orders_ + retail_.guest_orders.size()));

  const auto owners = testing::RecordOwners(g->records);
  std::map<std::string, int64_t> person_of_customer;
  for (const auto& [key, owner] : owners) {
    if (key.rfind("online_retail/", 0) == 0) person_of_customer[key.substr(14)] = owner.first;
  }
  // Customer i is person i, and its online_retail record is one of the person's.
  for (size_t i = 0; i < retail_.customers.size(); ++i) {
    ASSERT_TRUE(person_of_customer.count(retail_.customers[i].customer_id));
    EXPECT_EQ(person_of_customer[retail_.customers[i].customer_id], static_cast<int64_t>(i));
  }
  std::set<std::string> invoices, systems;
  int64_t upserts_with_email = 0;
  for (const Event& e : testing::ParseEvents(g->events)) {
    if (e.has_customer_upsert() && e.source().system() == "online_retail") {
      upserts_with_email += !e.customer_upsert().email().empty();
      EXPECT_FALSE(e.customer_upsert().address().country().empty());
    }
    if (!e.has_order()) continue;
    EXPECT_TRUE(invoices.insert(e.order().order_id()).second) << "invoice twice";
    if (!e.order().has_customer()) continue;  // A guest order, as the importer built it.
    const std::string customer = testing::KeyOf(e.order().customer());
    ASSERT_TRUE(owners.contains(customer)) << customer;
    EXPECT_EQ(e.source().system(), e.order().customer().system());
    EXPECT_EQ(e.event_id(), e.source().system() + "/order/" + e.order().order_id());
    EXPECT_GT(e.order().lines_size(), 0);
    systems.insert(e.source().system());
  }
  EXPECT_EQ(invoices.size(), orders_ + retail_.guest_orders.size());
  EXPECT_GT(upserts_with_email, static_cast<int64_t>(retail_.customers.size()) / 2);
  // Invoices moved to other channels: the omnichannel part.
  EXPECT_TRUE(systems.count("online_retail"));
  EXPECT_GE(systems.size(), 3u);
}

TEST_F(OnlineRetailAttachTest, FewerPeopleLeaveTheOtherCustomersAsImported) {
  ScenarioOptions options;
  options.people = 5;
  options.seed = 3;
  absl::StatusOr<testing::Generated> g = testing::Generate(options, &retail_);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->stats.attached_customers, 5);
  EXPECT_EQ(g->stats.orders, static_cast<int64_t>(orders_ + retail_.guest_orders.size()));
  // The sixth customer's events are the importer's own.
  const RetailCustomer& sixth = retail_.customers[5];
  bool found = false;
  for (const Event& e : testing::ParseEvents(g->events)) {
    found |= e.event_id() == sixth.upserts[0].event_id();
  }
  EXPECT_TRUE(found);
}

TEST_F(OnlineRetailAttachTest, UkCustomersGetEnglishNames) {
  ScenarioOptions options;
  options.people = 0;
  options.people_options.turkish_share = 1.0;  // Would make everyone Turkish.
  // A household takes its first member's locale; single households keep this test exact.
  options.people_options.family_share = 0;
  absl::StatusOr<testing::Generated> g = testing::Generate(options, &retail_);
  ASSERT_TRUE(g.ok());
  std::map<std::string, std::string> country_of;
  for (const RetailCustomer& c : retail_.customers) country_of[c.customer_id] = c.country;
  int64_t uk = 0;
  for (const Event& e : testing::ParseEvents(g->events)) {
    if (!e.has_customer_upsert() || e.source().system() != "online_retail") continue;
    const bool from_uk = country_of[e.source().id()] == "United Kingdom";
    uk += from_uk;
    EXPECT_EQ(e.customer_upsert().address().country_code(), from_uk ? "GB" : "TR");
  }
  EXPECT_GT(uk, 0);
}

}  // namespace
}  // namespace clientele::identity::scenario
