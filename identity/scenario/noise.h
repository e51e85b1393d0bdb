// The noise that channels add to what they record about a person: typos, Turkish letters
// written in ASCII, upper case, phone formats, e-mail case and plus tags, address
// abbreviations. Pure functions of their input and an Rng; thread-compatible.
#ifndef CLIENTELE_IDENTITY_SCENARIO_NOISE_H_
#define CLIENTELE_IDENTITY_SCENARIO_NOISE_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "identity/scenario/pools.h"
#include "identity/scenario/rng.h"

namespace clientele::identity::scenario {

// What kind of noise a record got. Counted per record and kind in ScenarioStats.
enum class NoiseKind : int {
  kTypoKeyboard,         // A letter replaced by a keyboard neighbour.
  kTypoDeletion,         // A letter dropped.
  kTypoTransposition,    // Two adjacent letters swapped.
  kTypoInsertion,        // A letter doubled.
  kTransliteration,      // Turkish letters written in ASCII (Ş->S, ı->i, ğ->g ...).
  kUpperCase,            // Names in capitals.
  kNameSwap,             // Given and family name swapped.
  kFullNameOnly,         // The name in one field ("full_name").
  kMissingField,         // A field the channel usually has, left empty.
  kPhoneFormat,          // A phone written otherwise than in E.164.
  kEmailCase,            // E-mail with upper-case letters.
  kEmailPlusTag,         // E-mail with a "+tag".
  kBirthDateSwap,        // Day and month swapped.
  kBirthDateMissing,     // Birth date left out.
  kAddressAbbreviation,  // "Mahallesi" -> "Mah.", "Road" -> "Rd" ...
  kSharedEmail,          // The household's e-mail instead of the person's own.
  kSharedLandline,       // The household's landline instead of the person's mobile.
  kCount
};

// A stable lower_snake name: "typo_keyboard", "transliteration" ...
std::string_view NoiseKindName(NoiseKind kind);

using NoiseCounts = std::array<int64_t, static_cast<int>(NoiseKind::kCount)>;

// Turkish letters to their ASCII look-alikes: "Şükrü Işık" -> "Sukru Isik", "İğdır" ->
// "Igdir". Other text is unchanged.
std::string AsciiFold(std::string_view text);

// True if `text` has one of Ş ş Ğ ğ İ ı Ç ç Ö ö Ü ü.
bool HasTurkishLetters(std::string_view text);

// Upper case with the locale's rules: Turkish "i" -> "İ", "ı" -> "I"; others ASCII-only.
std::string UpperCase(std::string_view text, Locale locale);

// Lower-case ASCII only.
std::string LowerAscii(std::string_view text);

// One typo at a random letter of `text` (UTF-8), of a random kind; sets `kind`. Text of fewer
// than three letters is returned unchanged with `kind` = kCount.
std::string Typo(std::string_view text, Rng& rng, NoiseKind* kind);

// `e164` ("+905321234567") written as a person or a clerk might: "+90 532 123 45 67",
// "0532 123 45 67", "532-123-4567", "(0532) 1234567", "0090 532 ...". Sets `reformatted` to
// false when the E.164 form itself came out. The result parses back to `e164` with the
// locale's country as the default region.
std::string FormatPhone(std::string_view e164, Locale locale, Rng& rng, bool* reformatted);

// "Mahallesi" -> "Mah.", "Caddesi" -> "Cad.", "Sokak" -> "Sk.", "Road" -> "Rd" ...; returns
// `line` unchanged when it has nothing to abbreviate.
std::string AbbreviateAddress(std::string_view line);

}  // namespace clientele::identity::scenario

#endif  // CLIENTELE_IDENTITY_SCENARIO_NOISE_H_
