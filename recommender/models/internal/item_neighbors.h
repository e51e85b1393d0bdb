// ItemNeighbors: a sparse item x item similarity, stored per item as its neighbours sorted by
// item index (so one similarity is a binary search), built from the co-occurrence of items in
// users' histories. Shared by the item_cf (cosine), sar (Jaccard / lift) and rp3beta models.
// Immutable after Build; thread-safe const use.
#ifndef CLIENTELE_RECOMMENDER_MODELS_INTERNAL_ITEM_NEIGHBORS_H_
#define CLIENTELE_RECOMMENDER_MODELS_INTERNAL_ITEM_NEIGHBORS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "recommender/data/dataset.h"
#include "recommender/models/recommender_model.h"

namespace clientele::recommender::internal {

class ItemNeighbors {
 public:
  // Similarity of items i != j from the sum over common users of x_ui * x_uj (`dot`) and the
  // number of common users (`count`); <= 0 drops the pair.
  using SimilarityFn = std::function<float(int32_t i, int32_t j, double dot, int32_t count)>;

  // x_ui = 1 when `binary`, else the Dataset value. Keeps for each item its `max_neighbors`
  // most similar items (0: all), ties to the lower index. Cancelled when `progress` says so;
  // progress is reported as `progress_from + fraction * progress_span`. With `user_weights`
  // (one per user) `dot` is sum over common users of w_u * x_ui * x_uj instead.
  static absl::StatusOr<ItemNeighbors> Build(const Dataset& data, bool binary, int max_neighbors,
                                             const SimilarityFn& similarity,
                                             const FitProgress& progress, double progress_from = 0,
                                             double progress_span = 1,
                                             absl::Span<const double> user_weights = {});

  int32_t num_items() const { return static_cast<int32_t>(offsets_.size()) - 1; }
  absl::Span<const int32_t> Neighbors(int32_t item) const {
    return absl::MakeConstSpan(items_).subspan(offsets_[item], offsets_[item + 1] - offsets_[item]);
  }
  absl::Span<const float> Similarities(int32_t item) const {
    return absl::MakeConstSpan(sims_).subspan(offsets_[item], offsets_[item + 1] - offsets_[item]);
  }
  // Similarity of `neighbor` as a neighbour of `item` (0 when not kept).
  float Get(int32_t item, int32_t neighbor) const;
  int64_t num_entries() const { return static_cast<int64_t>(items_.size()); }

  // scores[i] += weight * sim(j, i) for every (j, weight) of `history`.
  void Accumulate(absl::Span<const std::pair<int32_t, float>> history, bool binary,
                  absl::Span<float> scores) const;
  // The history item j with the largest weight * sim(j, item), or -1.
  int32_t StrongestEvidence(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                            bool binary) const;
  // The reason for recommending `item`: `kind` ("bought with" / "similar to") naming the
  // StrongestEvidence, or kPopular when no history item is a neighbour of it.
  Reason Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history, bool binary,
                 ReasonKind kind) const;

  void Serialize(std::string* out) const;
  // False for truncated or inconsistent bytes (`num_items` items expected).
  bool Deserialize(absl::string_view* in, int32_t num_items);

 private:
  std::vector<int64_t> offsets_{0};
  std::vector<int32_t> items_;
  std::vector<float> sims_;
};

// Estimated peak bytes of ItemNeighbors::Build and the lists kept: the transpose (16 bytes an
// interaction), per-item accumulators (16 bytes an item) and up to `max_neighbors` (0: all)
// neighbours an item at 8 bytes each.
int64_t NeighborFitBytes(const DataShape& shape, int max_neighbors);

// The item x user transpose of the Dataset's matrix (users increasing within an item).
struct ItemUsers {
  std::vector<int64_t> offsets;
  std::vector<int32_t> users;
  std::vector<float> values;
};
ItemUsers TransposeDataset(const Dataset& data);

}  // namespace clientele::recommender::internal

#endif  // CLIENTELE_RECOMMENDER_MODELS_INTERNAL_ITEM_NEIGHBORS_H_
