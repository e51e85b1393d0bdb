// Train/test splits of a Dataset for offline evaluation. Both halves keep the full user and
// item id maps of the input (same indexes), so a model fitted on the train half can be scored
// against the test half directly; a user or item may have no cells in one half.
#ifndef CLIENTELE_RECOMMENDER_EVALUATION_SPLIT_H_
#define CLIENTELE_RECOMMENDER_EVALUATION_SPLIT_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "recommender/data/dataset.h"

namespace clientele::recommender {

struct TrainTest {
  Dataset train;
  Dataset test;
};

// Random split stratified by user, like Microsoft Recommenders' python_stratified_split: each
// user's cells are shuffled (Fisher-Yates driven by std::mt19937_64 seeded with `seed`, users
// in index order, so the split is the same on every platform) and the first
// round_half_even(ratio * n) go to train, the rest to test. Users with fewer than
// `min_user_cells` cells go entirely to train. InvalidArgument unless 0 < ratio < 1.
absl::StatusOr<TrainTest> StratifiedRandomSplit(const Dataset& data, double ratio, uint64_t seed,
                                                int min_user_cells = 1);

// Time split: cells whose last time is later than (the Dataset's latest time - `holdout`) go
// to test, the rest to train. For raw-event data (orders) prefer splitting the events before
// aggregation (see bench/recommender_movielens_bench.cc); this splits aggregated cells.
// InvalidArgument unless holdout > 0.
absl::StatusOr<TrainTest> TimeSplit(const Dataset& data, absl::Duration holdout);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_EVALUATION_SPLIT_H_
