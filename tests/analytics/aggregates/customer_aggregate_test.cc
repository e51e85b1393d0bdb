#include "analytics/aggregates/customer_aggregate.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

absl::Time Day(int d) { return absl::FromCivil(absl::CivilDay(2011, 1, d), absl::UTCTimeZone()); }

struct Line {
  int64_t quantity;
  int64_t minor_units;
  uint32_t extra_decimals = 0;
  std::string category = "";
  std::string currency = "GBP";
};

common::v1::Order MakeOrder(bool cancellation, std::initializer_list<Line> lines) {
  common::v1::Order order;
  order.set_order_id("o");
  order.set_cancellation(cancellation);
  for (const Line& l : lines) {
    common::v1::OrderLine* line = order.add_lines();
    line->set_sku("sku");
    line->set_quantity(l.quantity);
    line->mutable_unit_price()->set_minor_units(l.minor_units);
    line->mutable_unit_price()->set_extra_decimals(l.extra_decimals);
    line->mutable_unit_price()->set_currency_code(l.currency);
    line->set_category(l.category);
  }
  return order;
}

TEST(CustomerOrderAggregateTest, NotebookLeavesOutCancellationsAndNonPositiveLines) {
  CustomerOrderAggregate agg;
  // 2 x 2.55 + 1 x 10.00 ; a zero-price line and a negative-quantity line are not kept.
  ASSERT_THAT(agg.AddOrder(MakeOrder(false, {{2, 255}, {1, 1000}, {3, 0}, {-1, 255}}), Day(5)),
              IsOk());
  // An order of only non-kept lines: counts under net, not under notebook.
  ASSERT_THAT(agg.AddOrder(MakeOrder(false, {{5, 0}}), Day(9)), IsOk());
  // A cancellation of one 10.00 item.
  ASSERT_THAT(agg.AddOrder(MakeOrder(true, {{-1, 1000}}), Day(12)), IsOk());

  const ConventionTotals& nb = agg.totals(RfmConvention::kNotebook);
  EXPECT_EQ(nb.orders, 1);
  EXPECT_EQ(nb.monetary, 2 * 255 + 1000);
  EXPECT_EQ(nb.first_purchase, Day(5));
  EXPECT_EQ(nb.last_purchase, Day(5));

  const ConventionTotals& net = agg.totals(RfmConvention::kNet);
  EXPECT_EQ(net.orders, 2);  // The cancellation is not a purchase.
  EXPECT_EQ(net.monetary, 2 * 255 + 1000 - 255 - 1000);
  EXPECT_EQ(net.first_purchase, Day(5));
  EXPECT_EQ(net.last_purchase, Day(9));

  EXPECT_EQ(agg.gross_revenue(), 1510);
  EXPECT_EQ(agg.cancelled_revenue(), 1000);
  EXPECT_EQ(agg.net_revenue(), 255);
  EXPECT_EQ(agg.units_purchased(), 3);
  EXPECT_EQ(agg.units_returned(), 2);
  EXPECT_EQ(agg.kept_lines(), 2);
  EXPECT_EQ(agg.return_lines(), 2);
  EXPECT_EQ(agg.orders_seen(), 3);
  EXPECT_EQ(agg.cancellation_orders(), 1);
  EXPECT_EQ(agg.currency(), "GBP");
}

TEST(CustomerOrderAggregateTest, OrdersInAnyOrderGiveTheSameAggregate) {
  const common::v1::Order a = MakeOrder(false, {{1, 100, 0, "toys"}});
  const common::v1::Order b = MakeOrder(false, {{3, 5, 1, "toys"}, {1, 7, 0, "books"}});
  const common::v1::Order c = MakeOrder(true, {{-1, 100}});
  CustomerOrderAggregate x, y;
  ASSERT_THAT(x.AddOrder(a, Day(3)), IsOk());
  ASSERT_THAT(x.AddOrder(b, Day(1)), IsOk());
  ASSERT_THAT(x.AddOrder(c, Day(7)), IsOk());
  ASSERT_THAT(y.AddOrder(c, Day(7)), IsOk());
  ASSERT_THAT(y.AddOrder(b, Day(1)), IsOk());
  ASSERT_THAT(y.AddOrder(a, Day(3)), IsOk());
  EXPECT_TRUE(x == y);
  EXPECT_EQ(x.totals(RfmConvention::kNotebook).first_purchase, Day(1));
  EXPECT_EQ(x.totals(RfmConvention::kNotebook).last_purchase, Day(3));
}

