#include "recommender/evaluation/split.h"

#include <cmath>
#include <random>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace clientele::recommender {
namespace {

absl::StatusOr<TrainTest> Assemble(const Dataset& data, std::vector<Triplet> train,
                                   std::vector<Triplet> test) {
  absl::StatusOr<Dataset> train_set =
      Dataset::FromTriplets(data.users(), data.items(), data.all_item_meta(), std::move(train));
  if (!train_set.ok()) return train_set.status();
  absl::StatusOr<Dataset> test_set =
      Dataset::FromTriplets(data.users(), data.items(), data.all_item_meta(), std::move(test));
  if (!test_set.ok()) return test_set.status();
  return TrainTest{*std::move(train_set), *std::move(test_set)};
}

}  // namespace

absl::StatusOr<TrainTest> StratifiedRandomSplit(const Dataset& data, double ratio, uint64_t seed,
                                                int min_user_cells) {
  if (!(ratio > 0 && ratio < 1)) {
    return absl::InvalidArgumentError(absl::StrCat("ratio: must be in (0, 1), got ", ratio));
  }
  std::mt19937_64 rng(seed);
  std::vector<Triplet> train, test;
  std::vector<int64_t> order;
  for (int32_t u = 0; u < data.num_users(); ++u) {
    const int64_t begin = data.row_offsets()[u];
    const int64_t n = data.row_offsets()[u + 1] - begin;
    order.resize(n);
    for (int64_t a = 0; a < n; ++a) order[a] = begin + a;
    for (int64_t a = n - 1; a > 0; --a) {
      int64_t b = static_cast<int64_t>(rng() % static_cast<uint64_t>(a + 1));
      std::swap(order[a], order[b]);
    }
    const int64_t n_train =
        n < min_user_cells ? n : static_cast<int64_t>(std::nearbyint(ratio * n));
    for (int64_t a = 0; a < n; ++a) {
      const int64_t c = order[a];
      Triplet t{u, data.item_index()[c], data.values()[c], data.times()[c]};
      (a < n_train ? train : test).push_back(t);
    }
  }
  return Assemble(data, std::move(train), std::move(test));
}

absl::StatusOr<TrainTest> TimeSplit(const Dataset& data, absl::Duration holdout) {
  if (!(holdout > absl::ZeroDuration())) {
    return absl::InvalidArgumentError("holdout: must be positive");
  }
  const int64_t cutoff = data.max_time() - absl::ToInt64Seconds(holdout);
  std::vector<Triplet> train, test;
  for (const Triplet& t : data.ToTriplets()) (t.time > cutoff ? test : train).push_back(t);
  return Assemble(data, std::move(train), std::move(test));
}

}  // namespace clientele::recommender
