// common/text/utf8.h. (Lives here, not in tests/common/text/, because this folder's owner
// declares the clientele::utf8 target.)
#include "common/text/utf8.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"

namespace clientele::text {
namespace {

// Encodes a code point without any validity check (so it can build overlongs' neighbours).
std::string Encode(uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// A slow, obviously correct decoder: decode by the lead byte's bit pattern, then reject
// overlongs, surrogates and code points above U+10FFFF.
bool ReferenceIsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int len;
    uint32_t cp;
    uint32_t min;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

struct Utf8Case {
  const char* name;
  std::string text;
  bool valid;
};

TEST(Utf8Test, ClassifiesKnownCases) {
  const std::vector<Utf8Case> cases = {
      {"empty", "", true},
      {"ascii", "Hello, world", true},
      {"turkish", "Şükrü İğdır", true},
      {"turkish_long", "Çağrı Öztürk, Ağrı Dağı'nın eteğinde ıslak ışıklar gördü.", true},
      {"nul_is_utf8", std::string("a\0b", 3), true},
      {"two_byte_min", "\xc2\x80", true},
      {"three_byte_min", "\xe0\xa0\x80", true},
      {"before_surrogates", "\xed\x9f\xbf", true},
      {"after_surrogates", "\xee\x80\x80", true},
      {"bmp_max", "\xef\xbf\xbf", true},
      {"four_byte_min", "\xf0\x90\x80\x80", true},
      {"four_byte_max_u10ffff", "\xf4\x8f\xbf\xbf", true},
      {"emoji", "kupa \xf0\x9f\x8d\xb5 ", true},
      {"overlong_slash_2", "\xc0\xaf", false},
      {"overlong_c1", "\xc1\xbf", false},
      {"overlong_slash_3", "\xe0\x80\xaf", false},
      {"overlong_3_max", "\xe0\x9f\xbf", false},
      {"overlong_slash_4", "\xf0\x80\x80\xaf", false},
      {"overlong_4_max", "\xf0\x8f\xbf\xbf", false},
      {"surrogate_low_end", "\xed\xa0\x80", false},
      {"surrogate_high_end", "\xed\xbf\xbf", false},
      {"above_u10ffff", "\xf4\x90\x80\x80", false},
      {"lead_f5", "\xf5\x80\x80\x80", false},
      {"lead_ff", "\xff", false},
      {"lone_continuation", "\x80", false},
      {"truncated_2", "\xc5", false},
      {"truncated_3", "\xe2\x82", false},
      {"truncated_4", "\xf0\x9f\x8d", false},
      {"truncated_after_ascii", "abcdefgh\xc5", false},
      {"bad_continuation", "\xc5\x41", false},
      {"latin1_u_umlaut", "S\xfckr\xfc", false},
      {"invalid_after_long_ascii", "0123456789abcdefghij\xed\xa0\x80xyz", false},
  };
  for (const Utf8Case& c : cases) {
    EXPECT_EQ(IsValidUtf8(c.text), c.valid) << c.name;
    EXPECT_EQ(ReferenceIsValidUtf8(c.text), c.valid) << "reference disagrees: " << c.name;
  }
}

TEST(Utf8Test, AcceptsEveryScalarValueAtEveryAlignment) {
  for (uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const std::string encoded = Encode(cp);
    ASSERT_TRUE(IsValidUtf8(encoded)) << std::hex << cp;
    if (cp % 4099 == 0) {
      for (size_t pad = 0; pad < 9; ++pad) {
        ASSERT_TRUE(IsValidUtf8(std::string(pad, 'a') + encoded + std::string(9, 'b')))
            << std::hex << cp << " pad " << pad;
      }
    }
  }
}

TEST(Utf8Test, RejectsEveryEncodedSurrogate) {
  for (uint32_t cp = 0xD800; cp <= 0xDFFF; ++cp) {
    ASSERT_FALSE(IsValidUtf8(Encode(cp))) << std::hex << cp;
  }
}

TEST(Utf8Test, MatchesReferenceOnAllShortByteStrings) {
  // Every 1-, 2- and 3-byte string, behind 0..8 bytes of ASCII for the fast path's alignment.
  std::string s;
  for (uint32_t n = 0; n < (1u << 24); ++n) {
    s.assign({static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n)});
    ASSERT_EQ(IsValidUtf8(s), ReferenceIsValidUtf8(s)) << std::hex << n;
  }
  for (uint32_t n = 0; n < (1u << 16); ++n) {
    for (size_t pad = 0; pad <= 8; ++pad) {
      s.assign(pad, 'x');
      s += static_cast<char>(n >> 8);
      s += static_cast<char>(n);
      ASSERT_EQ(IsValidUtf8(s), ReferenceIsValidUtf8(s)) << std::hex << n << " pad " << pad;
    }
  }
}

TEST(Utf8Test, MatchesReferenceOnFourByteLeadsWithEdgeContinuations) {
  const unsigned char edges[] = {0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff};
  for (int lead = 0xe0; lead <= 0xff; ++lead) {
    for (unsigned char b1 : edges) {
      for (unsigned char b2 : edges) {
        for (unsigned char b3 : edges) {
          const std::string s = {static_cast<char>(lead), static_cast<char>(b1),
                                 static_cast<char>(b2), static_cast<char>(b3)};
          ASSERT_EQ(IsValidUtf8(s), ReferenceIsValidUtf8(s))
              << std::hex << lead << " " << +b1 << " " << +b2 << " " << +b3;
        }
      }
    }
  }
}

TEST(Utf8Test, HasControlCharsAllowsTabAndLineBreaks) {
  EXPECT_FALSE(HasControlChars(""));
  EXPECT_FALSE(HasControlChars("Şükrü İğdır"));
  EXPECT_FALSE(HasControlChars("line one\r\nline two\tcolumn"));
  EXPECT_FALSE(HasControlChars("DEL \x7f is not C0"));
  for (int c = 0; c < 0x20; ++c) {
    const bool allowed = c == '\t' || c == '\n' || c == '\r';
    for (size_t pad = 0; pad <= 9; ++pad) {
      const std::string s = std::string(pad, 'a') + static_cast<char>(c) + "tail";
      EXPECT_EQ(HasControlChars(s), !allowed) << "byte " << c << " pad " << pad;
    }
  }
}

TEST(Utf8Test, HasAnyControlCharsRejectsAllC0AndDel) {
  EXPECT_FALSE(HasAnyControlChars(""));
  EXPECT_FALSE(HasAnyControlChars("SKU-1 Şükrü ~!"));
  // UTF-8 continuation and lead bytes (0x80..0xF4) are not controls.
  EXPECT_FALSE(HasAnyControlChars("\xc2\x80\xc2\x9f\xf4\x8f\xbf\xbf"));
  for (int c : {0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f}) {
    for (size_t pad = 0; pad <= 9; ++pad) {
      const std::string s = std::string(pad, 'a') + static_cast<char>(c) + "tail";
      EXPECT_TRUE(HasAnyControlChars(s)) << "byte " << c << " pad " << pad;
    }
  }
}

TEST(Utf8Test, ControlCheckersAgreeWithBytewiseDefinitionOnAllBytePairs) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      // Put the pair inside an 8-byte word and in the tail.
      const std::string s = std::string("abcdef") + static_cast<char>(a) + static_cast<char>(b) +
                            "xyz" + static_cast<char>(b);
      bool c0 = false;
      bool any = false;
      for (unsigned char ch : s) {
        c0 |= ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r';
        any |= ch < 0x20 || ch == 0x7f;
      }
      ASSERT_EQ(HasControlChars(s), c0) << a << " " << b;
      ASSERT_EQ(HasAnyControlChars(s), any) << a << " " << b;
    }
  }
}

