#include "identity/matching/blocking.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace clientele::identity {
namespace {

constexpr size_t kMinDeletionIdLength = 4;
constexpr size_t kMaxDeletionIdLength = 24;

char SoundexCode(char c) {
  switch (c) {
    case 'b':
    case 'f':
    case 'p':
    case 'v':
      return '1';
    case 'c':
    case 'g':
    case 'j':
    case 'k':
    case 'q':
    case 's':
    case 'x':
    case 'z':
      return '2';
    case 'd':
    case 't':
      return '3';
    case 'l':
      return '4';
    case 'm':
    case 'n':
      return '5';
    case 'r':
      return '6';
    case 'h':
    case 'w':
      return 'h';  // Does not separate equal codes.
    default:
      return '0';  // Vowels, y and non-letters: separate equal codes, not coded.
  }
}

std::string DateDigits(int value, int width) {
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "%0*d", width, value % 10000);
  return buffer;
}

}  // namespace

std::string SoundexOfFirstWord(std::string_view name) {
  const size_t space = name.find(' ');
  const std::string_view word = name.substr(0, space);
  if (word.empty()) return {};
  const bool ascii = std::all_of(word.begin(), word.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii) {  // The first 3 code points.
    size_t end = 0;
    for (int cp = 0; cp < 3 && end < word.size(); ++cp) {
      ++end;
      while (end < word.size() && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80) ++end;
    }
    return std::string(word.substr(0, end));
  }
  std::string out(1, word[0]);
  char last = SoundexCode(word[0]);
  for (size_t i = 1; i < word.size() && out.size() < 4; ++i) {
    const char code = SoundexCode(word[i]);
    if (code == 'h') continue;
    if (code != '0' && code != last) out.push_back(code);
    last = code;
  }
  out.resize(4, '0');
  return out;
}

bool IsDeterministicKey(std::string_view key) {
  return key.size() >= 2 && key[1] == ':' &&
         (key[0] == 'e' || key[0] == 'p' || key[0] == 'l' || key[0] == 'n');
}

std::vector<std::string> BlockingKeys(const PersonRecord& r) {
  std::vector<std::string> keys;
  keys.reserve(24);
  if (!r.email.empty()) keys.push_back(absl::StrCat("e:", r.email));
  if (!r.phone.empty()) keys.push_back(absl::StrCat("p:", r.phone));
  if (!r.loyalty_id.empty()) keys.push_back(absl::StrCat("l:", r.loyalty_id));
  if (!r.national_id_hash.empty()) keys.push_back(absl::StrCat("n:", r.national_id_hash));

  for (const auto& [attribute, value] : r.secondary_ids) {
    keys.push_back(absl::StrCat("s:", attribute, "=", value));
    if (value.size() < kMinDeletionIdLength || value.size() > kMaxDeletionIdLength) continue;
    for (size_t i = 0; i < value.size(); ++i) {
      std::string deleted = value;
      deleted.erase(i, 1);
      keys.push_back(absl::StrCat("s:", attribute, "=", deleted));
    }
  }

  const std::string given = SoundexOfFirstWord(r.given_name);
  const std::string family = SoundexOfFirstWord(r.family_name);
  const std::string year = r.has_birth_date() ? DateDigits(r.birth_year, 4) : std::string();
  if (r.has_birth_date()) {
    keys.push_back(
        absl::StrCat("d:", year, DateDigits(r.birth_month, 2), DateDigits(r.birth_day, 2)));
  }
  if (!family.empty() && !year.empty()) keys.push_back(absl::StrCat("fy:", family, year));
  if (!given.empty() && !family.empty()) {
    keys.push_back(absl::StrCat("gf:", given, family));
    keys.push_back(absl::StrCat("gf:", family, given));
  }
  if (r.name_tokens.size() >= 3) {  // Compound names, which sources split differently.
    std::string words = "nt:";
    for (const std::string& w : r.name_tokens) absl::StrAppend(&words, w, " ");
    keys.push_back(std::move(words));
  }
  if (!r.postal_code.empty()) {
    if (!family.empty()) keys.push_back(absl::StrCat("fz:", family, r.postal_code));
    if (!given.empty()) keys.push_back(absl::StrCat("gz:", given, r.postal_code));
  }
  if (!given.empty() && r.has_birth_date()) {
    keys.push_back(
        absl::StrCat("gm:", given, DateDigits(r.birth_month, 2), DateDigits(r.birth_day, 2)));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace clientele::identity
