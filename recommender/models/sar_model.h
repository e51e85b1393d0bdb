// SarModel ("sar"): Smart Adaptive Recommendations as in Microsoft Recommenders' SAR.
//
//   c_ij     = number of users with both i and j (co-occurrence; pairs below "threshold" dropped)
//   sim(i,j) = c_ij (similarity 0), Jaccard c_ij / (c_ii + c_jj - c_ij) (1, the default) or
//              lift c_ij / (c_ii c_jj) (2)
//   a_uj     = value_uj * 2^(-(T - t_uj) / half_life)   (time-decayed affinity; T = the latest
//              time in the Dataset; no decay when half_life_days is 0)
//   score(i) = sum over history items j of a_uj sim(j, i)
// Each item keeps its "neighbors" most similar items (0 keeps all; fewer is faster to serve).
// A history passed in a request is used as affinities as given. Reason: "bought with X".
//
// Parameters: "similarity" (1), "half_life_days" (30), "threshold" (1), "neighbors" (0).
// Thread-safe after Fit.
#ifndef CLIENTELE_RECOMMENDER_MODELS_SAR_MODEL_H_
#define CLIENTELE_RECOMMENDER_MODELS_SAR_MODEL_H_

#include <memory>
#include <string>

#include "recommender/models/internal/item_neighbors.h"
#include "recommender/models/recommender_model.h"

namespace clientele::recommender {

class SarModel final : public RecommenderModel {
 public:
  static absl::StatusOr<std::unique_ptr<RecommenderModel>> Create(const ModelConfig& config);

  std::string name() const override { return "sar"; }

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
  int32_t similarity_ = 1;
  double half_life_days_ = 30;
  int32_t threshold_ = 1;
  int32_t max_neighbors_ = 0;
  internal::ItemNeighbors neighbors_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_MODELS_SAR_MODEL_H_
