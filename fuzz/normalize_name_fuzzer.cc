// Fuzzes identity/normalize/name: NormalizeName and NameComparisonKey are idempotent
// (normalizing a normalized name changes nothing) and NameTokens are sorted words of the key.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/text/utf8.h"
#include "fuzz/fuzz_check.h"
#include "identity/normalize/name.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const std::string name = clientele::identity::NormalizeName(raw);
  FUZZ_CHECK(clientele::text::IsValidUtf8(name));
  FUZZ_CHECK(clientele::identity::NormalizeName(name) == name);
  const std::string key = clientele::identity::NameComparisonKey(raw);
  FUZZ_CHECK(clientele::text::IsValidUtf8(key));
  FUZZ_CHECK(clientele::identity::NameComparisonKey(key) == key);
  const auto tokens = clientele::identity::NameTokens(raw);
  FUZZ_CHECK(std::is_sorted(tokens.begin(), tokens.end()));
  for (const std::string& token : tokens) FUZZ_CHECK(!token.empty());
  return 0;
}
