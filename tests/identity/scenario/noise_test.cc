#include "identity/scenario/noise.h"

#include <set>
#include <string>
#include <tuple>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/normalize/phone.h"
#include "identity/similarity/string_similarity.h"

namespace clientele::identity::scenario {
namespace {

TEST(NoiseTest, AsciiFoldWritesTurkishLettersInAscii) {
  EXPECT_EQ(AsciiFold("Şükrü Işık"), "Sukru Isik");
  EXPECT_EQ(AsciiFold("İğdır Çağlayan Öztürk"), "Igdir Caglayan Ozturk");
  EXPECT_EQ(AsciiFold("O'Brien"), "O'Brien");
}

TEST(NoiseTest, HasTurkishLetters) {
  EXPECT_TRUE(HasTurkishLetters("Ayşe"));
  EXPECT_TRUE(HasTurkishLetters("ı"));
  EXPECT_FALSE(HasTurkishLetters("Ayse"));
}

TEST(NoiseTest, UpperCaseFollowsTurkishRules) {
  EXPECT_EQ(UpperCase("Işık İnce", Locale::kTurkish), "IŞIK İNCE");
  EXPECT_EQ(UpperCase("Emine", Locale::kTurkish), "EMİNE");
  EXPECT_EQ(UpperCase("Emily", Locale::kEnglish), "EMILY");
}

TEST(NoiseTest, TypoIsOneEditAwayAndRecordsItsKind) {
  Rng rng(7);
  int kinds[static_cast<int>(NoiseKind::kCount) + 1] = {};
  for (int i = 0; i < 400; ++i) {
    const std::string name = i % 2 == 0 ? "Gülşen" : "Richardson";
    NoiseKind kind;
    const std::string typo = Typo(name, rng, &kind);
    ASSERT_NE(kind, NoiseKind::kCount);
    ++kinds[static_cast<int>(kind)];
    const int distance = DamerauLevenshtein(name, typo);
    if (kind == NoiseKind::kTypoKeyboard) {
      // A Turkish letter may be replaced by a neighbour of its ASCII look-alike.
      EXPECT_LE(distance, 1) << name << " -> " << typo;
    } else {
      EXPECT_EQ(distance, 1) << name << " -> " << typo;
    }
  }
  EXPECT_GT(kinds[static_cast<int>(NoiseKind::kTypoKeyboard)], 0);
  EXPECT_GT(kinds[static_cast<int>(NoiseKind::kTypoDeletion)], 0);
  EXPECT_GT(kinds[static_cast<int>(NoiseKind::kTypoTransposition)], 0);
  EXPECT_GT(kinds[static_cast<int>(NoiseKind::kTypoInsertion)], 0);
}

TEST(NoiseTest, TypoLeavesShortTextAlone) {
  Rng rng(1);
  NoiseKind kind;
  EXPECT_EQ(Typo("Ed", rng, &kind), "Ed");
  EXPECT_EQ(kind, NoiseKind::kCount);
}

TEST(NoiseTest, EveryPhoneFormatParsesBackToTheNumber) {
  Rng rng(3);
  int reformatted_count = 0;
  for (int i = 0; i < 300; ++i) {
    for (const auto& [e164, locale, region] :
         {std::tuple<std::string, Locale, std::string>{"+905321234567", Locale::kTurkish, "TR"},
          {"+902164441122", Locale::kTurkish, "TR"},
          {"+447701912345", Locale::kEnglish, "GB"},
          {"+442079460958", Locale::kEnglish, "GB"},
          {"+441612345678", Locale::kEnglish, "GB"},
          {"+441273123456", Locale::kEnglish, "GB"}}) {
      bool reformatted = false;
      const std::string written = FormatPhone(e164, locale, rng, &reformatted);
      reformatted_count += reformatted;
      EXPECT_EQ(reformatted, written != e164);
      EXPECT_EQ(NormalizePhoneE164(written, region), e164) << written;
    }
  }
  EXPECT_GT(reformatted_count, 0);
}

TEST(NoiseTest, AbbreviateAddress) {
  EXPECT_EQ(AbbreviateAddress("Moda Mahallesi Şair Nedim Sokak No: 4 Daire: 2"),
            "Moda Mah. Şair Nedim Sk. No: 4 D: 2");
  EXPECT_EQ(AbbreviateAddress("12 Station Road"), "12 Station Rd");
  EXPECT_EQ(AbbreviateAddress("nothing here"), "nothing here");
}

TEST(NoiseTest, NoiseKindNamesAreDistinct) {
  std::set<std::string_view> names;
  for (int k = 0; k < static_cast<int>(NoiseKind::kCount); ++k) {
    names.insert(NoiseKindName(static_cast<NoiseKind>(k)));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(NoiseKind::kCount));
}

}  // namespace
}  // namespace clientele::identity::scenario
