// Fuzzes recommender/rules/basket_text: any text parses or is rejected without crashing; a
// parsed result indexes only named items, each named by non-empty valid UTF-8.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "common/text/utf8.h"
#include "fuzz/fuzz_check.h"
#include "recommender/rules/basket_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parsed = clientele::recommender::ParseBasketText(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed.ok()) {
    FUZZ_CHECK(!parsed.status().message().empty());
    return 0;
  }
  const auto& names = parsed->item_names;
  for (const auto& name : names) {
    FUZZ_CHECK(!name.empty() && clientele::text::IsValidUtf8(name));
  }
  const auto& transactions = parsed->transactions;
  for (int32_t t = 0; t < transactions.size(); ++t) {
    FUZZ_CHECK(!transactions[t].empty());
    for (int32_t item : transactions[t]) {
      FUZZ_CHECK(item >= 0 && static_cast<size_t>(item) < names.size());
    }
  }
  return 0;
}
