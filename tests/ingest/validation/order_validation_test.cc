// Order payload rules: ids, customer key, line count, and per line sku, quantity and
// unit price (currency, one currency per order, sign, bound, extra_decimals).
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/validation/event_validator.h"
#include "tests/ingest/validation/test_events.h"

namespace clientele::ingest {
namespace {

using common::v1::Event;
using common::v1::OrderLine;
using ::testing::HasSubstr;
using ::testing::ValuesIn;
using testing_events::ExpectRejected;
using testing_events::kNow;
using testing_events::Mutation;
using testing_events::MutationName;

OrderLine* Line(Event& e, int i) { return e.mutable_order()->mutable_lines(i); }

std::vector<Mutation> OrderMutations() {
  return {
      {"SourceMissing", [](Event& e) { e.clear_source(); }, "source", "required"},
      {"OrderIdMissing", [](Event& e) { e.mutable_order()->clear_order_id(); }, "order.order_id",
       "required"},
      {"OrderIdTooLong", [](Event& e) { e.mutable_order()->set_order_id(std::string(129, 'o')); },
       "order.order_id", "too_long"},
      {"StoreIdWithNul", [](Event& e) { e.mutable_order()->set_store_id(std::string("a\0b", 3)); },
       "order.store_id", "invalid_format"},
      {"CountryInvalidUtf8", [](Event& e) { e.mutable_order()->set_country("T\xfcrkiye"); },
       "order.country", "invalid_utf8"},
      {"CustomerSystemMissing",
       [](Event& e) { e.mutable_order()->mutable_customer()->clear_system(); },
       "order.customer.system", "required"},
      {"CustomerSystemUppercase",
       [](Event& e) { e.mutable_order()->mutable_customer()->set_system("POS"); },
       "order.customer.system", "invalid_format"},
      {"CustomerIdMissing", [](Event& e) { e.mutable_order()->mutable_customer()->clear_id(); },
       "order.customer.id", "required"},
      {"NoLines", [](Event& e) { e.mutable_order()->clear_lines(); }, "order.lines", "required"},
      {"TooManyLines",
       [](Event& e) {
         const OrderLine line = e.order().lines(0);
         while (e.order().lines_size() <= 10000) *e.mutable_order()->add_lines() = line;
       },
       "order.lines", "too_many"},
      {"SkuMissing", [](Event& e) { Line(e, 1)->clear_sku(); }, "order.lines[1].sku", "required"},
      {"SkuTooLong", [](Event& e) { Line(e, 2)->set_sku(std::string(129, 's')); },
       "order.lines[2].sku", "too_long"},
      {"DescriptionTooLong", [](Event& e) { Line(e, 0)->set_description(std::string(1025, 'd')); },
       "order.lines[0].description", "too_long"},
      {"DescriptionInvalidUtf8", [](Event& e) { Line(e, 1)->set_description("kupa \xc0\xaf"); },
       "order.lines[1].description", "invalid_utf8"},
      {"DescriptionWithControlChar", [](Event& e) { Line(e, 1)->set_description("kupa\x01"); },
       "order.lines[1].description", "invalid_format"},
      {"QuantityZero", [](Event& e) { Line(e, 2)->set_quantity(0); }, "order.lines[2].quantity",
       "required"},
      {"QuantityTooLarge", [](Event& e) { Line(e, 2)->set_quantity(10'000'001); },
       "order.lines[2].quantity", "out_of_range"},
      {"QuantityTooNegative", [](Event& e) { Line(e, 2)->set_quantity(-10'000'001); },
       "order.lines[2].quantity", "out_of_range"},
      {"QuantityInt64Min",
       [](Event& e) { Line(e, 0)->set_quantity(std::numeric_limits<int64_t>::min()); },
       "order.lines[0].quantity", "out_of_range"},
      {"CancellationWithPositiveQuantity",
       [](Event& e) {
         e.mutable_order()->set_cancellation(true);
         for (OrderLine& line : *e.mutable_order()->mutable_lines()) {
           line.set_quantity(-std::abs(line.quantity()));
         }
         Line(e, 1)->set_quantity(3);
       },
       "order.lines[1].quantity", "out_of_range"},
      {"UnitPriceMissing", [](Event& e) { Line(e, 1)->clear_unit_price(); },
       "order.lines[1].unit_price", "required"},
      {"CurrencyMissing", [](Event& e) { Line(e, 0)->mutable_unit_price()->clear_currency_code(); },
       "order.lines[0].unit_price.currency_code", "required"},
      {"CurrencyUnknown",
       [](Event& e) { Line(e, 0)->mutable_unit_price()->set_currency_code("ABC"); },
       "order.lines[0].unit_price.currency_code", "invalid_currency"},
      {"CurrencyLowercase",
       [](Event& e) { Line(e, 0)->mutable_unit_price()->set_currency_code("try"); },
       "order.lines[0].unit_price.currency_code", "invalid_currency"},
      {"CurrencyTooLong",
       [](Event& e) { Line(e, 0)->mutable_unit_price()->set_currency_code("TRYY"); },
       "order.lines[0].unit_price.currency_code", "invalid_currency"},
      {"MixedCurrencies",
       [](Event& e) { Line(e, 2)->mutable_unit_price()->set_currency_code("EUR"); },
       "order.lines[2].unit_price.currency_code", "invalid_currency"},
      {"MixedCurrencyUnknownOnLaterLine",
       [](Event& e) { Line(e, 1)->mutable_unit_price()->set_currency_code("QQQ"); },
       "order.lines[1].unit_price.currency_code", "invalid_currency"},
      {"NegativeUnitPrice", [](Event& e) { Line(e, 1)->mutable_unit_price()->set_minor_units(-1); },
       "order.lines[1].unit_price.minor_units", "out_of_range"},
      {"UnitPriceAboveBound",
       [](Event& e) { Line(e, 0)->mutable_unit_price()->set_minor_units(100'000'000'001); },
       "order.lines[0].unit_price.minor_units", "out_of_range"},
      {"UnitPriceAboveBoundBySubMinorUnit",
       [](Event& e) {
         Line(e, 0)->mutable_unit_price()->set_extra_decimals(2);
         Line(e, 0)->mutable_unit_price()->set_minor_units(10'000'000'000'001);
       },
       "order.lines[0].unit_price.minor_units", "out_of_range"},
      {"ExtraDecimalsSeven",
       [](Event& e) { Line(e, 1)->mutable_unit_price()->set_extra_decimals(7); },
       "order.lines[1].unit_price.extra_decimals", "out_of_range"},
      {"CategoryTooLong", [](Event& e) { Line(e, 2)->set_category(std::string(1025, 'c')); },
       "order.lines[2].category", "too_long"},
      {"SourceRowNegative", [](Event& e) { Line(e, 2)->set_source_row(-5); },
       "order.lines[2].source_row", "out_of_range"},
  };
}

class OrderMutationTest : public ::testing::TestWithParam<Mutation> {};

TEST_P(OrderMutationTest, RejectsOnFieldWithCode) {
  ExpectRejected(testing_events::ValidOrderEvent(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(OrderValidationTest, OrderMutationTest, ValuesIn(OrderMutations()),
                         MutationName);

TEST(OrderValidationTest, AcceptsGuestOrder) {
  Event event = testing_events::ValidOrderEvent();
  event.mutable_order()->clear_customer();
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

TEST(OrderValidationTest, AcceptsCancellationWithAllQuantitiesNegative) {
  Event event = testing_events::ValidOrderEvent();
  event.mutable_order()->set_cancellation(true);
  for (OrderLine& line : *event.mutable_order()->mutable_lines()) {
    line.set_quantity(-std::abs(line.quantity()));
  }
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

TEST(OrderValidationTest, AcceptsBoundaryValues) {
  Event event = testing_events::ValidOrderEvent();
  // The largest quantity, at a price that makes the line total exactly the bound (10^10 minor
  // units), and the order total with it; free lines at the largest quantities add nothing.
  Line(event, 0)->set_quantity(10'000'000);
  Line(event, 0)->mutable_unit_price()->set_minor_units(1'000);
  Line(event, 1)->set_quantity(-10'000'000);
  Line(event, 1)->mutable_unit_price()->set_minor_units(0);  // Free items are fine.
  Line(event, 2)->mutable_unit_price()->set_minor_units(0);
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
  // The largest line total at the finest price scale.
  Line(event, 0)->set_quantity(1);
  Line(event, 0)->mutable_unit_price()->set_extra_decimals(6);
  Line(event, 0)->mutable_unit_price()->set_minor_units(10'000'000'000'000'000);
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

// Issue 12, defect 5: quantity 10^7 x unit price 10^17 (extra_decimals 6, so 10^11 whole minor
// units, within the unit-price bound) was accepted, and analytics then dropped the customer
// because the line total overflows int64.
TEST(OrderValidationTest, RejectsALineWhoseTotalCannotBeSummed) {
  Event event = testing_events::ValidOrderEvent();
  Line(event, 1)->set_quantity(10'000'000);
  Line(event, 1)->mutable_unit_price()->set_extra_decimals(6);
  Line(event, 1)->mutable_unit_price()->set_minor_units(100'000'000'000'000'000);
  std::optional<Rejection> r = ValidateEvent(event, kNow);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->field, "order.lines[1]");
  EXPECT_EQ(r->code, "out_of_range");
  EXPECT_THAT(r->reason, HasSubstr("more than 10000000000 minor units"));
  EXPECT_THAT(r->reason, HasSubstr("|10000000| x 100000000000000000 / 10^6"));
}

TEST(OrderValidationTest, RejectsALineTotalOneMillionthOfAMinorUnitAboveTheBound) {
  Event event = testing_events::ValidOrderEvent();
  Line(event, 2)->set_quantity(-1);
  Line(event, 2)->mutable_unit_price()->set_extra_decimals(6);
  Line(event, 2)->mutable_unit_price()->set_minor_units(10'000'000'000'000'001);
  std::optional<Rejection> r = ValidateEvent(event, kNow);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->field, "order.lines[2]");
  EXPECT_EQ(r->code, "out_of_range");
}

TEST(OrderValidationTest, RejectsAnOrderWhoseTotalPassesTheBound) {
  Event event = testing_events::ValidOrderEvent();
  for (int i = 0; i < 3; ++i) {
    Line(event, i)->set_quantity(i == 2 ? -4'000'000 : 4'000'000);  // A return counts too.
    Line(event, i)->mutable_unit_price()->set_extra_decimals(0);
    Line(event, i)->mutable_unit_price()->set_minor_units(1'000);  // 4 * 10^9 per line.
  }
  std::optional<Rejection> r = ValidateEvent(event, kNow);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->field, "order.lines");
  EXPECT_EQ(r->code, "out_of_range");
  EXPECT_THAT(r->reason, HasSubstr("order.lines[2]"));
  Line(event, 2)->set_quantity(-2'000'000);
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

TEST(OrderValidationTest, HonoursCustomTotalLimitsWithoutOverflow) {
  Event event = testing_events::ValidOrderEvent();
  ValidationLimits limits;
  limits.max_abs_quantity = std::numeric_limits<int64_t>::max();
  limits.max_unit_price_minor = std::numeric_limits<int64_t>::max();
  limits.max_line_total_minor = std::numeric_limits<int64_t>::max();
  limits.max_order_total_minor = std::numeric_limits<int64_t>::max();
  Line(event, 0)->set_quantity(std::numeric_limits<int64_t>::max());
  Line(event, 0)->mutable_unit_price()->set_minor_units(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ValidateEvent(event, kNow, limits)->field, "order.lines[0]");
  limits.max_line_total_minor = 12'550;  // Line 0 of the valid order: 2 x 12550 / 2.
  Line(event, 0)->set_quantity(1);
  Line(event, 0)->mutable_unit_price()->set_minor_units(12'550);
  limits.max_order_total_minor = 12'550;
  EXPECT_EQ(ValidateEvent(event, kNow, limits)->field, "order.lines");
}

TEST(OrderValidationTest, AcceptsExactlyMaxLines) {
  Event event = testing_events::ValidOrderEvent();
  const OrderLine line = event.order().lines(0);
  while (event.order().lines_size() < 10000) *event.mutable_order()->add_lines() = line;
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

TEST(OrderValidationTest, QuantityReasonNamesFieldAndBounds) {
  Event event = testing_events::ValidOrderEvent();
  Line(event, 2)->set_quantity(20'000'000);
  EXPECT_EQ(ValidateEvent(event, kNow)->reason,
            "order.lines[2].quantity is 20000000, outside [-10000000, 10000000]");
}

TEST(OrderValidationTest, NegativePriceReasonSaysUnitPriceMustNotBeNegative) {
  Event event = testing_events::ValidOrderEvent();
  Line(event, 1)->mutable_unit_price()->set_minor_units(-250);
  EXPECT_THAT(ValidateEvent(event, kNow)->reason, HasSubstr("unit price must not be negative"));
}

TEST(OrderValidationTest, MixedCurrencyReasonNamesBothCurrencies) {
  Event event = testing_events::ValidOrderEvent();
  Line(event, 2)->mutable_unit_price()->set_currency_code("EUR");
  const std::string reason = ValidateEvent(event, kNow)->reason;
  EXPECT_THAT(reason, HasSubstr("'EUR'"));
  EXPECT_THAT(reason, HasSubstr("'TRY'"));
}

TEST(OrderValidationTest, ReportsFirstBadLine) {
  Event event = testing_events::ValidOrderEvent();
  Line(event, 2)->clear_sku();
  Line(event, 1)->set_quantity(0);
  EXPECT_EQ(ValidateEvent(event, kNow)->field, "order.lines[1].quantity");
}

TEST(OrderValidationTest, HonoursCustomLimits) {
  Event event = testing_events::ValidOrderEvent();
  ValidationLimits limits;
  limits.max_lines = 2;
  EXPECT_EQ(ValidateEvent(event, kNow, limits)->code, "too_many");
  limits = ValidationLimits();
  limits.max_abs_quantity = 1;
  EXPECT_EQ(ValidateEvent(event, kNow, limits)->field, "order.lines[0].quantity");
  limits = ValidationLimits();
  limits.max_unit_price_minor = 10'000;
  EXPECT_EQ(ValidateEvent(event, kNow, limits)->field, "order.lines[0].unit_price.minor_units");
}

TEST(OrderValidationTest, AcceptsActiveCurrenciesOfEveryExponent) {
  // GBP, INR and DKK are active ISO 4217 codes; a failure here comes from
  // money::CurrencyExponent, which validation relies on.
  for (const char* currency : {"TRY", "EUR", "USD", "JPY", "BHD", "GBP", "INR", "DKK"}) {
    Event event = testing_events::ValidOrderEvent();
    for (OrderLine& line : *event.mutable_order()->mutable_lines()) {
      line.mutable_unit_price()->set_currency_code(currency);
    }
    EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt) << currency;
  }
}

}  // namespace
}  // namespace clientele::ingest
