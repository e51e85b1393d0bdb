#include "identity/normalize/address.h"

#include <cstddef>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/text/utf8.h"
#include "identity/normalize/name.h"

namespace clientele::identity {
namespace {

// Abbreviation -> expansion, both as comparison keys.
std::string_view Expand(std::string_view token) {
  struct Abbreviation {
    std::string_view from;
    std::string_view to;
  };
  static constexpr Abbreviation kAbbreviations[] = {
      {"st", "street"},    {"rd", "road"},     {"ave", "avenue"},   {"cad", "caddesi"},
      {"cd", "caddesi"},   {"sk", "sokak"},    {"sok", "sokak"},    {"mah", "mahallesi"},
      {"mh", "mahallesi"}, {"blv", "bulvari"}, {"bulv", "bulvari"}, {"no", "no"},
  };
  for (const Abbreviation& a : kAbbreviations) {
    if (token == a.from) return a.to;
  }
  return token;
}

}  // namespace

std::string NormalizePostalCode(std::string_view raw) {
  if (!text::IsValidUtf8(raw)) return {};
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) continue;
    if (c == '\xC2' && i + 1 < raw.size() && raw[i + 1] == '\xA0') {  // U+00A0 NO-BREAK SPACE
      ++i;
      continue;
    }
    out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::vector<std::string> AddressTokens(std::string_view line) {
  const std::string key = NameComparisonKey(line);
  std::vector<std::string> tokens;
  for (absl::string_view token : absl::StrSplit(absl::string_view(key), ' ', absl::SkipEmpty())) {
    tokens.emplace_back(Expand(std::string_view(token.data(), token.size())));
  }
  return tokens;
}

}  // namespace clientele::identity
