#include "identity/matching/internal/ascii_keys.h"

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "identity/normalize/address.h"
#include "identity/normalize/name.h"

namespace clientele::identity::matching_internal {
namespace {

void ExpectSameAsIcu(const std::string& s) {
  std::string key;
  ASSERT_TRUE(AsciiNameKey(s, &key)) << s;
  EXPECT_EQ(key, NameComparisonKey(s)) << "'" << s << "'";
  std::vector<std::string> tokens;
  ASSERT_TRUE(AsciiAddressTokens(s, &tokens)) << s;
  EXPECT_EQ(tokens, AddressTokens(s)) << "'" << s << "'";
}

TEST(AsciiKeysTest, MatchesIcuOnTrickyStrings) {
  for (const std::string s : {"",
                              " ",
                              "IŞIK",
                              "IAN",
                              "O'Brien",
                              "Ayse-Nur",
                              "a'-b",
                              "-a-",
                              "'a'",
                              "a--b",
                              "a - b",
                              "J.R.",
                              "Smith,John",
                              "  mixed   CASE  ",
                              "12 Bagdat Cad. No:5",
                              "St. John's Rd",
                              "221B Baker St.",
                              "mah. 3 sk",
                              "blv-ave",
                              "x\ty\x01z\x7f",
                              "don't-stop",
                              "a'b'c",
                              "priddle sjtreet",
                              "southern cross drive",
                              "busbey's flat"}) {
    if (s == "IŞIK") continue;  // not ASCII: checked below
    ExpectSameAsIcu(s);
  }
}

TEST(AsciiKeysTest, MatchesIcuOnRandomStrings) {
  const std::string alphabet = "aAbIiZz09 -'.,/_\t\x01\x7f";
  std::mt19937 rng(11);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 12);
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    for (int n = length(rng); n > 0; --n) s.push_back(alphabet[pick(rng)]);
    ExpectSameAsIcu(s);
  }
}

// AppendAddressTokens keys non-ASCII lines word by word: the same tokens as the whole line.
TEST(AsciiKeysTest, WordWiseAddressTokensMatchIcuOnNonAsciiStrings) {
  const std::vector<std::string> pieces = {"a",        "Z",
                                           "I",        "i",
                                           "9",        " ",
                                           "  ",       "-",
                                           "'",        ".",
                                           ",",        "/",
                                           "\t",       "ş",
                                           "İ",        "ı",
                                           "Ş",        "ğ",
                                           "ü",        "Ö",
                                           "ç",        "é",
                                           "\xcc\x81", "\xcc\x87",
                                           "æ",        "Æ",
                                           "ß",        "\xe2\x80\x99",
                                           "\xc2\xad", "\xe2\x80\x8b",
                                           "Ø",        "ł",
                                           "Ж",        "東",
                                           "No:",      "Cad.",
                                           "sk"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(1, 10);
  int checked = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string s;
    for (int n = length(rng); n > 0; --n) s += pieces[pick(rng)];
    std::vector<std::string> tokens;
    if (AsciiAddressTokens(s, &tokens)) continue;  // ASCII: the other tests
    AppendAddressTokens(s, &tokens);
    EXPECT_EQ(tokens, AddressTokens(s)) << "'" << s << "'";
    ++checked;
  }
  EXPECT_GT(checked, 3000);
  for (const std::string s :
       {"Bağdat Cad. No:12 Kadıköy", "İstiklal  Cd.  No: 5/3 Beyoğlu", "Şişli ' mah - 3 sk",
        "e\xcc\x81 \xcc\x81"
        "a",
        "Æble gade", "ḱ ḱ", "Straße 5"}) {
    std::vector<std::string> tokens;
    AppendAddressTokens(s, &tokens);
    EXPECT_EQ(tokens, AddressTokens(s)) << "'" << s << "'";
  }
}

TEST(AsciiKeysTest, NonAsciiFallsBackToIcu) {
  std::string key = "untouched";
  EXPECT_FALSE(AsciiNameKey("Şükrü", &key));
  EXPECT_EQ(key, "untouched");
  std::vector<std::string> tokens;
  EXPECT_FALSE(AsciiAddressTokens("Kadıköy", &tokens));
  EXPECT_TRUE(tokens.empty());
  EXPECT_EQ(ComparisonKey("IŞIK Şükrü"), "isik sukru");
  AppendAddressTokens("Bağdat Cad.", &tokens);
  EXPECT_EQ(tokens, (std::vector<std::string>{"bagdat", "caddesi"}));
}

}  // namespace
}  // namespace clientele::identity::matching_internal
