// Fuzzes identity/normalize/address: NormalizePostalCode is idempotent, and AddressTokens of
// its own tokens (joined by spaces) gives the same tokens.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/text/utf8.h"
#include "fuzz/fuzz_check.h"
#include "identity/normalize/address.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const std::string postal = clientele::identity::NormalizePostalCode(raw);
  FUZZ_CHECK(clientele::text::IsValidUtf8(postal));
  FUZZ_CHECK(clientele::identity::NormalizePostalCode(postal) == postal);
  const auto tokens = clientele::identity::AddressTokens(raw);
  std::string joined;
  for (const std::string& token : tokens) {
    FUZZ_CHECK(!token.empty());
    if (!joined.empty()) joined += ' ';
    joined += token;
  }
  FUZZ_CHECK(clientele::identity::AddressTokens(joined) == tokens);
  return 0;
}
