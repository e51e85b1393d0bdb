#include "identity/normalize/name.h"

#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::identity {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(NormalizeNameTest, TurkishCaseFolding) {
  EXPECT_EQ(NormalizeName("IŞIK"), "ışık");
  EXPECT_EQ(NormalizeName("İSTANBUL"), "istanbul");
  EXPECT_EQ(NormalizeName("ÇAĞLAR ÖZTÜRK"), "çağlar öztürk");
  EXPECT_EQ(NormalizeName("Şükrü"), "şükrü");
  EXPECT_EQ(NormalizeName("AYŞE YILMAZ"), "ayşe yılmaz");
  EXPECT_EQ(NormalizeName("İlknur Işıl"), "ilknur ışıl");
}

TEST(NormalizeNameTest, EnglishNames) {
  EXPECT_EQ(NormalizeName("John Smith"), "john smith");
  EXPECT_EQ(NormalizeName("MÜLLER"), "müller");
  EXPECT_EQ(NormalizeName("Zoë Brontë"), "zoë brontë");
  // Turkish rules apply to every input: capital I is dotless.
  EXPECT_EQ(NormalizeName("IAN"), "ıan");
}

TEST(NormalizeNameTest, ComposesToNfc) {
  // "S" + COMBINING CEDILLA, "u" + COMBINING DIAERESIS, "I" + COMBINING DOT ABOVE.
  EXPECT_EQ(NormalizeName("S\u0327u\u0308kru\u0308"), "şükrü");
  EXPECT_EQ(NormalizeName("I\u0307STANBUL"), "istanbul");
  EXPECT_EQ(NormalizeName("S\u0327u\u0308kru\u0308"), NormalizeName("Şükrü"));
}

TEST(NormalizeNameTest, CollapsesAndTrimsWhitespace) {
  EXPECT_EQ(NormalizeName("  Ayşe \t\n  Yılmaz  "), "ayşe yılmaz");
  EXPECT_EQ(NormalizeName("Ayşe\u00A0Yılmaz"), "ayşe yılmaz");  // no-break space
  EXPECT_EQ(NormalizeName("Ayşe\u3000Yılmaz"), "ayşe yılmaz");  // ideographic space
}

TEST(NormalizeNameTest, StripsPunctuation) {
  EXPECT_EQ(NormalizeName("Smith, John"), "smith john");
  EXPECT_EQ(NormalizeName("Smith,John"), "smith john");
  EXPECT_EQ(NormalizeName("Dr. Ayşe (Nur) Yılmaz!"), "dr ayşe nur yılmaz");
  EXPECT_EQ(NormalizeName("J.R.R. Tolkien"), "j r r tolkien");
  EXPECT_EQ(NormalizeName("\"Mehmet\" <Kaya>"), "mehmet kaya");
  EXPECT_EQ(NormalizeName("Ali ★ Veli ©"), "ali veli");
}

TEST(NormalizeNameTest, KeepsHyphenAndApostropheInsideWords) {
  EXPECT_EQ(NormalizeName("O'Brien"), "o'brien");
  EXPECT_EQ(NormalizeName("O\u2019Brien"), "o'brien");  // typographic apostrophe
  EXPECT_EQ(NormalizeName("Ayşe-Nur Kaya"), "ayşe-nur kaya");
  EXPECT_EQ(NormalizeName("Jean\u2010Luc"), "jean-luc");  // U+2010 HYPHEN
  EXPECT_EQ(NormalizeName("-Ayşe- 'Nur' Kaya -"), "ayşe nur kaya");
  EXPECT_EQ(NormalizeName("Ayşe - Nur"), "ayşe nur");
  EXPECT_EQ(NormalizeName("Ayşe--Nur"), "ayşe nur");
}

TEST(NormalizeNameTest, DropsFormatCharacters) {
  EXPECT_EQ(NormalizeName("Ay\u00ADşe"), "ayşe");        // soft hyphen
  EXPECT_EQ(NormalizeName("Ay\u200Bşe"), "ayşe");        // zero-width space
  EXPECT_EQ(NormalizeName("\u200EAyşe\u200F"), "ayşe");  // bidi marks
}

TEST(NormalizeNameTest, KeepsDigitsAndOtherScripts) {
  EXPECT_EQ(NormalizeName("Mehmet 2"), "mehmet 2");
  EXPECT_EQ(NormalizeName("ИВАН Петров"), "иван петров");
}

TEST(NormalizeNameTest, EmptyAndBadInput) {
  EXPECT_EQ(NormalizeName(""), "");
  EXPECT_EQ(NormalizeName("   "), "");
  EXPECT_EQ(NormalizeName("...!?"), "");
  EXPECT_EQ(NormalizeName("Ay\xFFşe"), "");
  EXPECT_EQ(NormalizeName("\xC3"), "");
  EXPECT_EQ(NormalizeName("\xED\xA0\x80"), "");  // encoded surrogate
  EXPECT_EQ(NormalizeName(std::string("Ali\0Veli", 8)), "ali veli");
  EXPECT_EQ(NormalizeName("Ali\x01Veli\x7F"), "ali veli");
}

TEST(NormalizeNameTest, IsIdempotent) {
  for (const char* raw : {"IŞIK", "O'Brien-Smith", "  Ayşe,  Yılmaz ", "Şükrü Çağlar"}) {
    const std::string once = NormalizeName(raw);
    EXPECT_EQ(NormalizeName(once), once) << raw;
  }
}

