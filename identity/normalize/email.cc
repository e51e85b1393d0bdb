#include "identity/normalize/email.h"

#include <algorithm>
#include <cstddef>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/text/utf8.h"
#include "unicode/locid.h"
#include "unicode/unistr.h"

namespace clientele::identity {
namespace {

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Lowercases ASCII directly and anything else with ICU's root locale (not Turkish: email
// addresses are not Turkish text, and "I" must stay "i").
std::string Lowercase(std::string_view s) {
  if (IsAscii(s)) return absl::AsciiStrToLower(absl::string_view(s.data(), s.size()));
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), s.size()));
  u.toLower(icu::Locale::getRoot());
  std::string out;
  u.toUTF8String(out);
  return out;
}

bool HasForbiddenByte(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F) return true;  // controls and space
    switch (c) {
      case '(':
      case ')':
      case '<':
      case '>':
      case '[':
      case ']':
      case ':':
      case ';':
      case ',':
      case '\\':
      case '"':
        return true;
      default:
        break;
    }
  }
  return false;
}

// The (lowercase) domain needs a dot, no empty labels and no label starting or ending with '-'.
bool IsPlausibleDomain(std::string_view domain) {
  if (domain.find('.') == std::string_view::npos) return false;
  for (absl::string_view label :
       absl::StrSplit(absl::string_view(domain.data(), domain.size()), '.')) {
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> NormalizeEmail(std::string_view raw, const EmailRules& rules) {
  if (!text::IsValidUtf8(raw)) return std::nullopt;
  const absl::string_view trimmed =
      absl::StripAsciiWhitespace(absl::string_view(raw.data(), raw.size()));
  const std::string_view s(trimmed.data(), trimmed.size());
  if (s.empty() || HasForbiddenByte(s)) return std::nullopt;

  const size_t at = s.find('@');
  if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view local_raw = s.substr(0, at);
  std::string_view domain_raw = s.substr(at + 1);
  if (!domain_raw.empty() && domain_raw.back() == '.') domain_raw.remove_suffix(1);
  if (local_raw.empty() || domain_raw.empty()) return std::nullopt;

  std::string local = Lowercase(local_raw);
  std::string domain = Lowercase(domain_raw);
  if (!IsPlausibleDomain(domain)) return std::nullopt;

  if (auto alias = rules.domain_aliases.find(domain); alias != rules.domain_aliases.end()) {
    domain = alias->second;
  }
  if (rules.strip_plus_tags) {
    const size_t plus = local.find('+');
    if (plus != std::string::npos && plus > 0) local.resize(plus);
  }
  if (rules.gmail_dots && std::find(rules.dotless_domains.begin(), rules.dotless_domains.end(),
                                    domain) != rules.dotless_domains.end()) {
    local.erase(std::remove(local.begin(), local.end(), '.'), local.end());
    if (local.empty()) return std::nullopt;
  }
  local.push_back('@');
  local.append(domain);
  return local;
}

}  // namespace clientele::identity
