#include "common/text/terminal_escape.h"

#include "common/text/utf8.h"

namespace clientele::text {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

// Length of the well-formed UTF-8 sequence at s[i] (1..4), or 0 if there is none.
size_t SequenceLength(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (i + n > s.size()) return 0;
  return IsValidUtf8(s.substr(i, n)) ? n : 0;
}

char32_t Decode(std::string_view seq) {
  const auto b = [&](size_t k) {
    return static_cast<char32_t>(static_cast<unsigned char>(seq[k]));
  };
  switch (seq.size()) {
    case 1:
      return b(0);
    case 2:
      return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3:
      return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default:
      return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

}  // namespace

std::string EscapeForTerminal(std::string_view s, size_t max_bytes) {
  std::string out;
  out.reserve(s.size() < max_bytes ? s.size() : max_bytes);
  size_t i = 0;
  std::string piece;
  while (i < s.size()) {
    piece.clear();
    const size_t n = SequenceLength(s, i);
    const auto c = static_cast<unsigned char>(s[i]);
    if (n == 0) {
      piece = {'\\', 'x', kHex[c >> 4], kHex[c & 0xF]};
    } else if (n == 1) {
      if (c == '\t') {
        piece = "\\t";
      } else if (c == '\n') {
        piece = "\\n";
      } else if (c == '\r') {
        piece = "\\r";
      } else if (c < 0x20 || c == 0x7F) {
        piece = {'\\', 'x', kHex[c >> 4], kHex[c & 0xF]};
      } else {
        piece.push_back(static_cast<char>(c));
      }
    } else {
      const std::string_view seq = s.substr(i, n);
      const char32_t cp = Decode(seq);
      if ((cp >= 0x80 && cp <= 0x9F) || FindHiddenChar(seq, /*include_joiners=*/true) != 0) {
        piece = "\\u{";
        for (int shift = 12; shift >= 0; shift -= 4) piece.push_back(kHex[(cp >> shift) & 0xF]);
        piece.push_back('}');
      } else {
        piece.assign(seq.data(), seq.size());
      }
    }
    if (out.size() + piece.size() > max_bytes) {
      out += "...";
      return out;
    }
    out += piece;
    i += n == 0 ? 1 : n;
  }
  return out;
}

}  // namespace clientele::text
