#include "identity/matching/comparison.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "identity/matching/internal/fast_similarity.h"
#include "identity/similarity/string_similarity.h"

namespace clientele::identity {
namespace {

PersonRecord Person(std::string given, std::string family) {
  PersonRecord r;
  r.given_name = std::move(given);
  r.family_name = std::move(family);
  return r;
}

PersonRecord Born(int y, int m, int d) {
  PersonRecord r;
  r.birth_year = y;
  r.birth_month = m;
  r.birth_day = d;
  return r;
}

std::string_view Level(const PersonRecord& a, const PersonRecord& b, Field f) {
  return LevelName(f, Compare(a, b).level(f));
}

TEST(ComparisonTest, NameLevels) {
  EXPECT_EQ(Level(Person("jackson", "x"), Person("jackson", "x"), Field::kGivenName), "exact");
  EXPECT_EQ(Level(Person("jackson", "x"), Person("jackaon", "x"), Field::kGivenName),
            "jaro_winkler>=0.92");
  EXPECT_EQ(Level(Person("x", "dwayne"), Person("x", "duane"), Field::kFamilyName),
            "jaro_winkler>=0.80");
  EXPECT_EQ(Level(Person("kody", "x"), Person("lillianna", "x"), Field::kGivenName), "other");
  EXPECT_EQ(Level(Person("", "white"), Person("kody", "white"), Field::kGivenName), "missing");
}

TEST(ComparisonTest, SwappedNamesAreOneLevelOnTheGivenName) {
  const ComparisonPattern p = Compare(Person("kydan", "mccarthy"), Person("mccarthy", "kydan"));
  EXPECT_EQ(LevelName(Field::kGivenName, p.level(Field::kGivenName)), "swapped");
  EXPECT_EQ(p.level(Field::kFamilyName), kMissingLevel);
  // A typo on one side still counts as swapped.
  EXPECT_EQ(Level(Person("ayse", "yilmaz"), Person("yilmas", "ayse"), Field::kGivenName),
            "swapped");
  // Equal names are never "swapped", even when given == family.
  EXPECT_EQ(Level(Person("james", "james"), Person("james", "james"), Field::kGivenName), "exact");
}

TEST(ComparisonTest, OneTypoInAShortNameIsNotOther) {
  // Jaro-Winkler of "ail" / "ali" is 0.56; one adjacent transposition apart.
  EXPECT_EQ(Level(Person("ail", "x"), Person("ali", "x"), Field::kGivenName), "jaro_winkler>=0.80");
  // Two edits apart, or names of fewer than 3 letters, stay "other".
  EXPECT_EQ(Level(Person("ali", "x"), Person("veli", "x"), Field::kGivenName), "other");
  EXPECT_EQ(Level(Person("al", "x"), Person("la", "x"), Field::kGivenName), "other");
}

TEST(ComparisonTest, SwappedNamesWithATypoOnBothSides) {
  // One cross pair equal, the other a keyboard typo (jaro-winkler between 0.80 and 0.92).
  const ComparisonPattern p = Compare(Person("kahraman", "hulya"), Person("hulya", "kwhraman"));
  EXPECT_EQ(LevelName(Field::kGivenName, p.level(Field::kGivenName)), "swapped");
  // One cross pair alike, the other not: not a swap.
  EXPECT_EQ(Level(Person("kahraman", "hulya"), Person("ayse", "kwhraman"), Field::kGivenName),
            "other");
}

TEST(ComparisonTest, ACompoundNameSplitDifferentlyIsExact) {
  PersonRecord a = Person("abigail", "hughes jones"), b = Person("abigail hughes", "jones");
  a.name_tokens = b.name_tokens = {"abigail", "hughes", "jones"};
  const ComparisonPattern p = Compare(a, b);
  EXPECT_EQ(LevelName(Field::kGivenName, p.level(Field::kGivenName)), "exact");
  EXPECT_EQ(LevelName(Field::kFamilyName, p.level(Field::kFamilyName)), "exact");
}

TEST(ComparisonTest, BirthDateLevels) {
  EXPECT_EQ(Level(Born(1985, 3, 30), Born(1985, 3, 30), Field::kBirthDate), "exact");
  EXPECT_EQ(Level(Born(1985, 3, 4), Born(1985, 4, 3), Field::kBirthDate), "day_month_swapped");
  EXPECT_EQ(Level(Born(1930, 6, 9), Born(1962, 6, 9), Field::kBirthDate), "one_component_differs");
  EXPECT_EQ(Level(Born(1985, 3, 30), Born(1985, 3, 3), Field::kBirthDate), "one_component_differs");
  EXPECT_EQ(Level(Born(1985, 3, 30), Born(1986, 3, 31), Field::kBirthDate), "year_within_2");
  EXPECT_EQ(Level(Born(1985, 3, 30), Born(1983, 12, 1), Field::kBirthDate), "year_within_2");
  EXPECT_EQ(Level(Born(1985, 3, 30), Born(1988, 3, 31), Field::kBirthDate), "other");
  EXPECT_EQ(Level(Born(1985, 3, 30), Born(1958, 10, 7), Field::kBirthDate), "other");
  EXPECT_EQ(Level(Born(1985, 3, 30), PersonRecord(), Field::kBirthDate), "missing");
}

TEST(ComparisonTest, SecondaryIdLevelsByEditDistance) {
  PersonRecord a, b;
  a.secondary_ids = {{"soc_sec_id", "3193520"}};
  b.secondary_ids = {{"soc_sec_id", "3193520"}};
  EXPECT_EQ(Level(a, b, Field::kSecondaryId), "exact");
  b.secondary_ids = {{"soc_sec_id", "3193560"}};
  EXPECT_EQ(Level(a, b, Field::kSecondaryId), "one_edit");
  b.secondary_ids = {{"soc_sec_id", "3915320"}};  // two transpositions
  EXPECT_EQ(Level(a, b, Field::kSecondaryId), "two_edits");
  b.secondary_ids = {{"soc_sec_id", "5130911"}};
  EXPECT_EQ(Level(a, b, Field::kSecondaryId), "other");
  b.secondary_ids = {{"member_no", "3193520"}};  // different attribute: not comparable
  EXPECT_EQ(Level(a, b, Field::kSecondaryId), "missing");
}

TEST(ComparisonTest, AddressPostalAndContactLevels) {
  PersonRecord a, b;
  a.address_tokens = {"drive", "glengar", "southern", "cross"};
  b.address_tokens = {"cross", "drive", "glengar", "southern"};
  std::sort(a.address_tokens.begin(), a.address_tokens.end());
  EXPECT_EQ(Level(a, b, Field::kAddress), "exact");
  b.address_tokens = {"cross", "drive", "glengar", "southrn"};  // one typo'd word
  EXPECT_EQ(Level(a, b, Field::kAddress), "most_words");
  b.address_tokens = {"drive", "perry", "walmarie"};
  EXPECT_EQ(Level(a, b, Field::kAddress), "some_words");
  b.address_tokens = {"perry", "walmarie"};
  EXPECT_EQ(Level(a, b, Field::kAddress), "other");

  a.postal_code = "4551";
  b.postal_code = "4515";
  EXPECT_EQ(Level(a, b, Field::kPostalCode), "one_edit");
  a.phone = "+905321234567";
  b.phone = "+905321234567";
  EXPECT_EQ(Level(a, b, Field::kPhone), "exact");
  b.phone = "+905321234568";
  EXPECT_EQ(Level(a, b, Field::kPhone), "one_edit");
  a.gender = 1;
  b.gender = 2;
  EXPECT_EQ(Level(a, b, Field::kGender), "other");
  a.city = "narellan";
  b.city = "nareklan";
  EXPECT_EQ(Level(a, b, Field::kCity), "jaro_winkler>=0.90");
  EXPECT_EQ(Level(a, b, Field::kEmail), "missing");
}

TEST(ComparisonTest, EmptyRecordsCompareAsAllMissing) {
  const ComparisonPattern p = Compare(PersonRecord(), PersonRecord());
  for (int i = 0; i < kFieldCount; ++i) EXPECT_EQ(p.levels[i], kMissingLevel) << i;
}

TEST(ComparisonTest, PatternPacksLosslessly) {
  ComparisonPattern p;
  p.set_level(Field::kGivenName, 2);
  p.set_level(Field::kRegion, 1);
  p.set_level(Field::kSecondaryId, 0);
  EXPECT_EQ(ComparisonPattern::Unpack(p.Pack()), p);
  EXPECT_NE(p.Pack(), ComparisonPattern().Pack());
}

TEST(ComparisonTest, FieldAndLevelNames) {
  EXPECT_EQ(FieldName(Field::kBirthDate), "birth_date");
  EXPECT_EQ(LevelCount(Field::kGivenName), 5);
  EXPECT_EQ(LevelName(Field::kRegion, 7), "?");
  EXPECT_EQ(LevelName(Field::kRegion, kMissingLevel), "missing");
}

TEST(FastSimilarityTest, AgreesWithTheReferenceImplementation) {
  const std::vector<std::string> words = {
      "",
      "a",
      "martha",
      "marhta",
      "dwayne",
      "duane",
      "dixon",
      "dicksonx",
      "şükrü",
      "sukru",
      "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123"};
  for (const std::string& a : words) {
    for (const std::string& b : words) {
      EXPECT_DOUBLE_EQ(matching_internal::FastJaroWinkler(a, b), JaroWinkler(a, b))
          << a << "|" << b;
      const int d = DamerauLevenshtein(a, b);
      for (int limit = 0; limit < 4; ++limit) {
        EXPECT_EQ(matching_internal::BoundedDamerauLevenshtein(a, b, limit), std::min(d, limit + 1))
            << a << "|" << b << " limit " << limit;
      }
    }
  }
  for (const std::string& a : words) {
    for (const std::string& b : words) {
      for (double t : {0.5, 0.8, 0.92, 0.99}) {
        if (!matching_internal::MayReachJaroWinkler(a, b, t)) {
          EXPECT_LT(JaroWinkler(a, b), t) << a << "|" << b;
        }
      }
    }
  }
  EXPECT_FALSE(matching_internal::MayReachJaroWinkler("al", "alexandra", 0.92));
  EXPECT_TRUE(matching_internal::MayReachJaroWinkler("alex", "alexa", 0.92));
  // A transposition that skips a row of the DP does not trip the early exit.
  EXPECT_EQ(matching_internal::BoundedDamerauLevenshtein("ab", "ba", 1), 1);
  EXPECT_EQ(matching_internal::BoundedDamerauLevenshtein("3193520", "3915320", 2), 2);
}

}  // namespace
}  // namespace clientele::identity