// UTF-8 of one code point below U+10000.
std::string Encode(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

TEST(Utf8Test, FindHiddenCharFindsExactlyTheListedCodePoints) {
  auto hidden = [](char32_t c, bool joiners) {
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200B ||
           c == 0x2060 || c == 0xFEFF || (joiners && (c == 0x200C || c == 0x200D));
  };
  for (char32_t c = 1; c < 0x10000; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    const std::string s = "Ay" + Encode(c) +
                          "\xC5\x9F"
                          "e";
    for (bool joiners : {false, true}) {
      ASSERT_EQ(FindHiddenChar(s, joiners), hidden(c, joiners) ? c : 0) << std::hex << c;
      ASSERT_EQ(IsValidUtf8WithoutHiddenChars(s, joiners), !hidden(c, joiners)) << std::hex << c;
      // Also past the first 8 bytes, where the word-at-a-time loop runs.
      const std::string longer = "0123456789" + s + "0123456789";
      ASSERT_EQ(IsValidUtf8WithoutHiddenChars(longer, joiners), !hidden(c, joiners))
          << std::hex << c;
    }
  }
}

TEST(Utf8Test, IsValidUtf8WithoutHiddenCharsIsFalseForInvalidUtf8) {
  EXPECT_FALSE(IsValidUtf8WithoutHiddenChars("abc\xC3", false));
  EXPECT_FALSE(IsValidUtf8WithoutHiddenChars("0123456789\xED\xA0\x80", true));
  EXPECT_TRUE(IsValidUtf8WithoutHiddenChars("0123456789 \xC5\x9E\xC3\xBC", true));
}

TEST(Utf8Test, FindHiddenCharReportsTheFirstOne) {
  EXPECT_EQ(FindHiddenChar("a\xEF\xBB\xBF"
                           "b\xE2\x80\xAE",
                           false),
            0xFEFFu);
  EXPECT_EQ(FindHiddenChar("a\xE2\x80\xAE"
                           "b\xEF\xBB\xBF",
                           false),
            0x202Eu);
  EXPECT_EQ(FindHiddenChar("plain ascii", true), 0u);
  EXPECT_EQ(FindHiddenChar("", true), 0u);
  EXPECT_STREQ(HiddenCharKind(0x2066), "a bidi control");
  EXPECT_STREQ(HiddenCharKind(0x200B), "an invisible character");
}

}  // namespace
}  // namespace clientele::text
