// DatasetBuilder: aggregates raw events (order lines, interactions, explicit ratings) into a
// Dataset, one value per (user, item) pair.
//
// The value of a pair is:
//   - its explicit rating, when it has one (the latest by time wins; MovieLens);
//   - otherwise its implicit rating from order lines (1-5, below) plus the sum of its
//     interaction weights (0 when it has none). Pairs with neither are absent.
//
// Implicit rating from order lines (issue 5). For each pair with order lines:
//   t = number of distinct order ids with a positive-quantity line ("transactions")
//   q = net quantity (returns, i.e. negative quantities, subtract)         ("volume")
//   r = net revenue, the sum of the lines' revenue                          ("revenue")
//   p = r / q, the average unit price paid                                  ("average price")
//   d = days (fractional) from the pair's last positive line to the reference time
//       (options.reference_time, or by default the latest order line in the builder)
// A pair whose t == 0 or q <= 0 (everything returned) gets no implicit rating.
// Log transform: x' = ln(1 + max(x, 0)) for x in {t, q, r, p, d}.
// Each x' is min-max scaled over all rated pairs to s_x in [0, 1]; recency is inverted,
// s_d = 1 - scaled(d'), so recent purchases score high. A feature equal for all pairs gives
// s_x = 1 (recency included).
//   s = (w_t s_t + w_r s_r + w_p s_p + w_d s_d + w_q s_q) / (w_t + w_r + w_p + w_d + w_q)
//   rating = 1 + min(4, floor(5 s))       (s in [0, .2) -> 1, ..., [.8, 1] -> 5)
// Default weights w_t / w_r / w_p / w_d / w_q = 10 / 3 / 3 / 3 / 2.
//
// Not thread-safe; Build() does not change the builder (it can be called again after more Adds).
#ifndef CLIENTELE_RECOMMENDER_DATA_DATASET_BUILDER_H_
#define CLIENTELE_RECOMMENDER_DATA_DATASET_BUILDER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "recommender/data/dataset.h"

namespace clientele::recommender {

struct ImplicitRatingWeights {
  double transactions = 10;
  double revenue = 3;
  double average_price = 3;
  double recency = 3;
  double volume = 2;
};

struct DatasetBuilderOptions {
  ImplicitRatingWeights weights;
  // Reference "now" for recency; default: the latest order line added.
  std::optional<absl::Time> reference_time;
};

// The implicit rating of one pair's aggregates after scaling, exposed for tests and docs:
// the 1-5 bin of the weighted score s in [0, 1].
int ImplicitRatingBin(double weighted_score);

class DatasetBuilder {
 public:
  explicit DatasetBuilder(DatasetBuilderOptions options = {});

  // One order line: `quantity` units of `item` in order `order_id` for `revenue` (in any one
  // currency unit; only relative sizes matter). Negative quantities are returns.
  // InvalidArgument naming the field for an empty user/item/order_id or non-finite numbers.
  absl::Status AddOrderLine(absl::string_view user, absl::string_view order_id,
                            absl::string_view item, double quantity, double revenue,
                            absl::Time time);
  // An interaction (view, click, add-to-cart...) with a finite weight.
  absl::Status AddInteraction(absl::string_view user, absl::string_view item, double weight,
                              absl::Time time);
  // An explicit rating (finite).
  absl::Status AddRating(absl::string_view user, absl::string_view item, double rating,
                         absl::Time time);
  // Catalog metadata; registers the item even when nobody interacted with it.
  absl::Status SetItemMeta(absl::string_view item, ItemMeta meta);

  // Aggregates everything added so far. Users are indexed in order of first appearance;
  // items in order of first appearance (metadata or event).
  absl::StatusOr<Dataset> Build() const;

 private:
  struct PairAgg {
    std::vector<std::string> orders;  // distinct order ids with positive lines
    double quantity = 0;
    double revenue = 0;
    int64_t last_order_time = INT64_MIN;
    bool has_orders = false;
    double interaction_weight = 0;
    bool has_interactions = false;
    std::optional<double> rating;
    int64_t rating_time = INT64_MIN;
    int64_t last_time = INT64_MIN;
  };
  PairAgg& Pair(absl::string_view user, absl::string_view item);

  DatasetBuilderOptions options_;
  IdIndex users_;
  IdIndex items_;
  std::vector<ItemMeta> meta_;
  absl::flat_hash_map<std::pair<int32_t, int32_t>, PairAgg> pairs_;
  int64_t latest_order_time_ = INT64_MIN;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_DATA_DATASET_BUILDER_H_
