// The validator's money bounds are what makes analytics' exact int64 sums safe: every order it
// accepts can be added to a customer's aggregate, even at the finest price scale, many times.
#include <cstdint>
#include <optional>

#include "absl/time/time.h"
#include "analytics/aggregates/customer_aggregate.h"
#include "gtest/gtest.h"
#include "ingest/validation/event_validator.h"
#include "tests/ingest/validation/test_events.h"

namespace clientele::ingest {
namespace {

using common::v1::Event;
using testing_events::kNow;

// A valid order of one line: `quantity` x `minor_units` / 10^`extra_decimals` TRY.
Event OneLineOrder(int64_t quantity, int64_t minor_units, uint32_t extra_decimals) {
  Event event = testing_events::ValidOrderEvent();
  event.mutable_order()->mutable_lines()->DeleteSubrange(1, 2);
  common::v1::OrderLine* line = event.mutable_order()->mutable_lines(0);
  line->set_quantity(quantity);
  line->mutable_unit_price()->set_minor_units(minor_units);
  line->mutable_unit_price()->set_extra_decimals(extra_decimals);
  return event;
}

TEST(MoneyBoundsTest, OrdersAtTheBoundSumExactlyAtTheFinestScaleManyTimes) {
  // 10^7 x 10^9 / 10^6 = 10^10 minor units: the default line and order bound.
  const Event largest = OneLineOrder(10'000'000, 1'000'000'000, 6);
  ASSERT_EQ(ValidateEvent(largest, kNow), std::nullopt);
  ValidationLimits limits;
  const int64_t finest_units_per_order = limits.max_order_total_minor * 1'000'000;
  const int64_t orders = INT64_MAX / finest_units_per_order;
  EXPECT_GE(orders, 922);
  analytics::CustomerOrderAggregate aggregate;
  for (int64_t i = 0; i < orders; ++i) {
    ASSERT_TRUE(aggregate.AddOrder(largest.order(), absl::FromUnixSeconds(1'700'000'000)).ok())
        << "order " << i;
  }
  EXPECT_EQ(aggregate.scale(), 6u);
  EXPECT_EQ(aggregate.gross_revenue(), orders * finest_units_per_order);
}

// Issue 12, defect 5: this order passed validation and then overflowed the customer's sum, so
// analytics dropped the customer from RFM.
TEST(MoneyBoundsTest, TheOrderThatOverflowedAnalyticsIsRejectedByValidation) {
  const Event event = OneLineOrder(10'000'000, 100'000'000'000'000'000, 6);
  analytics::CustomerOrderAggregate aggregate;
  EXPECT_FALSE(aggregate.AddOrder(event.order(), absl::FromUnixSeconds(1'700'000'000)).ok());
  std::optional<Rejection> rejection = ValidateEvent(event, kNow);
  ASSERT_TRUE(rejection.has_value());
  EXPECT_EQ(rejection->field, "order.lines[0]");
  EXPECT_EQ(rejection->code, "out_of_range");
}

}  // namespace
}  // namespace clientele::ingest
