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
// Two exact solutions, chosen by "side" (0, the default: the smaller side of X):
// - item side (items <= users, or side 1): G + Lambda is factored by Cholesky (LLT) and P
//   solved from it. O(interactions x mean user length + items^3) time, O(items^2) memory
//   (dense double G and P while fitting, float B kept: 4 bytes per item pair).
// - user side (users < items, or side 2), by the Woodbury identity:
//   P = Lambda^-1 - Z^T Z,  Z = L^-1 X Lambda^-1,  L L^T = I + X Lambda^-1 X^T (users x users,
//   Cholesky). Off the diagonal B(j, i) = c_i z_j.z_i (z_j the column j of Z), so nothing of
//   size items x items is needed: O(interactions x mean item degree + users^2 x items) time,
//   O(users^2 + users x items) memory. When items <= "max_dense_items" B is then formed from Z
//   (O(users x items^2) time, 4 bytes per item pair); otherwise Z (float, users x items) is kept
//   and a call scores in O(|history| x users + users x items).
// Both give the same B (to float rounding). Serving with B sums the history's rows of B
// (contiguous) and is O(|history| x items). Reason: "bought with X", X the history item with
// the largest w_j B(j, i).
//
// "user_norm" u (0, in [0, 2]) scales each user's row of X by |row|^-u before G is formed
// (heavy users weigh less; the ranking of one query is unaffected).
// Parameters: "lambda" (500), "dropout" (0, in [0, 1)), "constraint" (1), "binary" (1),
// "user_norm" (0),
// "max_items" (10000: above it the model is fitted on the max_items most frequent items, and
// the others get no ease score: they come after, by popularity, with the reason "popular";
// fit_note() says so), "side" (0 auto, 1 item side, 2 user side), "max_dense_items" (8192),
// "tune_lambda" (0; 1: lambda is chosen among {0.25, 0.5, 1, 2} x "lambda" by nDCG@10 on a
// 90/10 split of the training data, at most 2,000 validation users; four more fits).
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
  float Weight(int32_t from, int32_t to) const;
  // The lambda fitted (the one chosen by validation with "tune_lambda").
  double lambda() const { return lambda_; }
  // Whether the fit used the user-side (Woodbury) form.
  bool solved_on_user_side() const { return user_side_; }

 protected:
  void Score(absl::Span<const std::pair<int32_t, float>> history, absl::string_view segment,
             absl::Span<float> scores) const override;
  Reason Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                 absl::string_view segment) const override;
  absl::Status FitImpl(const Dataset& data, const FitProgress& progress) override;
  void SerializeImpl(std::string* out) const override;
  absl::Status DeserializeImpl(absl::string_view* in) override;
  int64_t ModelFitBytes(const DataShape& shape) const override;
  // The users' columns of the user-side factors Z^T (when kept) are zeroed.
  void ForgetUsersImpl(const absl::flat_hash_set<int32_t>& users) override;

 private:
  // The number of items B covers (all, or the kept ones above max_items).
  int64_t fitted_items() const { return kept_.empty() ? items().size() : kept_.size(); }
  float FittedWeight(int32_t from, int32_t to) const;
  void ScoreFitted(absl::Span<const std::pair<int32_t, float>> history,
                   absl::Span<float> scores) const;
  // With tune_lambda: the lambda of {0.25, 0.5, 1, 2} x "lambda" with the best nDCG@10 on a
  // 90/10 split of `data` (seed 1), over at most 2,000 validation users.
  absl::StatusOr<double> ChooseLambda(const Dataset& data, const FitProgress& progress) const;
  absl::Status FitChosen(const Dataset& data, const FitProgress& progress);
  absl::Status FitItemSide(const Dataset& data, const FitProgress& progress);
  absl::Status FitUserSide(const Dataset& data, const FitProgress& progress);

  double lambda_ = 500;
  double dropout_ = 0;
  double user_norm_ = 0;
  bool constraint_ = true;
  bool binary_ = true;
  int64_t max_items_ = kDenseItemCap;
  bool tune_lambda_ = false;  // Not serialized (fit only).
  int side_ = 0;
  int64_t max_dense_items_ = 8192;
  bool user_side_ = false;
  std::vector<float> b_;  // Row-major items x items; empty when scoring from the factors.
  // The factors of the user-side form when B is not formed: Z^T (items x users, row-major:
  // row j is z_j), c_i, and self_i = B(i, i) - c_i |z_i|^2.
  int64_t factor_users_ = 0;
  std::vector<float> zt_;
  std::vector<float> c_;
  std::vector<float> self_;
  // Above max_items: the fitted items (indexes, increasing) and each item's place among them
  // (-1 for the others); both empty when every item is fitted. B and Z cover the kept items.
  std::vector<int32_t> kept_;
  std::vector<int32_t> slot_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_MODELS_EASE_MODEL_H_
