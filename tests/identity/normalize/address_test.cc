#include "identity/normalize/address.h"

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::identity {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

TEST(NormalizePostalCodeTest, UppercasesAndRemovesSpaces) {
  EXPECT_EQ(NormalizePostalCode(" sw1a 1aa "), "SW1A1AA");
  EXPECT_EQ(NormalizePostalCode("SW1A1AA"), "SW1A1AA");
  EXPECT_EQ(NormalizePostalCode("34 710"), "34710");
  EXPECT_EQ(NormalizePostalCode("k1a\t0b1"), "K1A0B1");
  EXPECT_EQ(NormalizePostalCode("1234\u00A0AB"), "1234AB");  // no-break space
  EXPECT_EQ(NormalizePostalCode("12345-6789"), "12345-6789");
}

TEST(NormalizePostalCodeTest, EmptyAndBadInput) {
  EXPECT_EQ(NormalizePostalCode(""), "");
  EXPECT_EQ(NormalizePostalCode("   "), "");
  EXPECT_EQ(NormalizePostalCode("34\xFF"
                                "710"),
            "");
}

TEST(AddressTokensTest, TurkishAbbreviations) {
  EXPECT_THAT(AddressTokens("Bağdat Cad. No:12 Kadıköy"),
              ElementsAre("bagdat", "caddesi", "no", "12", "kadikoy"));
  EXPECT_EQ(AddressTokens("Bağdat Cd. No 12 Kadıköy"),
            AddressTokens("BAĞDAT CADDESİ NO:12 KADIKÖY"));
  EXPECT_THAT(AddressTokens("Moda Mah. Şair Nefi Sk. No:5/3"),
              ElementsAre("moda", "mahallesi", "sair", "nefi", "sokak", "no", "5", "3"));
  EXPECT_EQ(AddressTokens("Moda Mh. Şair Nefi Sok."),
            AddressTokens("MODA MAHALLESİ ŞAİR NEFİ SOKAK"));
  EXPECT_THAT(AddressTokens("Atatürk Blv."), ElementsAre("ataturk", "bulvari"));
  EXPECT_EQ(AddressTokens("Atatürk Bulv."), AddressTokens("ATATÜRK BULVARI"));
}

TEST(AddressTokensTest, EnglishAbbreviations) {
  EXPECT_THAT(AddressTokens("221B Baker St."), ElementsAre("221b", "baker", "street"));
  EXPECT_EQ(AddressTokens("221b baker street"), AddressTokens("221B Baker St."));
  EXPECT_THAT(AddressTokens("10 Abbey Rd"), ElementsAre("10", "abbey", "road"));
  EXPECT_THAT(AddressTokens("5th Ave."), ElementsAre("5th", "avenue"));
}

TEST(AddressTokensTest, OnlyWholeTokensAreExpanded) {
  EXPECT_THAT(AddressTokens("Stanley Road"), ElementsAre("stanley", "road"));
  EXPECT_THAT(AddressTokens("Noble Sokak"), ElementsAre("noble", "sokak"));
}

TEST(AddressTokensTest, EmptyAndBadInput) {
  EXPECT_THAT(AddressTokens(""), IsEmpty());
  EXPECT_THAT(AddressTokens(" ,. / "), IsEmpty());
  EXPECT_THAT(AddressTokens("Bağdat\xFF Cad."), IsEmpty());
}

// Found by fuzz/normalize_address_fuzzer: "¼" folded to "1/4" inside one token, so the
// tokens of the tokens differed from the tokens.
TEST(AddressTokensTest, TokensOfTokensAreTheTokens) {
  const std::vector<std::string> tokens = AddressTokens("Z\u00bc");
  EXPECT_THAT(AddressTokens(absl::StrJoin(tokens, " ")), ElementsAreArray(tokens));
}

}  // namespace
}  // namespace clientele::identity
