// Fast checks on UTF-8 text for the ingest hot path: no allocation, no regex, no ICU.
//
//   if (!IsValidUtf8(name)) return Reject("invalid_utf8");
//   if (HasControlChars(description)) return Reject("invalid_format");
//
// All functions are pure and thread-safe. The CMake target is clientele::utf8 (declared in
// ingest/validation/CMakeLists.txt).
#ifndef CLIENTELE_COMMON_TEXT_UTF8_H_
#define CLIENTELE_COMMON_TEXT_UTF8_H_

#include <string_view>

namespace clientele::text {

// Returns true iff `s` is well-formed UTF-8 as defined by Unicode 15 (Table 3-7): it rejects
// stray continuation bytes, truncated sequences, overlong encodings (C0, C1, E0 80..9F,
// F0 80..8F), UTF-16 surrogates U+D800..U+DFFF (ED A0..BF) and code points above U+10FFFF
// (F4 90.., F5..FF). NUL bytes are valid UTF-8; use HasAnyControlChars to reject them.
bool IsValidUtf8(std::string_view s);

// Returns true iff `s` contains a C0 control byte (0x00..0x1F) other than tab (0x09),
// line feed (0x0A) and carriage return (0x0D). For free text such as names and descriptions.
bool HasControlChars(std::string_view s);

// Returns true iff `s` contains any C0 control byte (0x00..0x1F, tab and line breaks
// included) or DEL (0x7F). For single-line identifiers.
bool HasAnyControlChars(std::string_view s);

// Code points that change how text displays, or make equal-looking strings differ, while
// showing nothing themselves (a "hidden" character here):
//  - bidi embeddings, overrides and isolates: U+202A..U+202E, U+2066..U+2069 (the Trojan
//    Source characters: "\u202Egpj.exe" shows as "exe.jpg");
//  - invisible characters: U+200B zero-width space, U+2060 word joiner, U+FEFF zero-width
//    no-break space (a byte order mark inside text);
//  - only when `include_joiners`: U+200C zero-width non-joiner and U+200D zero-width joiner,
//    which Persian, Indic scripts and emoji sequences need in running text, but which no
//    identifier or e-mail address needs.
// Returns the first one in `s` (which must be valid UTF-8), or 0 if there is none. Pure ASCII
// is answered without decoding.
char32_t FindHiddenChar(std::string_view s, bool include_joiners);

// IsValidUtf8(s) && FindHiddenChar(s, include_joiners) == 0, in one pass (the validators' fast
// path).
bool IsValidUtf8WithoutHiddenChars(std::string_view s, bool include_joiners);

// "a bidi control" or "an invisible character", for a code point FindHiddenChar returned.
const char* HiddenCharKind(char32_t c);

}  // namespace clientele::text

#endif  // CLIENTELE_COMMON_TEXT_UTF8_H_
