// SvdModel ("svd"): the ideal low-pass filter of GF-CF (Shen et al., CIKM 2021), which is
// PureSVD (Cremonesi et al., RecSys 2010) on the degree-normalized interaction matrix:
//
//   R~ = D_U^-a X D_I^-a            (X binary users x items, D_U / D_I user / item degrees,
//                                    a = "normalize")
//   V  = the top "factors" right singular vectors of R~ (= eigenvectors of R~^T R~)
//   score(i) = sum over history items j of (D_I^-a V V^T D_I^a)(j, i)
// Items nobody had get no score, nor do scores below 1e-5 of the largest of the call (rounding).
// Fit is a truncated randomized SVD of the sparse R~ (Halko, Martinsson, Tropp 2011): a
// Gaussian sketch of width w = factors + "oversample", "power_iterations" q passes of R~ and
// R~^T each re-orthonormalized (QR), then the thin SVD of the items x w matrix R~^T Q.
// O((2q + 2) x interactions x w + (q + 1) x (users + items) x w^2) time and
// O((users + items) x w) doubles of memory; no items x items matrix. Catalogs with no more
// items than w are solved exactly (eigendecomposition of R~^T R~, items^2 doubles). Refused
// beyond "max_items". Serving is O(|history| x factors + factors x items). Reason: "bought with
// X", X the history item contributing most.
//
// Parameters: "factors" (32; at most the number of items and of users), "normalize" (0.5, in
// [0, 1]), "max_items" (10000), "oversample" (16), "power_iterations" (6), "seed" (1, of the
// sketch). Thread-safe after Fit.
#ifndef CLIENTELE_RECOMMENDER_MODELS_SVD_MODEL_H_
#define CLIENTELE_RECOMMENDER_MODELS_SVD_MODEL_H_

#include <memory>
#include <string>
#include <vector>

#include "recommender/models/recommender_model.h"

namespace clientele::recommender {

class SvdModel final : public RecommenderModel {
 public:
  static absl::StatusOr<std::unique_ptr<RecommenderModel>> Create(const ModelConfig& config);

  std::string name() const override { return "svd"; }

  int32_t factors() const { return factors_; }
  // The filter's weight from history item j to item i: (D_I^-a V V^T D_I^a)(j, i).
  float Weight(int32_t j, int32_t i) const;

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
  int32_t factors_ = 32;
  double normalize_ = 0.5;
  int64_t max_items_ = 10000;
  int32_t oversample_ = 16;       // Not serialized (fit only).
  int32_t power_iterations_ = 6;  // Not serialized (fit only).
  uint64_t seed_ = 1;             // Not serialized (fit only).
  std::vector<float> left_;       // items x factors, row-major: D_I^-a V.
  std::vector<float> right_;      // items x factors, row-major: D_I^a V (its transpose is used).
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_MODELS_SVD_MODEL_H_
