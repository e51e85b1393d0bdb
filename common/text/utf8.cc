#include "common/text/utf8.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace clientele::text {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ULL;
constexpr uint64_t kOnes = 0x0101010101010101ULL;

inline uint64_t Load64(const unsigned char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof(word));
  return word;
}

// True iff some byte of `word` is < n (n <= 128). Exact as a whole-word answer: a borrow only
// starts at a byte that is itself < n.
inline bool HasByteLess(uint64_t word, unsigned n) {
  return ((word - kOnes * n) & ~word & kHighBits) != 0;
}

// The number of leading (lowest-addressed) bytes of `word`, loaded by Load64, whose high bit is
// clear; `high_bits` is word & kHighBits and not zero.
inline int AsciiPrefixLength(uint64_t high_bits) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return __builtin_ctzll(high_bits) >> 3;
#else
  (void)high_bits;
  return 0;  // Correct, just slower: the byte loop skips ASCII one byte at a time.
#endif
}

inline bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

inline bool IsTextControl(unsigned char c) {
  return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

inline bool IsAnyControl(unsigned char c) { return c < 0x20 || c == 0x7F; }

// Validates the one multi-byte sequence that starts at *p (a byte >= 0x80) and advances *p
// past it. Unicode 15, Table 3-7 (well-formed byte sequences).
inline bool ConsumeMultiByte(const unsigned char** p, const unsigned char* end) {
  const unsigned char* q = *p;
  const unsigned char c = q[0];
  const std::ptrdiff_t left = end - q;
  if (c < 0xC2) return false;  // Continuation byte as lead, or overlong 2-byte (C0, C1).
  if (c < 0xE0) {              // U+0080..U+07FF
    if (left < 2 || !IsContinuation(q[1])) return false;
    *p = q + 2;
    return true;
  }
  if (c < 0xF0) {  // U+0800..U+FFFF
    if (left < 3) return false;
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;  // E0 80..9F is overlong.
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;  // ED A0..BF are surrogates.
    if (q[1] < lo || q[1] > hi || !IsContinuation(q[2])) return false;
    *p = q + 3;
    return true;
  }
  if (c < 0xF5) {  // U+10000..U+10FFFF
    if (left < 4) return false;
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;  // F0 80..8F is overlong.
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;  // F4 90.. is above U+10FFFF.
    if (q[1] < lo || q[1] > hi || !IsContinuation(q[2]) || !IsContinuation(q[3])) return false;
    *p = q + 4;
    return true;
  }
  return false;  // F5..FF never appear in UTF-8.
}

}  // namespace

// True iff the well-formed sequence at `lead` is a hidden character (see FindHiddenChar).
inline bool IsHiddenAt(const unsigned char* lead, bool include_joiners) {
  if (lead[0] == 0xEF) return lead[1] == 0xBB && lead[2] == 0xBF;
  if (lead[0] != 0xE2 || (lead[1] != 0x80 && lead[1] != 0x81)) return false;
  const char32_t c = 0x2000 + ((lead[1] & 0x3F) << 6) + (lead[2] & 0x3F);
  return c == 0x200B || (include_joiners && (c == 0x200C || c == 0x200D)) ||
         (c >= 0x202A && c <= 0x202E) || c == 0x2060 || (c >= 0x2066 && c <= 0x2069);
}

