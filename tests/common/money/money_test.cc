#include "common/money/money.h"

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::money {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

TEST(CurrencyExponentTest, KnowsActiveCodesAndTheirMinorUnits) {
  EXPECT_EQ(CurrencyExponent("GBP"), 2);
  EXPECT_EQ(CurrencyExponent("TRY"), 2);
  EXPECT_EQ(CurrencyExponent("EUR"), 2);
  EXPECT_EQ(CurrencyExponent("INR"), 2);
  EXPECT_EQ(CurrencyExponent("JPY"), 0);
  EXPECT_EQ(CurrencyExponent("BHD"), 3);
}

TEST(CurrencyExponentTest, RejectsUnknownRetiredAndMalformedCodes) {
  EXPECT_EQ(CurrencyExponent("XYZ"), std::nullopt);
  EXPECT_EQ(CurrencyExponent("TRL"), std::nullopt);  // Replaced by TRY in 2005.
  EXPECT_EQ(CurrencyExponent("gbp"), std::nullopt);
  EXPECT_EQ(CurrencyExponent("GB"), std::nullopt);
  EXPECT_EQ(CurrencyExponent(""), std::nullopt);
}

TEST(ParseDecimalMoneyTest, ParsesExactlyIntoMinorUnits) {
  auto m = ParseDecimalMoney("2.55", "GBP");
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->minor_units(), 255);
  EXPECT_EQ(m->currency_code(), "GBP");
  EXPECT_EQ(m->extra_decimals(), 0u);
  EXPECT_EQ(ParseDecimalMoney("18.0", "GBP")->minor_units(), 1800);
  EXPECT_EQ(ParseDecimalMoney("7", "GBP")->minor_units(), 700);
  EXPECT_EQ(ParseDecimalMoney(".5", "GBP")->minor_units(), 50);
  EXPECT_EQ(ParseDecimalMoney("-11062.06", "GBP")->minor_units(), -1106206);
  EXPECT_EQ(ParseDecimalMoney("1500", "JPY")->minor_units(), 1500);
}

TEST(ParseDecimalMoneyTest, KeepsSubMinorPrecisionInExtraDecimals) {
  auto m = ParseDecimalMoney("0.001", "GBP");
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->minor_units(), 1);
  EXPECT_EQ(m->extra_decimals(), 1u);
  EXPECT_DOUBLE_EQ(ToDouble(*m), 0.001);
  EXPECT_EQ(ParseDecimalMoney("1.2500", "GBP")->extra_decimals(), 0u);  // Trailing zeros.
}

TEST(ParseDecimalMoneyTest, RejectsBadInputWithAReason) {
  EXPECT_THAT(ParseDecimalMoney("abc", "GBP"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a decimal")));
  EXPECT_THAT(ParseDecimalMoney("1.2.3", "GBP"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a decimal")));
  EXPECT_THAT(ParseDecimalMoney("", "GBP"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("")));
  EXPECT_THAT(ParseDecimalMoney("1", "XYZ"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("currency")));
  EXPECT_THAT(ParseDecimalMoney("0.000000001", "GBP"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("decimals")));
  EXPECT_THAT(ParseDecimalMoney("99999999999999999999", "GBP"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("out of range")));
}

}  // namespace
}  // namespace clientele::money
