// Makes text that came from a file or a peer safe to show on a terminal or in a log line:
//
//   std::fprintf(stderr, "%s\n", text::EscapeForTerminal(status.message(), 4096).c_str());
//
// A binary or hostile file must not reach the terminal raw: ESC sequences can move the cursor,
// retitle the window or hide text, and bidi controls can reorder what is shown.
#ifndef CLIENTELE_COMMON_TEXT_TERMINAL_ESCAPE_H_
#define CLIENTELE_COMMON_TEXT_TERMINAL_ESCAPE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace clientele::text {

// `s` with every character that does not print as itself escaped, C-style:
//  - tab, LF, CR as \t \n \r; other C0 controls, DEL and bytes that are not valid UTF-8 as
//    \xHH;
//  - C1 controls (U+0080..U+009F) and the hidden characters of FindHiddenChar (bidi controls,
//    zero-width characters, U+FEFF, joiners included) as \u{HHHH}.
// Printable ASCII (backslash included) and other valid UTF-8 are kept, so escaping is
// idempotent: a message escaped where it is built (an importer) and again where it is shown
// (the CLI) reads the same. It is for display, not reversible. The result is cut at a character
// boundary to at most `max_bytes` bytes plus "..." when `s` did not fit. Pure and thread-safe.
std::string EscapeForTerminal(std::string_view s, size_t max_bytes = 4096);

}  // namespace clientele::text

#endif  // CLIENTELE_COMMON_TEXT_TERMINAL_ESCAPE_H_
