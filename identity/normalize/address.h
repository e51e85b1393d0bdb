// Postal address normalization for matching (small: postal codes and street-line tokens).
//
//   NormalizePostalCode(" sw1a 1aa ")           // "SW1A1AA"
//   AddressTokens("Bağdat Cad. No:12 Kadıköy")
//       // {"bagdat", "caddesi", "no", "12", "kadikoy"}
//   AddressTokens("221B Baker St.")             // {"221b", "baker", "street"}
//
// Thread-safe. CMake target: clientele::identity_normalize.
#ifndef CLIENTELE_IDENTITY_NORMALIZE_ADDRESS_H_
#define CLIENTELE_IDENTITY_NORMALIZE_ADDRESS_H_

#include <string>
#include <string_view>
#include <vector>

namespace clientele::identity {

// Returns `raw` with ASCII letters uppercased and all whitespace (ASCII whitespace and U+00A0)
// removed; other characters, such as the hyphen in "12345-6789", are kept. Empty for invalid UTF-8.
std::string NormalizePostalCode(std::string_view raw);

// Returns the words of an address line as comparison keys (see NameComparisonKey: lowercase,
// no diacritics, punctuation is a word break), in input order, with common abbreviations
// expanded: st -> street, rd -> road, ave -> avenue, cad/cd -> caddesi, sk/sok -> sokak,
// mah/mh -> mahallesi, blv/bulv -> bulvari. "no" stays "no". Expansion is by whole token and
// context-free, so "St. John's Road" also gets "street" (not "saint"). Empty for invalid UTF-8.
// Compare with TokenSetSimilarity when order should not matter.
std::vector<std::string> AddressTokens(std::string_view line);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_NORMALIZE_ADDRESS_H_
