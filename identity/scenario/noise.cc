#include "identity/scenario/noise.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_replace.h"
#include "identity/scenario/cat.h"

namespace clientele::identity::scenario {
namespace {

constexpr std::string_view kNoiseKindNames[] = {
    "typo_keyboard",   "typo_deletion",      "typo_transposition",
    "typo_insertion",  "transliteration",    "upper_case",
    "name_swap",       "full_name_only",     "missing_field",
    "phone_format",    "email_case",         "email_plus_tag",
    "birth_date_swap", "birth_date_missing", "address_abbreviation",
    "shared_email",    "shared_landline"};
static_assert(sizeof(kNoiseKindNames) / sizeof(kNoiseKindNames[0]) ==
              static_cast<size_t>(NoiseKind::kCount));

// Decodes valid UTF-8 (our own pools and outputs); an invalid byte becomes U+FFFD.
std::vector<char32_t> Decode(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

void Append(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string Encode(const std::vector<char32_t>& cps) {
  std::string out;
  out.reserve(cps.size() + 8);
  for (char32_t cp : cps) Append(cp, &out);
  return out;
}

// The ASCII look-alike of a Turkish letter, or 0.
char FoldTurkish(char32_t cp) {
  switch (cp) {
    case U'Ş':
      return 'S';
    case U'ş':
      return 's';
    case U'Ğ':
      return 'G';
    case U'ğ':
      return 'g';
    case U'İ':
      return 'I';
    case U'ı':
      return 'i';
    case U'Ç':
      return 'C';
    case U'ç':
      return 'c';
    case U'Ö':
      return 'O';
    case U'ö':
      return 'o';
    case U'Ü':
      return 'U';
    case U'ü':
      return 'u';
    default:
      return 0;
  }
}

bool IsLetter(char32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || FoldTurkish(cp) != 0;
}

// Neighbours on a QWERTY keyboard (Turkish Q layout has the same letter block).
std::string_view Neighbours(char lower) {
  static constexpr std::string_view kRows[26] = {
      "qwsz",    "vghn",  "xdfv", "erfcxs", "wsdr", "rtgvcd", "tyhbvf", "yujnbg", "ujko",
      "uikmnh",  "iolmj", "opk",  "njk",    "bhjm", "iklp",   "ol",     "wa",     "edft",
      "qweadzx", "rfgy",  "yhji", "cfgb",   "qase", "zsdc",   "tghu",   "asx"};
  return kRows[lower - 'a'];
}

}  // namespace

std::string_view NoiseKindName(NoiseKind kind) { return kNoiseKindNames[static_cast<int>(kind)]; }

std::string AsciiFold(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : Decode(text)) {
    const char folded = FoldTurkish(cp);
    if (folded != 0) {
      out.push_back(folded);
    } else {
      Append(cp, &out);
    }
  }
  return out;
}

bool HasTurkishLetters(std::string_view text) {
  for (char32_t cp : Decode(text)) {
    if (FoldTurkish(cp) != 0) return true;
  }
  return false;
}

std::string UpperCase(std::string_view text, Locale locale) {
  std::vector<char32_t> cps = Decode(text);
  for (char32_t& cp : cps) {
    if (locale == Locale::kTurkish && cp == U'i') {
      cp = U'İ';
    } else if (cp == U'ı') {
      cp = U'I';
    } else if (cp >= 'a' && cp <= 'z') {
      cp = cp - 'a' + 'A';
    } else if (cp == U'ş') {
      cp = U'Ş';
    } else if (cp == U'ğ') {
      cp = U'Ğ';
    } else if (cp == U'ç') {
      cp = U'Ç';
    } else if (cp == U'ö') {
      cp = U'Ö';
    } else if (cp == U'ü') {
      cp = U'Ü';
    }
  }
  return Encode(cps);
}

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Typo(std::string_view text, Rng& rng, NoiseKind* kind) {
  std::vector<char32_t> cps = Decode(text);
  std::vector<size_t> letters;
  for (size_t i = 0; i < cps.size(); ++i) {
    if (IsLetter(cps[i])) letters.push_back(i);
  }
  if (letters.size() < 3) {
    *kind = NoiseKind::kCount;
    return std::string(text);
  }
  // Typos rarely hit the first letter of a word.
  const size_t pick = letters.size() > 1 && rng.Bernoulli(0.9) ? 1 + rng.Below(letters.size() - 1)
                                                               : rng.Below(letters.size());
  const size_t pos = letters[pick];
  switch (rng.Below(4)) {
    case 0: {
      *kind = NoiseKind::kTypoKeyboard;
      const char32_t cp = cps[pos];
      const char folded = FoldTurkish(cp) != 0 ? FoldTurkish(cp) : static_cast<char>(cp);
      const bool upper = folded >= 'A' && folded <= 'Z';
      const char lower = upper ? static_cast<char>(folded - 'A' + 'a') : folded;
      const std::string_view near = Neighbours(lower);
      const char replacement = near[rng.Below(near.size())];
      cps[pos] = upper ? replacement - 'a' + 'A' : replacement;
      break;
    }
    case 1:
      *kind = NoiseKind::kTypoDeletion;
      cps.erase(cps.begin() + static_cast<std::ptrdiff_t>(pos));
      break;
    case 2: {
      *kind = NoiseKind::kTypoTransposition;
      // Swap with the next letter (or the previous one at the end).
      size_t other = pos + 1 < cps.size() && IsLetter(cps[pos + 1]) ? pos + 1 : pos - 1;
      if (other >= cps.size() || !IsLetter(cps[other])) other = pos;
      std::swap(cps[pos], cps[other]);
      if (other == pos || cps[pos] == cps[other]) {  // Nothing changed: drop it instead.
        *kind = NoiseKind::kTypoDeletion;
        cps.erase(cps.begin() + static_cast<std::ptrdiff_t>(pos));
      }
      break;
    }
    default:
      *kind = NoiseKind::kTypoInsertion;
      cps.insert(cps.begin() + static_cast<std::ptrdiff_t>(pos), cps[pos]);
      break;
  }
  return Encode(cps);
}

std::string FormatPhone(std::string_view e164, Locale locale, Rng& rng, bool* reformatted) {
  *reformatted = true;
  const std::string_view cc = PoolsFor(locale).phone_country_code;
  // Our numbers are always +<cc><national>.
  const std::string_view national = e164.substr(1 + cc.size());
  if (locale == Locale::kTurkish) {
    // 3-3-2-2 grouping of the 10 national digits.
    const std::string_view a = national.substr(0, 3), b = national.substr(3, 3),
                           c = national.substr(6, 2), d = national.substr(8);
    switch (rng.Below(9)) {
      case 0:
        return Cat("+90 ", a, " ", b, " ", c, " ", d);
      case 1:
        return Cat("0", a, " ", b, " ", c, " ", d);
      case 2:
        return Cat("0(", a, ") ", b, " ", c, " ", d);
      case 3:
        return Cat("0", national);
      case 4:
        return Cat(a, " ", b, " ", c, d);
      case 5:
        return Cat("+90-", a, "-", b, "-", c, "-", d);
      case 6:
        return Cat("0090 ", a, " ", b, " ", c, d);
      case 7:
        return Cat(a, "-", b, "-", c, "-", d);
      default:
        *reformatted = false;
        return std::string(e164);
    }
  }
  // GB: mobiles and 1xxx areas 4+rest, London and Cardiff (2x) 2+4+4, others 3+3+4.
  std::string grouped;
  if (national[0] == '2') {
    grouped = Cat(national.substr(0, 2), " ", national.substr(2, 4), " ", national.substr(6));
  } else if (national[0] == '7' || national.size() == 10 && national.substr(0, 2) == "12") {
    grouped = Cat(national.substr(0, 4), " ", national.substr(4));
  } else {
    grouped = Cat(national.substr(0, 3), " ", national.substr(3, 3), " ", national.substr(6));
  }
  switch (rng.Below(6)) {
    case 0:
      return Cat("+44 ", grouped);
    case 1:
      return Cat("0", grouped);
    case 2:
      return Cat("0", national);
    case 3:
      return Cat("0044 ", grouped);
    case 4:
      return Cat("+44-", absl::StrReplaceAll(grouped, {{" ", "-"}}));
    default:
      *reformatted = false;
      return std::string(e164);
  }
}

std::string AbbreviateAddress(std::string_view line) {
  return absl::StrReplaceAll(absl::string_view(line.data(), line.size()), {{"Mahallesi", "Mah."},
                                                                           {"Caddesi", "Cad."},
                                                                           {"Sokağı", "Sk."},
                                                                           {"Sokak", "Sk."},
                                                                           {"Bulvarı", "Blv."},
                                                                           {"Daire:", "D:"},
                                                                           {" Road", " Rd"},
                                                                           {" Street", " St"},
                                                                           {" Avenue", " Ave"},
                                                                           {" Lane", " Ln"},
                                                                           {" Drive", " Dr"},
                                                                           {"Flat ", "Fl "}});
}

}  // namespace clientele::identity::scenario
