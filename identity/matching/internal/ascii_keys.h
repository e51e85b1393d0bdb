// Fast paths of NameComparisonKey and AddressTokens (identity/normalize) for pure-ASCII input,
// which is most of what sources send. They return exactly what the ICU-based functions return
// (tests/identity/matching/ascii_keys_test.cc checks this on random and tricky strings), in
// a fraction of the time; for input with any byte >= 0x80 they return false and the caller
// uses the ICU functions. Pure and thread-safe. Internal to clientele::identity_matching.
#ifndef CLIENTELE_IDENTITY_MATCHING_INTERNAL_ASCII_KEYS_H_
#define CLIENTELE_IDENTITY_MATCHING_INTERNAL_ASCII_KEYS_H_

#include <string>
#include <string_view>
#include <vector>

namespace clientele::identity::matching_internal {

// NameComparisonKey(raw) into *key if `raw` is ASCII; false (key untouched) otherwise.
bool AsciiNameKey(std::string_view raw, std::string* key);

// AddressTokens(line) appended to *tokens if `line` is ASCII; false (tokens untouched)
// otherwise.
bool AsciiAddressTokens(std::string_view line, std::vector<std::string>* tokens);

// NameComparisonKey with the ASCII fast path; other input (up to 256 bytes) is memoized per
// thread (at most 65,536 entries, then the memo starts over).
std::string ComparisonKey(std::string_view raw);

// AddressTokens with the ASCII fast path, appended to *tokens; other input is keyed word by
// word (words at ASCII spaces) through ComparisonKey and its memo.
void AppendAddressTokens(std::string_view line, std::vector<std::string>* tokens);

}  // namespace clientele::identity::matching_internal

#endif  // CLIENTELE_IDENTITY_MATCHING_INTERNAL_ASCII_KEYS_H_
