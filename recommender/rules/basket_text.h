// Reads market-basket text (the arules "basket" format, e.g. Groceries): one transaction per
// line, items separated by commas, item names kept byte for byte as written between the commas
// (no trimming: "cream cheese " and "cream cheese" are different items).
//
//   CLT_ASSIGN_OR_RETURN(BasketText data, ParseBasketText(file_contents));
//   data.transactions.size();   // baskets
//   data.item_names[3];         // the name of item index 3 (indexes in order of first use)
//
// A trailing "\r" (CRLF files) is dropped; blank lines are skipped (they are not baskets);
// an item repeated inside one basket counts once. Pure functions, thread-safe.
#ifndef CLIENTELE_RECOMMENDER_RULES_BASKET_TEXT_H_
#define CLIENTELE_RECOMMENDER_RULES_BASKET_TEXT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "recommender/rules/transactions.h"

namespace clientele::recommender {

struct BasketText {
  Transactions transactions;
  std::vector<std::string> item_names;  // Index -> name.
};

// InvalidArgument names the line (1-based) for an empty item name ("a,,b", a leading or
// trailing comma) or invalid UTF-8.
absl::StatusOr<BasketText> ParseBasketText(absl::string_view text);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_RULES_BASKET_TEXT_H_