TEST(CustomerOrderAggregateTest, SubMinorPricesAreSummedExactly) {
  CustomerOrderAggregate agg;
  // 1.00 GBP, then 3 x 0.001 GBP (extra_decimals 1): the sum is 1.003 GBP exactly.
  ASSERT_THAT(agg.AddOrder(MakeOrder(false, {{1, 100, 0, "a"}}), Day(1)), IsOk());
  ASSERT_THAT(agg.AddOrder(MakeOrder(false, {{3, 1, 1, "a"}}), Day(2)), IsOk());
  EXPECT_EQ(agg.scale(), 1u);
  EXPECT_EQ(agg.gross_revenue(), 1003);
  EXPECT_EQ(agg.spend_by_category().at("a"), 1003);
  EXPECT_DOUBLE_EQ(agg.MajorUnits(agg.gross_revenue()), 1.003);
}

TEST(CustomerOrderAggregateTest, SpendByCategoryCountsKeptLinesWithACategory) {
  CustomerOrderAggregate agg;
  ASSERT_THAT(
      agg.AddOrder(MakeOrder(false, {{2, 100, 0, "toys"}, {1, 50, 0, ""}, {1, 30, 0, "books"}}),
                   Day(1)),
      IsOk());
  ASSERT_THAT(agg.AddOrder(MakeOrder(true, {{-1, 100, 0, "toys"}}), Day(2)), IsOk());
  EXPECT_EQ(agg.spend_by_category().size(), 2u);
  EXPECT_EQ(agg.spend_by_category().at("toys"), 200);
  EXPECT_EQ(agg.spend_by_category().at("books"), 30);
}

TEST(CustomerOrderAggregateTest, ToRfmInputUsesMajorUnitsAndTheConvention) {
  CustomerOrderAggregate agg;
  EXPECT_FALSE(agg.ToRfmInput("c1", RfmConvention::kNotebook).has_value());
  ASSERT_THAT(agg.AddOrder(MakeOrder(false, {{2, 255}}), Day(4)), IsOk());
  ASSERT_THAT(agg.AddOrder(MakeOrder(true, {{-1, 255}}), Day(6)), IsOk());
  std::optional<CustomerAggregate> nb = agg.ToRfmInput("c1", RfmConvention::kNotebook);
  ASSERT_TRUE(nb.has_value());
  EXPECT_EQ(nb->key, "c1");
  EXPECT_EQ(nb->frequency, 1);
  EXPECT_DOUBLE_EQ(nb->monetary, 5.10);
  EXPECT_EQ(nb->last_purchase, Day(4));
  std::optional<CustomerAggregate> net = agg.ToRfmInput("c1", RfmConvention::kNet);
  ASSERT_TRUE(net.has_value());
  EXPECT_DOUBLE_EQ(net->monetary, 2.55);
}

TEST(CustomerOrderAggregateTest, OnlyCancellationsGiveNoRfmRow) {
  CustomerOrderAggregate agg;
  ASSERT_THAT(agg.AddOrder(MakeOrder(true, {{-2, 255}}), Day(4)), IsOk());
  EXPECT_FALSE(agg.ToRfmInput("c", RfmConvention::kNotebook).has_value());
  EXPECT_FALSE(agg.ToRfmInput("c", RfmConvention::kNet).has_value());
  EXPECT_EQ(agg.net_revenue(), -510);
  EXPECT_EQ(agg.cancelled_revenue(), 510);
}

