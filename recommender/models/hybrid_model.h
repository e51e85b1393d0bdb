// HybridModel ("hybrid"): a weighted blend of other models fitted on the same Dataset.
//
//   score(i) = sum over components m of weight_m * s_m(i) / max_i' s_m(i')
// where s_m counts only positive scores (each component's scores scaled to [0, 1] per call).
// The reason is the one of the component contributing most to the item.
// Components come from ModelConfig::components ({config, weight}); without any, the default
// blend is ease (1.0) + item_cf (0.3) + popularity (0.05). A hybrid cannot contain a hybrid.
// Components see the same history (a sar component then gets undecayed values).
// Thread-safe after Fit.
#ifndef CLIENTELE_RECOMMENDER_MODELS_HYBRID_MODEL_H_
#define CLIENTELE_RECOMMENDER_MODELS_HYBRID_MODEL_H_

#include <memory>
#include <string>
#include <vector>

#include "recommender/models/recommender_model.h"

namespace clientele::recommender {

class HybridModel final : public RecommenderModel {
 public:
  static absl::StatusOr<std::unique_ptr<RecommenderModel>> Create(const ModelConfig& config);

  std::string name() const override { return "hybrid"; }

  int num_components() const { return static_cast<int>(components_.size()); }
  const RecommenderModel& component(int m) const { return *components_[m]; }
  double weight(int m) const { return weights_[m]; }

 protected:
  void Score(absl::Span<const std::pair<int32_t, float>> history, absl::string_view segment,
             absl::Span<float> scores) const override;
  Reason Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                 absl::string_view segment) const override;
  absl::Status FitImpl(const Dataset& data, const FitProgress& progress) override;
  void SerializeImpl(std::string* out) const override;
  absl::Status DeserializeImpl(absl::string_view* in) override;
  std::string UserSegment(int32_t user) const override;

 private:
  std::vector<std::unique_ptr<RecommenderModel>> components_;
  std::vector<double> weights_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_MODELS_HYBRID_MODEL_H_
