#include "common/text/terminal_escape.h"

#include <string>

#include "gtest/gtest.h"

namespace clientele::text {
namespace {

TEST(TerminalEscapeTest, KeepsPrintableTextIncludingNonAscii) {
  EXPECT_EQ(EscapeForTerminal("Şükrü Öztürk, İstanbul 5\" €"), "Şükrü Öztürk, İstanbul 5\" €");
}

TEST(TerminalEscapeTest, EscapesControlsAndInvalidBytes) {
  EXPECT_EQ(EscapeForTerminal("\x1b[2J\x07title\tx\ny\rz\x7f"),
            "\\x1B[2J\\x07title\\tx\\ny\\rz\\x7F");
  EXPECT_EQ(EscapeForTerminal(std::string("a\0b\xFF\xC3", 5)), "a\\x00b\\xFF\\xC3");
}

TEST(TerminalEscapeTest, EscapesC1ControlsAndHiddenCharacters) {
  EXPECT_EQ(EscapeForTerminal("\xC2\x9B"
                              "31m"),
            "\\u{009B}31m");  // CSI as a C1 control.
  EXPECT_EQ(EscapeForTerminal("\xE2\x80\xAE"
                              "gpj.exe"),
            "\\u{202E}gpj.exe");
  EXPECT_EQ(EscapeForTerminal("a\xE2\x80\x8D"
                              "b\xEF\xBB\xBF"),
            "a\\u{200D}b\\u{FEFF}");
}

TEST(TerminalEscapeTest, IsIdempotent) {
  const std::string once = EscapeForTerminal("C:\\temp\x1b[2J\xE2\x80\xAE\xFF");
  EXPECT_EQ(once, "C:\\temp\\x1B[2J\\u{202E}\\xFF");
  EXPECT_EQ(EscapeForTerminal(once), once);
}

TEST(TerminalEscapeTest, CutsAtACharacterBoundaryAndMarksTheCut) {
  EXPECT_EQ(EscapeForTerminal("abcdef", 4), "abcd...");
  EXPECT_EQ(EscapeForTerminal("ab\xC5\x9E", 3), "ab...");
  EXPECT_EQ(EscapeForTerminal("ab\x01", 4), "ab...");  // "\x01" would need 4 bytes more.
  EXPECT_EQ(EscapeForTerminal("abc", 3), "abc");
}

}  // namespace
}  // namespace clientele::text
