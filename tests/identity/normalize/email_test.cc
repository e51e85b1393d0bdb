#include "identity/normalize/email.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::identity {
namespace {

using ::testing::Eq;
using ::testing::Optional;

TEST(NormalizeEmailTest, TrimsAndLowercases) {
  EXPECT_THAT(NormalizeEmail("  Ayse.Yilmaz@Firma.COM.TR \t\n"),
              Optional(Eq("ayse.yilmaz@firma.com.tr")));
  EXPECT_THAT(NormalizeEmail("JOHN@EXAMPLE.ORG"), Optional(Eq("john@example.org")));
}

TEST(NormalizeEmailTest, StripsPlusTags) {
  EXPECT_THAT(NormalizeEmail("john+newsletter@example.com"), Optional(Eq("john@example.com")));
  EXPECT_THAT(NormalizeEmail("john+a+b@example.com"), Optional(Eq("john@example.com")));
  // A leading '+' would leave nothing: keep the local part as is.
  EXPECT_THAT(NormalizeEmail("+tag@example.com"), Optional(Eq("+tag@example.com")));
}

TEST(NormalizeEmailTest, DropsDotsOnlyForDotlessDomains) {
  EXPECT_THAT(NormalizeEmail("John.Smith@gmail.com"), Optional(Eq("johnsmith@gmail.com")));
  EXPECT_THAT(NormalizeEmail("j.o.h.n.smith+x@Gmail.Com"), Optional(Eq("johnsmith@gmail.com")));
  EXPECT_THAT(NormalizeEmail("john.smith@outlook.com"), Optional(Eq("john.smith@outlook.com")));
}

TEST(NormalizeEmailTest, AliasesGooglemail) {
  EXPECT_THAT(NormalizeEmail("john.smith+promo@googlemail.com"),
              Optional(Eq("johnsmith@gmail.com")));
  EXPECT_EQ(NormalizeEmail("John.Smith@googlemail.com"), NormalizeEmail("johnsmith@gmail.com"));
}

TEST(NormalizeEmailTest, RulesCanBeTurnedOff) {
  EmailRules rules;
  rules.strip_plus_tags = false;
  rules.gmail_dots = false;
  rules.domain_aliases.clear();
  EXPECT_THAT(NormalizeEmail("John.Smith+x@googlemail.com", rules),
              Optional(Eq("john.smith+x@googlemail.com")));
}

TEST(NormalizeEmailTest, CustomRules) {
  EmailRules rules;
  rules.dotless_domains = {"example.com"};
  rules.domain_aliases = {{"example.org", "example.com"}};
  EXPECT_THAT(NormalizeEmail("a.b@example.org", rules), Optional(Eq("ab@example.com")));
  EXPECT_THAT(NormalizeEmail("a.b@gmail.com", rules), Optional(Eq("a.b@gmail.com")));
}

TEST(NormalizeEmailTest, TrailingDotOfDomain) {
  EXPECT_THAT(NormalizeEmail("john@example.com."), Optional(Eq("john@example.com")));
}

TEST(NormalizeEmailTest, NonAsciiIsLowercasedWithRootLocale) {
  EXPECT_THAT(NormalizeEmail("ŞÜKRÜ@ÖRNEK.COM.TR"), Optional(Eq("şükrü@örnek.com.tr")));
  // Root locale, not Turkish: ASCII 'I' becomes 'i', never 'ı'.
  EXPECT_THAT(NormalizeEmail("IŞIK@example.com"), Optional(Eq("işik@example.com")));
}

TEST(NormalizeEmailTest, RejectsNonEmails) {
  EXPECT_EQ(NormalizeEmail(""), std::nullopt);
  EXPECT_EQ(NormalizeEmail("   "), std::nullopt);
  EXPECT_EQ(NormalizeEmail("john"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("john@"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("@example.com"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("john@localhost"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("john@@example.com"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("john@doe@example.com"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("john smith@example.com"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("john@exa mple.com"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("john@example..com"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("john@.example.com"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("john@-example.com"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("john@example.com.."), std::nullopt);
  EXPECT_EQ(NormalizeEmail("John <john@example.com>"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("a,b@example.com"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("\"john\"@example.com"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("...@gmail.com"), std::nullopt);  // nothing left after dots
}

TEST(NormalizeEmailTest, BadBytesDoNotCrash) {
  EXPECT_EQ(NormalizeEmail("jo\xFFhn@example.com"), std::nullopt);
  EXPECT_EQ(NormalizeEmail("john@exam\xC3"), std::nullopt);
  EXPECT_EQ(NormalizeEmail(std::string("jo\0hn@example.com", 17)), std::nullopt);
  EXPECT_EQ(NormalizeEmail("john\x01@example.com"), std::nullopt);
}

TEST(NormalizeEmailTest, IsIdempotent) {
  for (const char* raw : {"John.Smith+x@GoogleMail.com", "Ayse@Firma.com.tr", "ŞÜKRÜ@örnek.tr"}) {
    const std::optional<std::string> once = NormalizeEmail(raw);
    ASSERT_TRUE(once.has_value()) << raw;
    EXPECT_EQ(NormalizeEmail(*once), once) << raw;
  }
}

}  // namespace
}  // namespace clientele::identity
