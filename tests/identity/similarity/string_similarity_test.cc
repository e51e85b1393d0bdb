#include "identity/similarity/string_similarity.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::identity {
namespace {

constexpr double kTolerance = 1e-4;

TEST(DecodeUtf8Test, DecodesMultiByteSequences) {
  EXPECT_EQ(DecodeUtf8("aş€😀"), (std::u32string{U'a', U'ş', U'€', U'😀'}));
}

TEST(DecodeUtf8Test, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(DecodeUtf8("\xFF"), std::u32string{U'\uFFFD'});
  EXPECT_EQ(DecodeUtf8("a\xC3"), (std::u32string{U'a', U'\uFFFD'}));          // truncated
  EXPECT_EQ(DecodeUtf8("\xC0\xAF"), (std::u32string{U'\uFFFD', U'\uFFFD'}));  // overlong
  EXPECT_EQ(DecodeUtf8("\xED\xA0\x80").size(), 3u);                           // surrogate
  EXPECT_EQ(DecodeUtf8("\xF4\x90\x80\x80").size(), 4u);                       // > U+10FFFF
  EXPECT_EQ(DecodeUtf8(std::string("a\0b", 3)), (std::u32string{U'a', U'\0', U'b'}));
}

TEST(JaroWinklerTest, ReferenceValues) {
  EXPECT_NEAR(JaroWinkler("MARTHA", "MARHTA"), 0.9611, kTolerance);
  EXPECT_NEAR(JaroWinkler("DWAYNE", "DUANE"), 0.84, kTolerance);
  EXPECT_NEAR(JaroWinkler("DIXON", "DICKSONX"), 0.8133, kTolerance);
  EXPECT_NEAR(Jaro("MARTHA", "MARHTA"), 0.9444, kTolerance);
  EXPECT_NEAR(Jaro("DWAYNE", "DUANE"), 0.8222, kTolerance);
  EXPECT_NEAR(Jaro("DIXON", "DICKSONX"), 0.7667, kTolerance);
}

TEST(JaroWinklerTest, IdenticalAndDisjoint) {
  EXPECT_DOUBLE_EQ(JaroWinkler("ayşe", "ayşe"), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "xyz"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("a", "a"), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("a", "b"), 0.0);
}

TEST(JaroWinklerTest, EmptyStrings) {
  EXPECT_DOUBLE_EQ(JaroWinkler("", ""), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("", "abc"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", ""), 0.0);
}

TEST(JaroWinklerTest, IsSymmetric) {
  EXPECT_DOUBLE_EQ(JaroWinkler("DIXON", "DICKSONX"), JaroWinkler("DICKSONX", "DIXON"));
  EXPECT_DOUBLE_EQ(JaroWinkler("Çağlar", "Caglar"), JaroWinkler("Caglar", "Çağlar"));
}

TEST(JaroWinklerTest, CountsCodePointsNotBytes) {
  // Byte-wise, "ş" (C5 9F) vs "s" would be 2 vs 1 characters; per code point both words have 4
  // characters with 3 matches.
  EXPECT_NEAR(Jaro("ayşe", "ayse"), (3.0 / 4 + 3.0 / 4 + 1.0) / 3, 1e-12);
  EXPECT_NEAR(JaroWinkler("ayşe", "ayse"),
              Jaro("ayşe", "ayse") + 2 * 0.1 * (1 - Jaro("ayşe", "ayse")), 1e-12);
  // "ı" and "i" are different code points.
  EXPECT_LT(JaroWinkler("ışık", "isik"), 1.0);
}

TEST(JaroWinklerTest, PrefixScale) {
  const double jaro = Jaro("MARTHA", "MARHTA");
  EXPECT_DOUBLE_EQ(JaroWinkler("MARTHA", "MARHTA", 0.0), jaro);
  // Clamped to 0.25: a 4-code-point prefix can at most close the whole gap to 1.
  EXPECT_LE(JaroWinkler("ABCDX", "ABCDY", 5.0), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("ABCDX", "ABCDY", 5.0), JaroWinkler("ABCDX", "ABCDY", 0.25));
  EXPECT_DOUBLE_EQ(JaroWinkler("MARTHA", "MARHTA", -1.0), jaro);
}

TEST(JaroWinklerTest, InvalidUtf8DoesNotCrash) {
  const double s = JaroWinkler("\xFF\xFE", "\xC3");
  EXPECT_GE(s, 0.0);
  EXPECT_LE(s, 1.0);
}

TEST(DamerauLevenshteinTest, ReferenceValues) {
  EXPECT_EQ(DamerauLevenshtein("kitten", "sitting"), 3);
  EXPECT_EQ(DamerauLevenshtein("ca", "abc"), 3);  // OSA; unrestricted Damerau gives 2
  EXPECT_EQ(DamerauLevenshtein("ab", "ba"), 1);
  EXPECT_EQ(DamerauLevenshtein("abcdef", "abcdfe"), 1);
  EXPECT_EQ(DamerauLevenshtein("flaw", "lawn"), 2);
  EXPECT_EQ(DamerauLevenshtein("saturday", "sunday"), 3);
}

TEST(DamerauLevenshteinTest, EmptyAndIdentical) {
  EXPECT_EQ(DamerauLevenshtein("", ""), 0);
  EXPECT_EQ(DamerauLevenshtein("", "abc"), 3);
  EXPECT_EQ(DamerauLevenshtein("abc", ""), 3);
  EXPECT_EQ(DamerauLevenshtein("Şükrü", "Şükrü"), 0);
}

TEST(DamerauLevenshteinTest, CountsCodePoints) {
  EXPECT_EQ(DamerauLevenshtein("Şükrü", "Sukru"), 3);
  EXPECT_EQ(DamerauLevenshtein("ışık", "isik"), 3);
  EXPECT_EQ(DamerauLevenshtein("çağ", "ağç"), 2);
  EXPECT_EQ(DamerauLevenshtein("aş", "şa"), 1);  // transposition of multi-byte code points
  EXPECT_EQ(DamerauLevenshtein("", "ğğğ"), 3);
}

TEST(DamerauLevenshteinTest, IsSymmetric) {
  EXPECT_EQ(DamerauLevenshtein("Yılmaz", "Yilmaz"), DamerauLevenshtein("Yilmaz", "Yılmaz"));
  EXPECT_EQ(DamerauLevenshtein("abc", "ca"), 3);
}

TEST(DamerauLevenshteinTest, InvalidUtf8DoesNotCrash) {
  EXPECT_EQ(DamerauLevenshtein("\xFF", "\xFF"), 0);  // both decode to U+FFFD
  EXPECT_EQ(DamerauLevenshtein("a\xC3", "a"), 1);
}

TEST(NormalizedDamerauLevenshteinSimilarityTest, Values) {
  EXPECT_DOUBLE_EQ(NormalizedDamerauLevenshteinSimilarity("", ""), 1.0);
  EXPECT_DOUBLE_EQ(NormalizedDamerauLevenshteinSimilarity("abc", ""), 0.0);
  EXPECT_DOUBLE_EQ(NormalizedDamerauLevenshteinSimilarity("kitten", "sitting"), 1.0 - 3.0 / 7);
  EXPECT_DOUBLE_EQ(NormalizedDamerauLevenshteinSimilarity("ayşe", "ayse"), 0.75);
}

TEST(TokenSetSimilarityTest, Jaccard) {
  using V = std::vector<std::string>;
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(V{"ayse", "yilmaz"}, V{"yilmaz", "ayse"}), 1.0);
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(V{"ayse", "nur", "yilmaz"}, V{"ayse", "yilmaz"}), 2.0 / 3);
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(V{"a", "b"}, V{"c", "d"}), 0.0);
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(V{"a", "b", "c"}, V{"b", "c", "d"}), 0.5);
}

