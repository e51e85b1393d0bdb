// The order history behind AnalyticsService.ListCustomerOrders: applied from the log into a
// real RocksDB store, read back through AnalyticsQueries.
#include <string>
#include <vector>

#include "analytics/analytics_applier.h"
#include "analytics/analytics_queries.h"
#include "analytics/orders/customer_order.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/analytics/analytics_test_util.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Key;
using testing::OrderEntry;

const absl::Time kDay1 = absl::FromUnixSeconds(1700000000);
const absl::Time kDay2 = kDay1 + absl::Hours(24);
const absl::Time kDay3 = kDay2 + absl::Hours(24);

class CustomerOrdersTest : public ::testing::Test {
 protected:
  CustomerOrdersTest()
      : kv_(testing::OpenAnalyticsKv(dir_.Sub("db"))),
        store_(kv_.get()),
        applier_(&store_),
        queries_(&store_) {}

  std::vector<std::string> OrderIds(const std::vector<std::string>& customers, int limit) {
    v1::ListCustomerOrdersRequest request;
    for (const std::string& c : customers) *request.add_source_keys() = Key(c);
    request.set_limit(limit);
    absl::StatusOr<v1::ListCustomerOrdersResponse> response = queries_.ListCustomerOrders(request);
    EXPECT_THAT(response, IsOk());
    std::vector<std::string> ids;
    if (response.ok()) {
      for (const v1::CustomerOrder& o : response->orders()) ids.push_back(o.order_id());
    }
    return ids;
  }

  ::clientele::testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> kv_;
  AnalyticsStore store_;
  AnalyticsApplier applier_;
  AnalyticsQueries queries_;
};

TEST_F(CustomerOrdersTest, ListsNewestFirstAcrossTheGivenKeys) {
  ASSERT_THAT(testing::ApplyAndCommit(applier_, *kv_,
                                      {OrderEntry(1, "c1", "o1", kDay1, {{2, 150}}),
                                       OrderEntry(2, "c2", "o2", kDay3, {{1, 1000}}),
                                       OrderEntry(3, "c1", "o3", kDay2, {{1, 99}}),
                                       OrderEntry(4, "c3", "o4", kDay3, {{1, 5}})}),
              IsOk());
  EXPECT_THAT(OrderIds({"c1", "c2"}, 0), ElementsAre("o2", "o3", "o1"));
  EXPECT_THAT(OrderIds({"c1", "c2"}, 2), ElementsAre("o2", "o3"));
  EXPECT_THAT(OrderIds({"c3"}, 0), ElementsAre("o4"));
}

TEST_F(CustomerOrdersTest, AKeyDoesNotSeeTheOrdersOfAKeyItPrefixes) {
  ASSERT_THAT(testing::ApplyAndCommit(applier_, *kv_,
                                      {OrderEntry(1, "c1", "o1", kDay1, {{1, 100}}),
                                       OrderEntry(2, "c10", "o2", kDay2, {{1, 100}})}),
              IsOk());
  EXPECT_THAT(OrderIds({"c1"}, 0), ElementsAre("o1"));
  EXPECT_THAT(OrderIds({"c10"}, 0), ElementsAre("o2"));
  EXPECT_THAT(OrderIds({"c"}, 0), ElementsAre());
}

TEST_F(CustomerOrdersTest, KeepsLinesTimeAndExactTotal) {
  ASSERT_THAT(testing::ApplyAndCommit(applier_, *kv_,
                                      {OrderEntry(1, "c1", "o1", kDay1, {{2, 150}, {3, 1000}})}),
              IsOk());
  v1::ListCustomerOrdersRequest request;
  *request.add_source_keys() = Key("c1");
  absl::StatusOr<v1::ListCustomerOrdersResponse> response = queries_.ListCustomerOrders(request);
  ASSERT_THAT(response, IsOk());
  ASSERT_EQ(response->orders_size(), 1);
  const v1::CustomerOrder& order = response->orders(0);
  EXPECT_EQ(order.customer().id(), "c1");
  EXPECT_EQ(order.occurred_at().seconds(), absl::ToUnixSeconds(kDay1));
  EXPECT_EQ(order.lines_size(), 2);
  EXPECT_EQ(order.units(), 5);
  EXPECT_EQ(order.total().minor_units(), 2 * 150 + 3 * 1000);
  EXPECT_EQ(order.total().currency_code(), "GBP");
}

TEST_F(CustomerOrdersTest, AnOrderTheAggregateRefusesIsStillInTheHistory) {
  ASSERT_THAT(testing::ApplyAndCommit(applier_, *kv_,
                                      {OrderEntry(1, "c1", "o1", kDay1, {{1, 100}}),
                                       OrderEntry(2, "c1", "o2", kDay2, {{1, 100}}, false, "EUR")}),
              IsOk());
  EXPECT_EQ(applier_.skipped_orders(), 1);
  EXPECT_THAT(OrderIds({"c1"}, 0), ElementsAre("o2", "o1"));
}

TEST_F(CustomerOrdersTest, BadRequestsNameTheField) {
  v1::ListCustomerOrdersRequest request;
  EXPECT_THAT(queries_.ListCustomerOrders(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("source_keys")));
  *request.add_source_keys() = Key("c1");
  request.add_source_keys()->set_system("shop");
  EXPECT_THAT(queries_.ListCustomerOrders(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("source_keys[1]")));
  request.mutable_source_keys()->RemoveLast();
  request.set_limit(-1);
  EXPECT_THAT(queries_.ListCustomerOrders(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("limit")));
}

TEST(CustomerOrderOfTest, TotalIsUnsetWhenLinesDisagreeOnCurrency) {
  common::v1::Event event;
  common::v1::Order& order = *event.mutable_order();
  order.set_order_id("o1");
  *order.mutable_customer() = Key("c1");
  for (const char* currency : {"GBP", "EUR"}) {
    common::v1::OrderLine* line = order.add_lines();
    line->set_quantity(1);
    line->mutable_unit_price()->set_minor_units(100);
    line->mutable_unit_price()->set_currency_code(currency);
  }
  std::optional<v1::CustomerOrder> kept = CustomerOrderOf(event);
  ASSERT_TRUE(kept.has_value());
  EXPECT_FALSE(kept->has_total());
  order.clear_customer();
  EXPECT_FALSE(CustomerOrderOf(event).has_value());
}

TEST(CustomerOrderOfTest, TotalUsesTheFinestScale) {
  common::v1::Event event;
  common::v1::Order& order = *event.mutable_order();
  *order.mutable_customer() = Key("c1");
  common::v1::OrderLine* a = order.add_lines();
  a->set_quantity(2);
  a->mutable_unit_price()->set_minor_units(255);  // 2.55
  a->mutable_unit_price()->set_currency_code("GBP");
  common::v1::OrderLine* b = order.add_lines();
  b->set_quantity(10);
  b->mutable_unit_price()->set_minor_units(1);  // 0.001
  b->mutable_unit_price()->set_currency_code("GBP");
  b->mutable_unit_price()->set_extra_decimals(1);
  std::optional<v1::CustomerOrder> kept = CustomerOrderOf(event);
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->total().minor_units(), 2 * 2550 + 10 * 1);
  EXPECT_EQ(kept->total().extra_decimals(), 1u);
}

}  // namespace
}  // namespace clientele::analytics
