// String similarity measures for entity resolution, computed over Unicode code points.
//
//   double s = JaroWinkler("Şükrü", "Sukru");               // in [0, 1], 1 = identical
//   int d = DamerauLevenshtein("kitten", "sitting");        // 3 edits
//   double j = TokenSetSimilarity({"ayse", "yilmaz"}, {"yilmaz", "ayse"});  // 1.0
//
// Inputs are UTF-8 and are decoded to code points first, so "ş" (2 bytes) counts as one
// character. Malformed UTF-8 never crashes: each invalid byte decodes to U+FFFD. These functions
// do no normalization (case, diacritics); feed them the output of identity/normalize first.
//
// All functions are pure and thread-safe. CMake target: clientele::string_similarity.
#ifndef CLIENTELE_IDENTITY_SIMILARITY_STRING_SIMILARITY_H_
#define CLIENTELE_IDENTITY_SIMILARITY_STRING_SIMILARITY_H_

#include <string>
#include <string_view>
#include <vector>

namespace clientele::identity {

// Decodes UTF-8 into code points. Each byte that does not start a well-formed sequence (stray
// continuation, truncated or overlong sequence, surrogate, > U+10FFFF) becomes U+FFFD.
std::u32string DecodeUtf8(std::string_view s);

// Jaro similarity of `a` and `b`, in [0, 1]. Two empty strings score 1, one empty string 0.
double Jaro(std::string_view a, std::string_view b);

// Jaro-Winkler similarity in [0, 1]: Jaro plus a bonus for a common prefix of up to 4 code
// points, jw = j + l * p * (1 - j). `prefix_scale` (p) is clamped to [0, 0.25] so the result
// stays <= 1. The bonus is applied at every Jaro score (no 0.7 "boost threshold"), which
// matches the usual reference values: ("MARTHA", "MARHTA") = 0.9611, ("DWAYNE", "DUANE") = 0.84,
// ("DIXON", "DICKSONX") = 0.8133.
double JaroWinkler(std::string_view a, std::string_view b, double prefix_scale = 0.1);

// Damerau-Levenshtein distance, optimal string alignment variant: the fewest insertions,
// deletions, substitutions and transpositions of adjacent code points turning `a` into `b`,
// where no substring is edited more than once. So ("ca", "abc") = 3 (true Damerau-Levenshtein
// would give 2). O(|a| * |b|) time, O(|b|) memory.
int DamerauLevenshtein(std::string_view a, std::string_view b);

// 1 - DamerauLevenshtein(a, b) / max(|a|, |b|) in code points, in [0, 1]; 1 for two empty
// strings.
double NormalizedDamerauLevenshteinSimilarity(std::string_view a, std::string_view b);

// Jaccard similarity |A ∩ B| / |A ∪ B| of the token sets (duplicates and order are ignored).
// Two empty sets score 1 (identical); one empty set scores 0. Callers that treat an empty
// field as "unknown" must check for it before scoring.
double TokenSetSimilarity(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_SIMILARITY_STRING_SIMILARITY_H_
