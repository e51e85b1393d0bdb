#include "identity/normalize/phone.h"

#include <optional>
#include <random>
#include <string>
#include <vector>

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

TEST(CanonicalPhoneInputTest, OneSpellingPerNumber) {
  for (const char* raw : {"0532 123 45 67", "+90 (532) 123-4567", "5321234567", "05321234567",
                          "+905321234567", "(0532) 123 45 67", "+90.532.123.45.67"}) {
    EXPECT_EQ(CanonicalPhoneInput(raw, "TR"), "+905321234567") << raw;
  }
  EXPECT_EQ(CanonicalPhoneInput("0532 123 45 67", "tr"), "+905321234567");
  // Other regions: separators only. Other characters: as given.
  EXPECT_EQ(CanonicalPhoneInput("020 7946 0958", "GB"), "02079460958");
  EXPECT_EQ(CanonicalPhoneInput("+44 20 7946 0958", "TR"), "+442079460958");
  EXPECT_EQ(CanonicalPhoneInput("0532 123 45 67 ext. 12", "TR"), "0532 123 45 67 ext. 12");
  EXPECT_EQ(CanonicalPhoneInput("0090 532 123 45 67", "TR"), "00905321234567");
  EXPECT_EQ(CanonicalPhoneInput("900 123 45 67", "TR"), "9001234567");  // May read as +90.
  EXPECT_EQ(CanonicalPhoneInput("0000000000", "TR"), "0000000000");
}

// The contract: the canonical spelling normalizes exactly like the raw one. Random numbers in
// every spelling the canonical form touches (valid and invalid, all leading digits), for the
// regions with and without the national-number rule.
TEST(CanonicalPhoneInputTest, NormalizesLikeTheRawInput) {
  std::mt19937_64 rng(20261202);
  auto digit = [&] { return static_cast<char>('0' + rng() % 10); };
  const std::vector<std::string> separators = {"", " ", "-", ".", " (", ") "};
  for (const char* region : {"TR", "GB", "US", "DE"}) {
    for (int i = 0; i < 2500; ++i) {
      std::string number;
      const int length = 7 + static_cast<int>(rng() % 7);  // 7..13 digits
      for (int d = 0; d < length; ++d) number.push_back(digit());
      const int prefix = static_cast<int>(rng() % 4);
      std::string raw = prefix == 0 ? "" : prefix == 1 ? "0" : prefix == 2 ? "+90" : "+";
      for (size_t d = 0; d < number.size(); ++d) {
        if (d > 0 && rng() % 3 == 0) raw += separators[rng() % separators.size()];
        raw.push_back(number[d]);
      }
      EXPECT_EQ(NormalizePhoneE164(CanonicalPhoneInput(raw, region), region),
                NormalizePhoneE164(raw, region))
          << raw << " in " << region << " (canonical " << CanonicalPhoneInput(raw, region) << ")";
    }
  }
  // Turkish numbers specifically (most random digits are not valid), 90… among them.
  for (int i = 0; i < 3000; ++i) {
    std::string nsn = i % 10 == 0 ? "90" : std::string(1, "234589"[rng() % 6]);
    while (nsn.size() < 10) nsn.push_back(digit());
    for (const std::string& raw :
         {nsn, "0" + nsn, "0 (" + nsn.substr(0, 3) + ") " + nsn.substr(3),
          nsn.substr(0, 3) + "-" + nsn.substr(3, 3) + "-" + nsn.substr(6)}) {
      EXPECT_EQ(NormalizePhoneE164(CanonicalPhoneInput(raw, "TR"), "TR"),
                NormalizePhoneE164(raw, "TR"))
          << raw;
    }
  }
}

// "+90" and ten digits skip libphonenumber's parse; the result must be the parse's, for valid
// and invalid numbers of every leading digit (the spaced spelling takes the parsing path).
TEST(NormalizePhoneE164Test, PlusTurkishNumbersNormalizeLikeTheirSpacedSpelling) {
  std::mt19937_64 rng(1202);
  int valid = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string nsn(1, static_cast<char>('1' + rng() % 9));
    if (i % 2 == 0) nsn = "5" + std::string(1, static_cast<char>('0' + rng() % 10));  // Mobile.
    while (nsn.size() < 10) nsn.push_back(static_cast<char>('0' + rng() % 10));
    const std::optional<std::string> fast = NormalizePhoneE164("+90" + nsn, "GB");
    EXPECT_EQ(fast, NormalizePhoneE164("+90 " + nsn, "GB")) << nsn;
    valid += fast.has_value();
  }
  EXPECT_GT(valid, 2000);  // Both outcomes were exercised.
  EXPECT_LT(valid, 18000);
  EXPECT_EQ(NormalizePhoneE164("+905321234567"), "+905321234567");
  EXPECT_EQ(NormalizePhoneE164("+900321234567"), NormalizePhoneE164("+90 0321234567"));
  EXPECT_EQ(NormalizePhoneE164("+9053212345670"), std::nullopt);  // Eleven digits: too long.
}

// Found by fuzz/normalize_phone_fuzzer: 271 bytes of separators around "030 1456" are too long
// for NormalizePhoneE164, but their canonical spelling "0301456" was a valid German number, so
// a cache keyed by CanonicalPhoneInput answered differently from NormalizePhoneE164.
TEST(CanonicalPhoneInputTest, OverLongInputIsKeptSoItStaysRejected) {
  const std::string raw = std::string(264, '-') + "030 1456";
  ASSERT_EQ(NormalizePhoneE164(raw, "DE"), std::nullopt);
  EXPECT_EQ(CanonicalPhoneInput(raw, "DE"), raw);
  EXPECT_EQ(NormalizePhoneE164(CanonicalPhoneInput(raw, "DE"), "DE"), std::nullopt);
}

}  // namespace
}  // namespace clientele::identity
