#include "identity/normalize/name.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/text/utf8.h"
#include "unicode/locid.h"
#include "unicode/normalizer2.h"
#include "unicode/translit.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"
#include "unicode/utypes.h"

namespace clientele::identity {
namespace {

constexpr UChar32 kSpace = 0x20;

bool IsWordChar(UChar32 c) {
  return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) != 0;
}

// Hyphen-like and apostrophe-like characters that may join two parts of one word, mapped to
// their ASCII spelling; 0 for anything else.
UChar32 Joiner(UChar32 c) {
  switch (c) {
    case 0x2D:    // HYPHEN-MINUS
    case 0x2010:  // HYPHEN
    case 0x2011:  // NON-BREAKING HYPHEN
      return 0x2D;
    case 0x27:    // APOSTROPHE
    case 0x2019:  // RIGHT SINGLE QUOTATION MARK
    case 0x02BC:  // MODIFIER LETTER APOSTROPHE
      return 0x27;
    default:
      return 0;
  }
}

icu::UnicodeString Nfc(const icu::UnicodeString& s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return s;
  icu::UnicodeString out = nfc->normalize(s, status);
  return U_SUCCESS(status) ? out : s;
}

// Collapses runs of U+0020 into one and trims them at both ends.
icu::UnicodeString CollapseSpaces(const icu::UnicodeString& s) {
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1)) {
    const UChar32 c = s.char32At(i);
    if (c == kSpace) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.isEmpty()) out.append(kSpace);
    pending_space = false;
    out.append(c);
  }
  return out;
}

std::string ToUtf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// NormalizeName as a UnicodeString; empty for invalid UTF-8.
icu::UnicodeString NormalizeNameUnicode(std::string_view raw) {
  if (raw.empty() || !text::IsValidUtf8(raw)) return {};
  icu::UnicodeString s =
      Nfc(icu::UnicodeString::fromUTF8(icu::StringPiece(raw.data(), raw.size())));
  static const icu::Locale& kTurkish = *new icu::Locale("tr");
  s.toLower(kTurkish);
  s = Nfc(s);

  icu::UnicodeString out;
  bool pending_break = false;
  bool last_was_word = false;  // last code point appended to `out` is a word character
  for (int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1)) {
    const UChar32 c = s.char32At(i);
    if (IsWordChar(c)) {
      if (pending_break && !out.isEmpty()) out.append(kSpace);
      pending_break = false;
      out.append(c);
      last_was_word = true;
      continue;
    }
    if (u_charType(c) == U_FORMAT_CHAR) continue;  // soft hyphen, ZWSP, ZWJ, bidi marks...
    const UChar32 joiner = Joiner(c);
    const int32_t next = s.moveIndex32(i, 1);
    if (joiner != 0 && !pending_break && last_was_word && next < s.length() &&
        IsWordChar(s.char32At(next))) {
      out.append(joiner);
      last_was_word = false;
      continue;
    }
    pending_break = true;
    last_was_word = false;
  }
  return out;
}

// Returns this thread's transliterator that strips diacritics and folds Latin to ASCII, or
// nullptr if ICU cannot build it (missing data); ICU transliterators are not safe for
// concurrent use, hence one per thread.
icu::Transliterator* FoldingTransliterator() {
  thread_local std::unique_ptr<icu::Transliterator> transliterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
        "NFD; [:Nonspacing Mark:] Remove; NFC; Latin-ASCII", UTRANS_FORWARD, status));
    if (U_FAILURE(status)) t.reset();
    return t;
  }();
  return transliterator.get();
}

// Fallback for FoldingTransliterator: NFD, drop nonspacing marks, NFC.
icu::UnicodeString StripMarks(const icu::UnicodeString& s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) return s;
  const icu::UnicodeString decomposed = nfd->normalize(s, status);
  if (U_FAILURE(status)) return s;
  icu::UnicodeString out;
  for (int32_t i = 0; i < decomposed.length(); i = decomposed.moveIndex32(i, 1)) {
    const UChar32 c = decomposed.char32At(i);
    if (u_charType(c) != U_NON_SPACING_MARK) out.append(c);
  }
  return Nfc(out);
}

}  // namespace

std::string NormalizeName(std::string_view raw) { return ToUtf8(NormalizeNameUnicode(raw)); }

std::string NameComparisonKey(std::string_view raw) {
  const icu::UnicodeString name = NormalizeNameUnicode(raw);
  if (name.isEmpty()) return {};
  icu::UnicodeString key;
  for (int32_t i = 0; i < name.length(); i = name.moveIndex32(i, 1)) {
    const UChar32 c = name.char32At(i);
    if (c == 0x27) continue;  // apostrophe: "o'brien" -> "obrien"
    if (c == 0x2D) {
      key.append(kSpace);  // hyphen: "ayşe-nur" -> "ayşe nur"
    } else if (c == 0x0131) {
      key.append(static_cast<UChar32>(0x69));  // dotless ı -> i
    } else {
      key.append(c);
    }
  }
  if (icu::Transliterator* t = FoldingTransliterator()) {
    t->transliterate(key);
  } else {
    key = StripMarks(key);
  }
  key.toLower(icu::Locale::getRoot());
  // Folding can turn a word character into punctuation ("¼" -> "1/4", "ŉ" -> "'n"): treat it
  // as above (apostrophes dropped, anything else a word break), so that a key is its own key.
  icu::UnicodeString folded;
  for (int32_t i = 0; i < key.length(); i = key.moveIndex32(i, 1)) {
    const UChar32 c = key.char32At(i);
    if (c == 0x27) continue;
    folded.append(IsWordChar(c) ? c : kSpace);
  }
  // Removing marks can leave a word empty (a lone combining mark), so collapse again.
  return ToUtf8(CollapseSpaces(folded));
}

std::vector<std::string> NameTokens(std::string_view raw) {
  const std::string key = NameComparisonKey(raw);
  std::vector<std::string> tokens = absl::StrSplit(absl::string_view(key), ' ', absl::SkipEmpty());
  std::sort(tokens.begin(), tokens.end());
  return tokens;
}

}  // namespace clientele::identity
