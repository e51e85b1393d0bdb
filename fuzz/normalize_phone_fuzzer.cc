// Fuzzes identity/normalize/phone: an E.164 result normalizes to itself (in any default
// region), and CanonicalPhoneInput keeps its contract NormalizePhoneE164(CanonicalPhoneInput(
// raw, r), r) == NormalizePhoneE164(raw, r). The first byte picks the default region.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "identity/normalize/phone.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view kRegions[] = {"TR", "GB", "US", "DE", "tr", "ZZ", "", "XX"};
  const std::string_view region = kRegions[data[0] % 8];
  const std::string_view raw(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto e164 = clientele::identity::NormalizePhoneE164(raw, region);
  const std::string canonical = clientele::identity::CanonicalPhoneInput(raw, region);
  FUZZ_CHECK(clientele::identity::NormalizePhoneE164(canonical, region) == e164);
  if (!e164) return 0;
  FUZZ_CHECK(!e164->empty() && (*e164)[0] == '+');
  for (std::string_view other : {region, std::string_view("GB")}) {
    const auto twice = clientele::identity::NormalizePhoneE164(*e164, other);
    FUZZ_CHECK(twice.has_value());
    FUZZ_CHECK(*twice == *e164);
  }
  return 0;
}
