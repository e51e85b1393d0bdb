// Rp3betaModel ("rp3beta"): RP3beta (Paudel et al., ACM TiiS 2017; as tuned in Dacrema et al.,
// RecSys 2019), a three-step random walk item -> user -> item on the binary interaction graph
// whose transition probabilities are raised to the power alpha, with the arrival item's
// popularity penalized by the power beta:
//
//   W(i, j)  = d_i^-alpha * (sum over users u with both i and j of d_u^-alpha) * d_j^-beta
//              (i != j; d_i = users of item i, d_u = items of user u)
//   score(j) = sum over history items i of W(i, j)
// alpha = 1, beta = 0 is the plain 3-step walk P3; beta > 0 lifts less popular items. Each
// item keeps its "neighbors" largest W(i, .) (0 keeps all). Histories are used as binary.
// Fit is O(sum over users of |items|^2) like item_cf; serving sums neighbour lists.
// Reason: "bought with X", X the history item contributing most.
//
// Parameters: "alpha" (1, in (0, 4]), "beta" (0.3, in [0, 2]), "neighbors" (200; 0 keeps all).
// Thread-safe after Fit.
#ifndef CLIENTELE_RECOMMENDER_MODELS_RP3BETA_MODEL_H_
#define CLIENTELE_RECOMMENDER_MODELS_RP3BETA_MODEL_H_

#include <memory>
#include <string>

#include "recommender/models/internal/item_neighbors.h"
#include "recommender/models/recommender_model.h"

namespace clientele::recommender {

class Rp3betaModel final : public RecommenderModel {
 public:
  static absl::StatusOr<std::unique_ptr<RecommenderModel>> Create(const ModelConfig& config);

  std::string name() const override { return "rp3beta"; }

  // W(item, neighbor) as kept (0 when not among the neighbours).
  float Weight(int32_t item, int32_t neighbor) const { return neighbors_.Get(item, neighbor); }

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
  double alpha_ = 1;
  double beta_ = 0.3;
  int32_t max_neighbors_ = 200;
  internal::ItemNeighbors neighbors_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_MODELS_RP3BETA_MODEL_H_
