#include "recommender/content/text_tokenizer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::recommender {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(TextTokenizerTest, SplitsOnNonLetterNonDigitAndLowercases) {
  EXPECT_THAT(Tokenize("WHITE HANGING HEART T-LIGHT HOLDER"),
              ElementsAre("white", "hanging", "heart", "t", "light", "holder"));
  EXPECT_THAT(Tokenize("  SET/6 RED spotty paper cups,  "),
              ElementsAre("set", "6", "red", "spotty", "paper", "cups"));
  EXPECT_THAT(Tokenize(""), IsEmpty());
  EXPECT_THAT(Tokenize(" ,.;- "), IsEmpty());
}

TEST(TextTokenizerTest, TurkishLettersFoldLikeIdentityNameKeys) {
  EXPECT_THAT(Tokenize("IŞIK Çay-Bardağı 6'lı"), ElementsAre("isik", "cay", "bardagi", "6", "li"));
  EXPECT_EQ(FoldForMatching("İSTANBUL"), "istanbul");
  EXPECT_EQ(FoldForMatching("ışık"), FoldForMatching("IŞIK"));
  EXPECT_EQ(FoldForMatching("Gümüş Ödül"), "gumus odul");
  EXPECT_EQ(FoldForMatching("Café"), "cafe");
  // Full-width and compatibility forms meet their plain spellings (NFKC).
  EXPECT_EQ(FoldForMatching("ＡＢＣ"), "abc");
}

TEST(TextTokenizerTest, NonLatinScriptsAreTokensToo) {
  EXPECT_THAT(Tokenize("Чай зелёный"), ElementsAre("чаи", "зеленыи"));  // marks removed
  EXPECT_THAT(Tokenize("ΚΑΦΕΣ"), ElementsAre("καφεσ"));
}

TEST(TextTokenizerTest, MinLengthAndNumbers) {
  TokenizerOptions options;
  options.min_token_chars = 3;
  EXPECT_THAT(Tokenize("a of 12 red mug", options), ElementsAre("12", "red", "mug"));
  options.keep_numbers = false;
  EXPECT_THAT(Tokenize("a of 12 red mug", options), ElementsAre("red", "mug"));
}

TEST(TextTokenizerTest, InvalidUtf8SeparatesInsteadOfCrashing) {
  EXPECT_THAT(Tokenize("red\xff\xfemug\xc3"), ElementsAre("red", "mug"));
}

}  // namespace
}  // namespace clientele::recommender