TEST(CustomerOrderAggregateTest, BadLinesAreRejectedAndLeaveItUnchanged) {
  CustomerOrderAggregate agg;
  ASSERT_THAT(agg.AddOrder(MakeOrder(false, {{1, 100}}), Day(1)), IsOk());
  const CustomerOrderAggregate before = agg;
  EXPECT_THAT(agg.AddOrder(MakeOrder(false, {{1, 100}, {1, 5, 0, "", "EUR"}}), Day(2)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("order.lines[1].unit_price.currency_code")));
  EXPECT_THAT(agg.AddOrder(MakeOrder(false, {{1, -5}}), Day(2)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("order.lines[0].unit_price.minor_units")));
  EXPECT_THAT(agg.AddOrder(MakeOrder(false, {{1, 5, 7}}), Day(2)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("extra_decimals")));
  CustomerOrderAggregate fresh;
  EXPECT_THAT(fresh.AddOrder(MakeOrder(false, {{1, 5, 0, "", "XYZ"}}), Day(2)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown currency")));
  EXPECT_TRUE(agg == before);
}

TEST(CustomerOrderAggregateTest, OverflowIsAnErrorNotWrapAround) {
  CustomerOrderAggregate agg;
  const int64_t big = int64_t{1} << 40;
  ASSERT_THAT(agg.AddOrder(MakeOrder(false, {{big, big}}), Day(1)),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("overflows")));
  EXPECT_EQ(agg.orders_seen(), 0);
}

TEST(CustomerOrderAggregateTest, EncodeDecodeRoundTrips) {
  CustomerOrderAggregate agg;
  ASSERT_THAT(agg.AddOrder(MakeOrder(false, {{2, 255, 0, "toys"}, {1, 3, 2, "books"}}),
                           Day(3) + absl::Nanoseconds(123)),
              IsOk());
  ASSERT_THAT(agg.AddOrder(MakeOrder(true, {{-1, 255}}), Day(9)), IsOk());
  absl::StatusOr<CustomerOrderAggregate> back = CustomerOrderAggregate::Decode(agg.Encode());
  ASSERT_THAT(back, IsOk());
  EXPECT_TRUE(*back == agg);
  EXPECT_EQ(back->totals(RfmConvention::kNotebook).first_purchase, Day(3) + absl::Nanoseconds(123));

  absl::StatusOr<CustomerOrderAggregate> empty =
      CustomerOrderAggregate::Decode(CustomerOrderAggregate().Encode());
  ASSERT_THAT(empty, IsOk());
  EXPECT_TRUE(*empty == CustomerOrderAggregate());
}

TEST(CustomerOrderAggregateTest, CorruptBytesAreDataLoss) {
  CustomerOrderAggregate agg;
  ASSERT_THAT(agg.AddOrder(MakeOrder(false, {{2, 255, 0, "toys"}}), Day(3)), IsOk());
  const std::string bytes = agg.Encode();
  EXPECT_THAT(CustomerOrderAggregate::Decode(""),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("empty")));
  EXPECT_THAT(CustomerOrderAggregate::Decode(std::string("\x09", 1) + bytes.substr(1)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("version")));
  for (size_t cut = 1; cut < bytes.size(); ++cut) {
    EXPECT_THAT(CustomerOrderAggregate::Decode(bytes.substr(0, cut)),
                StatusIs(absl::StatusCode::kDataLoss, ::testing::_))
        << "cut at " << cut;
  }
  EXPECT_THAT(CustomerOrderAggregate::Decode(bytes + "x"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("trailing")));
}

TEST(RfmConventionTest, NamesRoundTripAndUnknownIsInvalid) {
  EXPECT_EQ(RfmConventionName(RfmConvention::kNotebook), "notebook");
  EXPECT_EQ(*ParseRfmConvention("net"), RfmConvention::kNet);
  EXPECT_THAT(ParseRfmConvention("gross"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("convention")));
}

}  // namespace
}  // namespace clientele::analytics
