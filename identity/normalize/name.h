// Person-name normalization with ICU, Turkish-aware.
//
//   NormalizeName("  IŞIK,   Ayşe ")      // "ışık ayşe"   (display-quality, still Turkish)
//   NameComparisonKey("Şükrü O'Brien")     // "sukru obrien" (ASCII-ish matching key)
//   NameTokens("Yılmaz  Ayşe")             // {"ayse", "yilmaz"}  (order-free)
//
// Invalid UTF-8 yields an empty result from every function (never a crash).
//
// Thread safety: all functions may be called concurrently. NameComparisonKey uses an ICU
// Transliterator, which must not be shared between threads, so each thread lazily creates and
// keeps its own instance (thread_local; freed at thread exit). CMake target:
// clientele::identity_normalize.
#ifndef CLIENTELE_IDENTITY_NORMALIZE_NAME_H_
#define CLIENTELE_IDENTITY_NORMALIZE_NAME_H_

#include <string>
#include <string_view>
#include <vector>

namespace clientele::identity {

// Returns `raw` cleaned for display and exact comparison: Unicode NFC; lowercase with Turkish
// rules ("I" -> "ı", "İ" -> "i", so "IŞIK" -> "ışık", "İSTANBUL" -> "istanbul"; note that
// English "IAN" therefore becomes "ıan" -- compare with NameComparisonKey, which folds "ı" to
// "i"); letters, combining marks and digits are kept; a hyphen or apostrophe (including
// U+2010/U+2011 and U+2019/U+02BC, written out as '-' and '\'') is kept only between two such
// characters ("O'Brien", "Ayşe-Nur"); format characters such as soft hyphens and zero-width
// spaces are dropped; every other character (whitespace, punctuation, symbols, controls) acts
// as a word break, so "Smith,John" -> "smith john" and "J.R." -> "j r"; runs of breaks collapse
// to one space and the result is trimmed.
std::string NormalizeName(std::string_view raw);

// Returns a diacritic-free, case-free key for matching: NormalizeName, then hyphens become
// spaces and apostrophes are removed ("O'Brien" -> "obrien"), "ı" -> "i", combining marks are
// removed after NFD ("ş" -> "s", "ğ" -> "g", "ç" -> "c", "ö" -> "o", "ü" -> "u", "é" -> "e"),
// and ICU's Latin-ASCII transliteration handles the remaining Latin letters ("ß" -> "ss",
// "ø" -> "o", "æ" -> "ae"). So "Şükrü" = "Sukru", "IŞIK" = "Isik" = "ışık", "Müller" = "Muller".
// German "ue" spellings ("Mueller") are not folded. Non-Latin scripts are kept (lowercased).
std::string NameComparisonKey(std::string_view raw);

// The words of NameComparisonKey(raw), sorted, duplicates kept: token order in the input does
// not matter ("Yılmaz Ayşe" and "Ayşe Yılmaz" give {"ayse", "yilmaz"}). Empty for empty input.
std::vector<std::string> NameTokens(std::string_view raw);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_NORMALIZE_NAME_H_
