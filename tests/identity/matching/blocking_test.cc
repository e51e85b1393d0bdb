#include "identity/matching/blocking.h"

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::identity {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Not;

PersonRecord Base() {
  PersonRecord r;
  r.given_name = "charlotte";
  r.family_name = "orchard";
  r.birth_year = 1985;
  r.birth_month = 3;
  r.birth_day = 30;
  r.postal_code = "4551";
  r.secondary_ids = {{"soc_sec_id", "3193520"}};
  return r;
}

bool ShareAKey(const PersonRecord& a, const PersonRecord& b) {
  const std::vector<std::string> ka = BlockingKeys(a);
  const std::vector<std::string> kb = BlockingKeys(b);
  std::vector<std::string> common;
  std::set_intersection(ka.begin(), ka.end(), kb.begin(), kb.end(), std::back_inserter(common));
  return !common.empty();
}

// One typo per field kind, FEBRL style.
const std::vector<std::function<void(PersonRecord*)>>& Typos() {
  static const auto* typos = new std::vector<std::function<void(PersonRecord*)>>{
      [](PersonRecord* r) { r->given_name = "xharlotte"; },  // first letter: Soundex changes
      [](PersonRecord* r) { r->family_name = "prchard"; },
      [](PersonRecord* r) { r->birth_year = 1958; },
      [](PersonRecord* r) { r->postal_code = "4515"; },
      [](PersonRecord* r) { r->secondary_ids[0].second = "3193560"; },
      [](PersonRecord* r) { r->given_name.clear(); },  // missing
  };
  return *typos;
}

TEST(BlockingTest, PairsWithTyposInAnyOneOrTwoFieldsShareAKey) {
  const PersonRecord base = Base();
  for (size_t i = 0; i < Typos().size(); ++i) {
    PersonRecord one = base;
    Typos()[i](&one);
    EXPECT_TRUE(ShareAKey(base, one)) << "typo " << i;
    for (size_t j = i + 1; j < Typos().size(); ++j) {
      PersonRecord two = one;
      Typos()[j](&two);
      EXPECT_TRUE(ShareAKey(base, two)) << "typos " << i << " and " << j;
    }
  }
}

TEST(BlockingTest, SecondaryIdDeletionNeighbourhoodCatchesEveryOneEditTypo) {
  PersonRecord a, b;
  a.secondary_ids = {{"soc_sec_id", "3193520"}};
  for (const std::string& typo : {"3193560", "319520", "31935204", "1393520", "3193502"}) {
    b.secondary_ids = {{"soc_sec_id", typo}};
    EXPECT_TRUE(ShareAKey(a, b)) << typo;
  }
  b.secondary_ids = {{"soc_sec_id", "5130911"}};
  EXPECT_FALSE(ShareAKey(a, b));
}

TEST(BlockingTest, SwappedNamesShareTheNameKey) {
  PersonRecord a, b;
  a.given_name = "kydan";
  a.family_name = "mccarthy";
  b.given_name = "mccarthy";
  b.family_name = "kydan";
  EXPECT_TRUE(ShareAKey(a, b));
}

TEST(BlockingTest, ACompoundNameSplitDifferentlySharesAKey) {
  PersonRecord a, b;
  a.given_name = "abigail";
  a.family_name = "hughes jones";
  a.name_tokens = {"abigail", "hughes", "jones"};
  b.given_name = "abigail hughes";
  b.family_name = "jones";
  b.name_tokens = a.name_tokens;
  EXPECT_TRUE(ShareAKey(a, b));
  // Two words: the swapped given/family key covers them, no extra key.
  PersonRecord c;
  c.given_name = "ayse";
  c.family_name = "kaya";
  c.name_tokens = {"ayse", "kaya"};
  for (const std::string& k : BlockingKeys(c)) EXPECT_NE(k.substr(0, 3), "nt:");
}

TEST(BlockingTest, DeterministicKeysAndEmptyRecords) {
  PersonRecord r;
  EXPECT_THAT(BlockingKeys(r), IsEmpty());
  r.email = "a@example.com";
  r.phone = "+905321112233";
  r.loyalty_id = "L1";
  r.national_id_hash = "h";
  const std::vector<std::string> keys = BlockingKeys(r);
  EXPECT_THAT(keys, Contains("e:a@example.com"));
  EXPECT_THAT(keys, Contains("p:+905321112233"));
  EXPECT_THAT(keys, Contains("l:L1"));
  EXPECT_THAT(keys, Contains("n:h"));
  for (const std::string& k : keys) EXPECT_TRUE(IsDeterministicKey(k)) << k;
  EXPECT_FALSE(IsDeterministicKey("d:19850330"));
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  // Unrelated people with nothing in common share nothing.
  PersonRecord other = Base();
  other.given_name = "mitchell";
  other.family_name = "egan";
  other.birth_year = 1938;
  other.postal_code = "7006";
  other.secondary_ids = {{"soc_sec_id", "6366389"}};
  EXPECT_FALSE(ShareAKey(Base(), other));
  EXPECT_THAT(BlockingKeys(Base()), Not(Contains("e:")));
}

TEST(BlockingTest, Soundex) {
  EXPECT_EQ(SoundexOfFirstWord("robert"), "r163");
  EXPECT_EQ(SoundexOfFirstWord("rupert"), "r163");
  EXPECT_EQ(SoundexOfFirstWord("ashcraft"), "a261");
  EXPECT_EQ(SoundexOfFirstWord("pfister"), "p236");
  EXPECT_EQ(SoundexOfFirstWord("tymczak"), "t522");
  EXPECT_EQ(SoundexOfFirstWord("lee ann"), "l000");
  EXPECT_EQ(SoundexOfFirstWord(""), "");
  EXPECT_EQ(SoundexOfFirstWord("дмитрий"), "дми");
}

}  // namespace
}  // namespace clientele::identity
