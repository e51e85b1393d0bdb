#include "recommender/rules/basket_text.h"

#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"

namespace clientele::recommender {

absl::StatusOr<BasketText> ParseBasketText(absl::string_view text) {
  BasketText data;
  absl::flat_hash_map<std::string, int32_t> index;
  std::vector<int32_t> basket;
  int64_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t eol = text.find('\n');
    absl::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == absl::string_view::npos ? text.size() : eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!text::IsValidUtf8(std::string_view(line.data(), line.size()))) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_number, ": invalid UTF-8"));
    }
    basket.clear();
    for (;;) {
      const size_t comma = line.find(',');
      const absl::string_view name = line.substr(0, comma);
      if (name.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", line_number,
                         ": empty item name (two commas in a row, or a "
                         "leading or trailing comma)"));
      }
      auto [it, inserted] =
          index.emplace(std::string(name), static_cast<int32_t>(data.item_names.size()));
      if (inserted) data.item_names.emplace_back(name);
      basket.push_back(it->second);
      if (comma == absl::string_view::npos) break;
      line.remove_prefix(comma + 1);
    }
    data.transactions.Add(basket);
  }
  return data;
}

}  // namespace clientele::recommender