// IsValidUtf8, and with kHidden also false at the first hidden character (FindHiddenChar).
template <bool kHidden>
bool ScanUtf8(std::string_view s, bool include_joiners) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* const end = p + s.size();
  // Whole words first: most ingest text (ids, SKUs, codes, English) is pure ASCII.
  while (end - p >= 8) {
    const uint64_t high = Load64(p) & kHighBits;
    if (high == 0) {
      p += 8;
      continue;
    }
    p += AsciiPrefixLength(high);
    if (*p < 0x80) {  // Only without the ctz shortcut.
      ++p;
      continue;
    }
    const unsigned char* const lead = p;
    if (!ConsumeMultiByte(&p, end)) return false;
    if (kHidden && IsHiddenAt(lead, include_joiners)) return false;
  }
  // Fewer than 8 bytes left, starting at a character boundary. If the last 8 bytes of a long
  // enough string are ASCII, so is the rest.
  if (s.size() >= 8 && (Load64(end - 8) & kHighBits) == 0) return true;
  while (p < end) {
    if (*p < 0x80) {
      ++p;
    } else {
      const unsigned char* const lead = p;
      if (!ConsumeMultiByte(&p, end)) return false;
      if (kHidden && IsHiddenAt(lead, include_joiners)) return false;
    }
  }
  return true;
}

bool IsValidUtf8(std::string_view s) { return ScanUtf8<false>(s, false); }

bool IsValidUtf8WithoutHiddenChars(std::string_view s, bool include_joiners) {
  return ScanUtf8<true>(s, include_joiners);
}

bool HasControlChars(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* const end = p + s.size();
  if (s.size() < 8) {
    for (; p < end; ++p) {
      if (IsTextControl(*p)) return true;
    }
    return false;
  }
  // Whole words, then the last 8 bytes (overlapping the previous word: rechecking is harmless).
  for (;; p += 8) {
    if (end - p < 8) p = end - 8;
    if (HasByteLess(Load64(p), 0x20)) {
      for (int i = 0; i < 8; ++i) {
        if (IsTextControl(p[i])) return true;
      }
    }
    if (p + 8 == end) return false;
  }
}

bool HasAnyControlChars(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* const end = p + s.size();
  if (s.size() < 8) {
    for (; p < end; ++p) {
      if (IsAnyControl(*p)) return true;
    }
    return false;
  }
  for (;; p += 8) {
    if (end - p < 8) p = end - 8;
    const uint64_t word = Load64(p);
    // DEL (0x7F) is the only byte whose XOR with 0x7F is zero.
    if (HasByteLess(word, 0x20) || HasByteLess(word ^ (kOnes * 0x7F), 1)) return true;
    if (p + 8 == end) return false;
  }
}

char32_t FindHiddenChar(std::string_view s, bool include_joiners) {
  const auto* const begin = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* const end = begin + s.size();
  // Most ids and much text are ASCII: answered a word at a time, without a call.
  const unsigned char* a = begin;
  while (end - a >= 8 && (Load64(a) & kHighBits) == 0) a += 8;
  while (a < end && *a < 0x80) ++a;
  if (a == end) return 0;
  char32_t first = 0;
  size_t first_at = s.size();
  // Every hidden character is E2 80 xx, E2 81 xx or EF BB BF.
  for (const unsigned char* p = begin;
       (p = static_cast<const unsigned char*>(std::memchr(p, 0xE2, end - p))) != nullptr; ++p) {
    if (end - p < 3) break;
    const char32_t c = 0x2000 + ((p[1] & 0x3F) << 6) + (p[2] & 0x3F);
    const bool hidden =
        (p[1] == 0x80 || p[1] == 0x81) &&
        (c == 0x200B || (include_joiners && (c == 0x200C || c == 0x200D)) ||
         (c >= 0x202A && c <= 0x202E) || c == 0x2060 || (c >= 0x2066 && c <= 0x2069));
    if (hidden) {
      first = c;
      first_at = static_cast<size_t>(p - begin);
      break;
    }
  }
  for (const unsigned char* p = begin;
       (p = static_cast<const unsigned char*>(std::memchr(p, 0xEF, end - p))) != nullptr; ++p) {
    if (static_cast<size_t>(p - begin) >= first_at || end - p < 3) break;
    if (p[1] == 0xBB && p[2] == 0xBF) return 0xFEFF;
  }
  return first;
}

const char* HiddenCharKind(char32_t c) {
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ? "a bidi control"
                                                                      : "an invisible character";
}

}  // namespace clientele::text
