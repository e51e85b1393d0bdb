// EaseModel ("ease"): Embarrassingly Shallow Autoencoder (Steck, WWW 2019), a closed-form
// item-item linear model, with the emphasized-denoising variant (EDLAE / DLAE, Steck, NeurIPS
// 2020) as an option.
//
//   G = X^T X,  Lambda = lambda I + dropout / (1 - dropout) diagMat(diag(G)),
//   P = (G + Lambda)^-1
//   constraint = 1 (default, EASE / EDLAE): B = I - P diagMat(1 / diag(P))   (diag(B) = 0)
//   constraint = 0 (DLAE):                  B = I - P Lambda                 (diagonal kept,
//                                           irrelevant when seen items are excluded)
//   score(i) = sum over history items j of w_j B(j, i)
// X is the binary user x item matrix ("binary" 1, the default) or the values, and w likewise.
// dropout = 0 is plain EASE (or its unconstrained ridge form with constraint 0).
// Fit is O(items^3) time and O(items^2) memory (dense double G and P while fitting, float B
// kept: 4 bytes per item pair). Serving sums the history's rows of B (contiguous) and is
// O(|history| x items). Reason: "bought with X", X the history item with the largest w_j B(j, i).
//
// "user_norm" u (0, in [0, 2]) scales each user's row of X by |row|^-u before G is formed
// (heavy users weigh less; the ranking of one query is unaffected).
// Parameters: "lambda" (500), "dropout" (0, in [0, 1)), "constraint" (1), "binary" (1),
// "user_norm" (0),
// "max_items" (10000: larger catalogs are refused with InvalidArgument rather than exhausting
// memory).
// Thread-safe after Fit.
#ifndef CLIENTELE_RECOMMENDER_MODELS_EASE_MODEL_H_
#define CLIENTELE_RECOMMENDER_MODELS_EASE_MODEL_H_

#include <memory>
#include <string>
#include <vector>

#include "recommender/models/recommender_model.h"

namespace clientele::recommender {

class EaseModel final : public RecommenderModel {
 public:
  static absl::StatusOr<std::unique_ptr<RecommenderModel>> Create(const ModelConfig& config);

  std::string name() const override { return "ease"; }

  // B(from, to).
  float Weight(int32_t from, int32_t to) const {
    return b_[static_cast<size_t>(from) * items().size() + to];
  }

 protected:
  void Score(absl::Span<const std::pair<int32_t, float>> history, absl::string_view segment,
             absl::Span<float> scores) const override;
  Reason Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                 absl::string_view segment) const override;
  absl::Status FitImpl(const Dataset& data, const FitProgress& progress) override;
  void SerializeImpl(std::string* out) const override;
  absl::Status DeserializeImpl(absl::string_view* in) override;

 private:
  double lambda_ = 500;
  double dropout_ = 0;
  double user_norm_ = 0;
  bool constraint_ = true;
  bool binary_ = true;
  int64_t max_items_ = 10000;
  std::vector<float> b_;  // Row-major items x items.
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_MODELS_EASE_MODEL_H_
