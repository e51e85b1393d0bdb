// Fuzzes ingest/validation: any Event that parses from the wire is validated without
// crashing, and a rejection carries one of the documented codes and a field path.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/time/time.h"
#include "clientele/common/v1/event.pb.h"
#include "common/text/utf8.h"
#include "fuzz/fuzz_check.h"
#include "ingest/validation/event_validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  clientele::common::v1::Event event;
  if (!event.ParseFromArray(data, static_cast<int>(size))) return 0;
  // A fixed "now" so that a run is reproducible.
  const absl::Time now = absl::FromUnixSeconds(1'780'000'000);
  const auto rejection = clientele::ingest::ValidateEvent(event, now);
  if (!rejection) return 0;
  static constexpr std::string_view kCodes[] = {
      "required",     "too_long",         "invalid_utf8", "invalid_format",
      "out_of_range", "invalid_currency", "invalid_enum", "too_many"};
  bool known = false;
  for (std::string_view code : kCodes) known = known || rejection->code == code;
  if (!known) std::fprintf(stderr, "unknown rejection code '%s'\n", rejection->code.c_str());
  FUZZ_CHECK(known);
  FUZZ_CHECK(!rejection->reason.empty());
  FUZZ_CHECK(clientele::text::IsValidUtf8(rejection->field));
  FUZZ_CHECK(clientele::text::IsValidUtf8(rejection->reason));
  return 0;
}
