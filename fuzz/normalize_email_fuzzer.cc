// Fuzzes identity/normalize/email: NormalizeEmail is idempotent (a normalized address is
// accepted and left unchanged) and its result is valid UTF-8 with exactly one '@'.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/text/utf8.h"
#include "fuzz/fuzz_check.h"
#include "identity/normalize/email.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  static const auto* rules = new clientele::identity::EmailRules();
  const auto once = clientele::identity::NormalizeEmail(raw, *rules);
  if (!once) return 0;
  FUZZ_CHECK(clientele::text::IsValidUtf8(*once));
  FUZZ_CHECK(std::count(once->begin(), once->end(), '@') == 1);
  const auto twice = clientele::identity::NormalizeEmail(*once, *rules);
  FUZZ_CHECK(twice.has_value());
  FUZZ_CHECK(*twice == *once);
  return 0;
}
