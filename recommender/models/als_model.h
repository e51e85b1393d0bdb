// AlsModel ("als"): implicit-feedback matrix factorization (Hu, Koren, Volinsky, ICDM 2008)
// fitted by alternating least squares with conjugate-gradient row solves (Takacs, Pilaszy,
// Tikk, RecSys 2011): the model whose cost is linear in the interactions, for catalogs beyond
// the dense item x item models.
//
//   minimize sum over all (u, i) of c_ui (p_ui - x_u . y_i)^2 + reg (|x_u|^2 + |y_i|^2)
//   p_ui = 1 for an interaction (else 0), c_ui = 1 + alpha r_ui (r = 1 with "binary" 1, the
//   default, else the value), and 1 for non-interactions.
// Each half-iteration solves every row's normal equations with "cg_steps" conjugate-gradient
// steps warm-started from the previous row (Y^T Y shared), so Fit is
// O(iterations x (interactions x factors x cg_steps + (users + items) x factors^2 x cg_steps))
// time and O(interactions + (users + items) x factors) memory. Only the item vectors y_i are
// kept (8 bytes x items x factors). Serving folds the history in: x solved directly from the
// same normal equations (O(|history| x factors^2 + factors^3)), then score(i) = x . y_i:
// exactly over every item (O(items x factors)) below "hnsw_min_items" items, else over the
// "hnsw_candidates" + |history| items of largest dot product found in an HNSW graph of the item
// vectors (hnswlib, inner-product space, built after the fit and after loading; not stored),
// the others left unscored (popularity fallback after them). Reason: "similar to X", X the
// history item whose vector is closest (dot product) to the item's.
// Parameters: "factors" (64, in 1..1024), "iterations" (15, in 1..1000), "regularization"
// (100, > 0), "alpha" (15, >= 0), "cg_steps" (3, in 1..100), "binary" (1), "seed" (1),
// "hnsw_min_items" (20000, >= 1), "hnsw_candidates" (200, in 1..10000). The defaults were
// chosen on validation splits inside the training parts of MovieLens 100k and of a synthetic
// 10,000-item catalog (bench/recommender_movielens_bench --sections=als_grid): 1.1% and 4.2%
// below each set's best of the grid; 128 factors gained nothing for 2.7x the time.
// Fit reports progress and checks for cancellation every 1024 rows. Thread-safe after Fit.
#ifndef CLIENTELE_RECOMMENDER_MODELS_ALS_MODEL_H_
#define CLIENTELE_RECOMMENDER_MODELS_ALS_MODEL_H_

#include <memory>
#include <string>
#include <vector>

#include "recommender/models/internal/dot_product_graph.h"
#include "recommender/models/internal/implicit_als.h"
#include "recommender/models/recommender_model.h"

namespace clientele::recommender {

class AlsModel final : public RecommenderModel {
 public:
  static absl::StatusOr<std::unique_ptr<RecommenderModel>> Create(const ModelConfig& config);

  std::string name() const override { return "als"; }

  int32_t factors() const { return factors_; }
  // y_i (factors wide).
  Eigen::VectorXd ItemVector(int32_t item) const { return y_.row(item).transpose(); }
  // The user vector that serving folds in for `history` ((item, value) pairs).
  Eigen::VectorXd FoldIn(absl::Span<const std::pair<int32_t, float>> history) const;
  // Whether scoring retrieves candidates from the HNSW graph (items >= hnsw_min_items).
  bool uses_hnsw() const { return hnsw_ != nullptr; }

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
  int32_t factors_ = 64;
  int32_t iterations_ = 15;
  int32_t cg_steps_ = 3;
  double reg_ = 100;
  double alpha_ = 15;
  bool binary_ = true;
  uint64_t seed_ = 1;
  int64_t hnsw_min_items_ = 20000;
  int32_t hnsw_candidates_ = 200;
  // The retrieval graph over y_ (as floats); null: exact scoring.
  std::shared_ptr<const internal::DotProductGraph> hnsw_;
  // Builds hnsw_ when the catalog has at least hnsw_min_items_ items.
  absl::Status BuildRetrievalIndex();
  internal::RowMatrixD y_;  // items x factors.
  Eigen::MatrixXd yty_;     // Y^T Y.
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_MODELS_ALS_MODEL_H_
