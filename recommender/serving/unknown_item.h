// The answer to a SKU the serving snapshot does not know: NOT_FOUND naming the SKU and the
// nearest known items, so a caller who mistyped (or left off the trailing space of
// "whole milk ") sees what to ask for. Used by every read call that takes a SKU.
//
//   if (!s.FindItem(sku)) return UnknownItemError(s, "skus[0]", sku);
//   // NOT_FOUND: skus[0]: 'wole milk' is not known; nearest known items: 'whole milk ',
//   //            'whole milk', 'butter milk'
//
// Nearness compares ASCII-trimmed, ASCII-lowercased text against each item's SKU and name:
// items containing the asked text come first, then fewer edits (Damerau-Levenshtein over code
// points, on the first 64 bytes), then SKU order. Cost: one pass over the catalog. Pure
// functions, thread-safe.
#ifndef CLIENTELE_RECOMMENDER_SERVING_UNKNOWN_ITEM_H_
#define CLIENTELE_RECOMMENDER_SERVING_UNKNOWN_ITEM_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "recommender/serving/serving_snapshot.h"

namespace clientele::recommender {

// Up to `count` item indexes of `s`, nearest to `text` first.
std::vector<int32_t> NearestItems(const ServingSnapshot& s, absl::string_view text, int count);

// NOT_FOUND "<field>: '<sku>' is not known; nearest known items: '<sku>' (<name>), ..." (the
// name only when it differs from the SKU; quotes keep trailing spaces visible).
absl::Status UnknownItemError(const ServingSnapshot& s, absl::string_view field,
                              absl::string_view sku);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_SERVING_UNKNOWN_ITEM_H_