TEST(TokenSetSimilarityTest, DuplicatesAreIgnored) {
  using V = std::vector<std::string>;
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(V{"a", "a", "b"}, V{"a", "b"}), 1.0);
}

TEST(TokenSetSimilarityTest, EmptySets) {
  using V = std::vector<std::string>;
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(V{}, V{}), 1.0);
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(V{"a"}, V{}), 0.0);
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(V{}, V{"a"}), 0.0);
}

TEST(StringSimilarityRobustnessTest, RandomBytesStayInRange) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> length(0, 12);
  std::uniform_int_distribution<int> byte(0, 255);
  auto random_string = [&] {
    std::string s(length(rng), '\0');
    for (char& c : s) c = static_cast<char>(byte(rng));
    return s;
  };
  for (int i = 0; i < 2000; ++i) {
    const std::string a = random_string();
    const std::string b = random_string();
    const double jw = JaroWinkler(a, b);
    EXPECT_GE(jw, 0.0);
    EXPECT_LE(jw, 1.0);
    EXPECT_DOUBLE_EQ(jw, JaroWinkler(b, a));
    const int d = DamerauLevenshtein(a, b);
    EXPECT_EQ(d, DamerauLevenshtein(b, a));
    EXPECT_LE(d, static_cast<int>(std::max(DecodeUtf8(a).size(), DecodeUtf8(b).size())));
    EXPECT_EQ(DamerauLevenshtein(a, a), 0);
  }
}

}  // namespace
}  // namespace clientele::identity
