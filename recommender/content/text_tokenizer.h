// Tokenization of product names and descriptions for content similarity (UTF-8, ICU).
//
//   Tokenize("IŞIK Çay-Bardağı 6'lı")   // {"isik", "cay", "bardagi", "6", "li"}
//   Tokenize("WHITE HANGING HEART T-LIGHT HOLDER")
//                                       // {"white", "hanging", "heart", "t", "light", "holder"}
//
// Folding (FoldForMatching) makes Turkish and English spellings meet the way
// identity's NameComparisonKey does: NFKC, full case folding, "ı" (dotless i) -> "i",
// combining marks removed after NFD ("ş" -> "s", "ğ" -> "g", "ç" -> "c", "ö" -> "o",
// "ü" -> "u", "İ" -> "i", "é" -> "e"). So "IŞIK", "Işık" and "isik" fold alike.
// A token is a maximal run of letters and digits (Unicode general categories L* and N*);
// everything else separates tokens. Invalid UTF-8 sequences act as separators (no crash).
// Pure functions; thread-safe.
#ifndef CLIENTELE_RECOMMENDER_CONTENT_TEXT_TOKENIZER_H_
#define CLIENTELE_RECOMMENDER_CONTENT_TEXT_TOKENIZER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace clientele::recommender {

struct TokenizerOptions {
  // Tokens shorter than this many code points are dropped (digits-only tokens are kept
  // when keep_numbers is true, whatever their length).
  int min_token_chars = 1;
  bool keep_numbers = true;
};

// The folded form of `text` (see the file comment); separators are kept as they are.
std::string FoldForMatching(absl::string_view text);

// The folded tokens of `text`, in order, duplicates kept.
std::vector<std::string> Tokenize(absl::string_view text, const TokenizerOptions& options = {});

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_CONTENT_TEXT_TOKENIZER_H_
