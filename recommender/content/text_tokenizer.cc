#include "recommender/content/text_tokenizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <string>

namespace clientele::recommender {
namespace {

constexpr UChar32 kDotlessI = 0x0131;

// NFKC, full case folding, NFD, combining marks (Mn) dropped, dotless i -> i, NFC.
icu::UnicodeString Fold(absl::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return {};
  // Invalid UTF-8 becomes U+FFFD, which is not a letter or digit: a separator.
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  s = nfkc->normalize(s, status);
  s.foldCase(U_FOLD_CASE_DEFAULT);
  s = nfd->normalize(s, status);
  icu::UnicodeString stripped;
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    stripped.append(c == kDotlessI ? UChar32{'i'} : c);
  }
  icu::UnicodeString result = nfc->normalize(stripped, status);
  if (U_FAILURE(status)) return {};
  return result;
}

bool IsWordChar(UChar32 c) { return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK)) != 0; }

}  // namespace

std::string FoldForMatching(absl::string_view text) {
  std::string out;
  Fold(text).toUTF8String(out);
  return out;
}

std::vector<std::string> Tokenize(absl::string_view text, const TokenizerOptions& options) {
  const icu::UnicodeString folded = Fold(text);
  std::vector<std::string> tokens;
  icu::UnicodeString token;
  int chars = 0;
  bool all_digits = true;
  auto flush = [&]() {
    if (chars > 0) {
      const bool keep = all_digits ? options.keep_numbers : chars >= options.min_token_chars;
      if (keep) {
        std::string utf8;
        token.toUTF8String(utf8);
        tokens.push_back(std::move(utf8));
      }
    }
    token.remove();
    chars = 0;
    all_digits = true;
  };
  for (int32_t i = 0; i < folded.length();) {
    const UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (IsWordChar(c)) {
      token.append(c);
      ++chars;
      if (!(U_GET_GC_MASK(c) & U_GC_N_MASK)) all_digits = false;
    } else {
      flush();
    }
  }
  flush();
  return tokens;
}

}  // namespace clientele::recommender
