#include "identity/normalize/phone.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::identity {
namespace {

using ::testing::Eq;
using ::testing::Optional;

TEST(NormalizePhoneE164Test, TurkishMobileSpellings) {
  for (const char* raw :
       {"0532 123 45 67", "+90 (532) 123-4567", "5321234567", "05321234567", "+905321234567",
        "0090 532 123 45 67", "(0532) 123 45 67", "  0532-123-45-67  ", "+90.532.123.45.67"}) {
    EXPECT_THAT(NormalizePhoneE164(raw), Optional(Eq("+905321234567"))) << raw;
  }
}

TEST(NormalizePhoneE164Test, TurkishLandline) {
  EXPECT_THAT(NormalizePhoneE164("0212 555 12 34"), Optional(Eq("+902125551234")));
  EXPECT_THAT(NormalizePhoneE164("(216) 444 0 444"), Optional(Eq("+902164440444")));
}

TEST(NormalizePhoneE164Test, OtherRegions) {
  EXPECT_THAT(NormalizePhoneE164("020 7946 0958", "GB"), Optional(Eq("+442079460958")));
  EXPECT_THAT(NormalizePhoneE164("020 7946 0958", "gb"), Optional(Eq("+442079460958")));
  EXPECT_THAT(NormalizePhoneE164("+44 20 7946 0958"), Optional(Eq("+442079460958")));
  EXPECT_THAT(NormalizePhoneE164("(650) 253-0000", "US"), Optional(Eq("+16502530000")));
  EXPECT_THAT(NormalizePhoneE164("030 123456", "DE"), Optional(Eq("+4930123456")));
}

TEST(NormalizePhoneE164Test, ExplicitCountryCodeWinsOverDefaultRegion) {
  EXPECT_THAT(NormalizePhoneE164("+90 532 123 45 67", "US"), Optional(Eq("+905321234567")));
}

TEST(NormalizePhoneE164Test, DropsExtension) {
  EXPECT_THAT(NormalizePhoneE164("0212 555 12 34 ext. 12"), Optional(Eq("+902125551234")));
}

TEST(NormalizePhoneE164Test, RejectsGarbageAndInvalidNumbers) {
  EXPECT_EQ(NormalizePhoneE164(""), std::nullopt);
  EXPECT_EQ(NormalizePhoneE164("   "), std::nullopt);
  EXPECT_EQ(NormalizePhoneE164("call me maybe"), std::nullopt);
  EXPECT_EQ(NormalizePhoneE164("12"), std::nullopt);
  EXPECT_EQ(NormalizePhoneE164("0532 123"), std::nullopt);              // too short
  EXPECT_EQ(NormalizePhoneE164("0532 123 45 67 89 01"), std::nullopt);  // too long
  EXPECT_EQ(NormalizePhoneE164("+999 123 456 789"), std::nullopt);      // no such country
  EXPECT_EQ(NormalizePhoneE164("john@example.com"), std::nullopt);
}

TEST(NormalizePhoneE164Test, NationalNumberNeedsAKnownRegion) {
  EXPECT_EQ(NormalizePhoneE164("0532 123 45 67", ""), std::nullopt);
  EXPECT_EQ(NormalizePhoneE164("0532 123 45 67", "ZZ"), std::nullopt);
  EXPECT_EQ(NormalizePhoneE164("0532 123 45 67", "not a region"), std::nullopt);
  EXPECT_THAT(NormalizePhoneE164("+90 532 123 45 67", ""), Optional(Eq("+905321234567")));
}

TEST(NormalizePhoneE164Test, BadBytesDoNotCrash) {
  EXPECT_EQ(NormalizePhoneE164("0532\xFF 123 45 67"), std::nullopt);
  EXPECT_EQ(NormalizePhoneE164("\xC3"), std::nullopt);
  EXPECT_EQ(NormalizePhoneE164(std::string(10000, '5')), std::nullopt);
  EXPECT_EQ(NormalizePhoneE164(std::string("0532\0 123 45 67", 16)), std::nullopt);
}

TEST(NormalizePhoneE164Test, FullWidthDigits) {
  // libphonenumber accepts non-ASCII decimal digits.
  EXPECT_THAT(NormalizePhoneE164("０５３２ １２３ ４５ ６７"), Optional(Eq("+905321234567")));
}

}  // namespace
}  // namespace clientele::identity