TEST(NameComparisonKeyTest, FoldsTurkishLetters) {
  EXPECT_EQ(NameComparisonKey("Şükrü"), "sukru");
  EXPECT_EQ(NameComparisonKey("Sukru"), "sukru");
  EXPECT_EQ(NameComparisonKey("IŞIK"), "isik");
  EXPECT_EQ(NameComparisonKey("Isik"), "isik");
  EXPECT_EQ(NameComparisonKey("ışık"), "isik");
  EXPECT_EQ(NameComparisonKey("İSTANBUL"), "istanbul");
  EXPECT_EQ(NameComparisonKey("Çağlar"), "caglar");
  EXPECT_EQ(NameComparisonKey("Caglar"), "caglar");
  EXPECT_EQ(NameComparisonKey("ÖZTÜRK"), "ozturk");
  EXPECT_EQ(NameComparisonKey("Gülşen Yılmaz"), "gulsen yilmaz");
}

TEST(NameComparisonKeyTest, FoldsOtherLatinLetters) {
  EXPECT_EQ(NameComparisonKey("Müller"), "muller");
  EXPECT_EQ(NameComparisonKey("Muller"), "muller");
  EXPECT_EQ(NameComparisonKey("José García"), "jose garcia");
  EXPECT_EQ(NameComparisonKey("Zoë"), "zoe");
  EXPECT_EQ(NameComparisonKey("Strauß"), "strauss");
  EXPECT_EQ(NameComparisonKey("Søren Kierkegaard"), "soren kierkegaard");
  EXPECT_EQ(NameComparisonKey("Łukasz"), "lukasz");
  EXPECT_EQ(NameComparisonKey("IAN"), "ian");
  // German transcription is not folded.
  EXPECT_NE(NameComparisonKey("Mueller"), NameComparisonKey("Müller"));
}

TEST(NameComparisonKeyTest, HyphensSplitAndApostrophesJoin) {
  EXPECT_EQ(NameComparisonKey("O'Brien"), "obrien");
  EXPECT_EQ(NameComparisonKey("O\u2019Brien"), "obrien");
  EXPECT_EQ(NameComparisonKey("Ayşe-Nur"), "ayse nur");
  EXPECT_EQ(NameComparisonKey("Ayşe-Nur"), NameComparisonKey("Ayşe Nur"));
}

// Found by fuzz/normalize_name_fuzzer: Latin-ASCII folding turned a letter or number into
// punctuation, so the key of a key differed from the key.
TEST(NameComparisonKeyTest, FoldedPunctuationIsTreatedAsInNamesSoKeysAreIdempotent) {
  EXPECT_EQ(NameComparisonKey("Z¼"), "z 1 4");   // "¼" folds to " 1/4"
  EXPECT_EQ(NameComparisonKey("ŉame"), "name");  // "ŉ" folds to "'n"
  for (const char* raw : {"Z¼", "ŉame", "M æ;ʼll%r ßø æ"}) {
    const std::string key = NameComparisonKey(raw);
    EXPECT_EQ(NameComparisonKey(key), key) << raw;
  }
}

TEST(NameComparisonKeyTest, DecomposedInputMatchesComposed) {
  EXPECT_EQ(NameComparisonKey("S\u0327u\u0308kru\u0308"), "sukru");
  EXPECT_EQ(NameComparisonKey("a \u0301 b"), "a b");  // a lone mark vanishes
}

TEST(NameComparisonKeyTest, NonLatinIsKeptLowercased) {
  EXPECT_EQ(NameComparisonKey("ИВАН"), "иван");
}

TEST(NameComparisonKeyTest, EmptyAndBadInput) {
  EXPECT_EQ(NameComparisonKey(""), "");
  EXPECT_EQ(NameComparisonKey(" - ' "), "");
  EXPECT_EQ(NameComparisonKey("Şükrü\xFF"), "");
  EXPECT_EQ(NameComparisonKey("\xF4\x90\x80\x80"), "");
}

TEST(NameComparisonKeyTest, IsIdempotent) {
  for (const char* raw : {"Şükrü O'Brien", "IŞIK-Çağlar", "Strauß", "Jean\u2010Luc"}) {
    const std::string once = NameComparisonKey(raw);
    EXPECT_EQ(NameComparisonKey(once), once) << raw;
  }
}

TEST(NameComparisonKeyTest, ConcurrentCallsAgree) {
  // Each thread builds its own transliterator; run under TSan to check for races.
  std::vector<std::thread> threads;
  std::vector<std::string> results(8);
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&results, i] {
      for (int k = 0; k < 200; ++k) results[i] = NameComparisonKey("Şükrü Çağlar IŞIK");
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& r : results) EXPECT_EQ(r, "sukru caglar isik");
}

TEST(NameTokensTest, SortedComparisonKeys) {
  EXPECT_THAT(NameTokens("Yılmaz Ayşe"), ElementsAre("ayse", "yilmaz"));
  EXPECT_EQ(NameTokens("Yılmaz Ayşe"), NameTokens("AYŞE YILMAZ"));
  EXPECT_EQ(NameTokens("Smith, John"), NameTokens("john smith"));
  EXPECT_THAT(NameTokens("Ayşe-Nur Kaya"), ElementsAre("ayse", "kaya", "nur"));
  EXPECT_THAT(NameTokens("Ali Ali Veli"), ElementsAre("ali", "ali", "veli"));
}

TEST(NameTokensTest, EmptyAndBadInput) {
  EXPECT_THAT(NameTokens(""), IsEmpty());
  EXPECT_THAT(NameTokens(" ,.; "), IsEmpty());
  EXPECT_THAT(NameTokens("Ayşe\xFF"), IsEmpty());
}

}  // namespace
}  // namespace clientele::identity
