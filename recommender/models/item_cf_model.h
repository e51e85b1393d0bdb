// ItemCfModel ("item_cf"): item-item collaborative filtering with cosine similarity.
//
//   sim(i, j) = sum_u x_ui x_uj / (||x_i|| ||x_j|| + shrink)
//   score(i)  = sum over history items j of w_j sim(j, i)
// x and w are 1 ("binary", the default) or the values. Each item keeps its "neighbors" most
// similar items. Reason: "similar to X", X the history item contributing most.
//
// Parameters: "neighbors" (100; 0 keeps all), "binary" (1), "shrink" (0).
// Thread-safe after Fit.
#ifndef CLIENTELE_RECOMMENDER_MODELS_ITEM_CF_MODEL_H_
#define CLIENTELE_RECOMMENDER_MODELS_ITEM_CF_MODEL_H_

#include <memory>
#include <string>

#include "recommender/models/internal/item_neighbors.h"
#include "recommender/models/recommender_model.h"

namespace clientele::recommender {

class ItemCfModel final : public RecommenderModel {
 public:
  static absl::StatusOr<std::unique_ptr<RecommenderModel>> Create(const ModelConfig& config);

  std::string name() const override { return "item_cf"; }

  // Cosine similarity of two items as kept (0 when not among the neighbours).
  float Similarity(int32_t item, int32_t neighbor) const { return neighbors_.Get(item, neighbor); }

 protected:
  void Score(absl::Span<const std::pair<int32_t, float>> history, absl::string_view segment,
             absl::Span<float> scores) const override;
  Reason Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                 absl::string_view segment) const override;
  absl::Status FitImpl(const Dataset& data, const FitProgress& progress) override;
  void SerializeImpl(std::string* out) const override;
  absl::Status DeserializeImpl(absl::string_view* in) override;
  int64_t ModelFitBytes(const DataShape& shape) const override;

 private:
  int32_t max_neighbors_ = 100;
  bool binary_ = true;
  double shrink_ = 0;
  internal::ItemNeighbors neighbors_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_MODELS_ITEM_CF_MODEL_H_
