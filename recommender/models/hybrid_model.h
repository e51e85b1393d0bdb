// HybridModel ("hybrid"): a weighted blend of other models fitted on the same Dataset.
//
//   score(i) = sum over components m of weight_m * s_m(i) / max_i' s_m(i')
// where s_m counts only positive scores and i' runs over the items not in the history (each
// component's scores scaled so that its best recommendable item has 1, per call).
// The reason is the one of the component contributing most to the item.
// Components come from ModelConfig::components ({config, weight}); without any, the default
// blend is ease (1.0) + svd (0.5) with "tune" on: the item-item linear model and a low-rank
// filter, whose errors differ. A hybrid cannot contain a hybrid. Components see the same history (a
// sar component then gets undecayed values).
//
// Blend weights chosen by validation ("tune" 1, the default without explicit components; 0
// with them): Fit splits the training data per user at random (StratifiedRandomSplit, training
// share "tune_ratio", seed "tune_seed"), fits every component once on the larger part, and
// ranks for a sample of at most "tune_users" users of the smaller part (chosen at random) the
// union of each component's top 100 unseen items. The first component keeps its weight; the
// weight of each other is then set in turn, two rounds, to the value of
// {0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3} x (first weight) with the best mean
// nDCG@10 (binary relevance, as ranking_metrics.h) over the validation users, among the values
// whose gain over the current blend exceeds 2 standard errors of the mean per-user difference;
// otherwise it stays (the given weights are the prior, moved only on evidence). Re-weighting
// reuses the stored candidate scores: no component is refitted per weight or per round.
// Components left at weight 0 are dropped. Then the others are fitted on all of the data. The
// test part of an offline evaluation is thus never seen. A large training share keeps the
// tuning models close to the final one (a blend weight tuned on much less data favours the
// low-rank svd too much). "tune_folds" > 1 repeats the split with seeds tune_seed + fold and
// pools the validation users (less noise, one more fit of every component per fold). Costs
// tune_folds + 1 fits of the components (2 by default) plus the scoring of the sample;
// tuning_ndcg() reports the validation nDCG@10 of the chosen blend (not serialized: -1 after
// loading). A component given fitted in ModelConfig::fitted (same name, no params) is used as
// it is for the fit on all of the data instead of being fitted again (the train job's "ease"):
// the tuning fit on the larger part still happens. A shared component is written without its
// serving cache.
// Parameters: "tune" (see above), "tune_ratio" (0.9, in [0.5, 0.95]), "tune_folds" (1, in
// 1..10), "tune_seed" (1), "tune_users" (5000).
// Thread-safe after Fit.
#ifndef CLIENTELE_RECOMMENDER_MODELS_HYBRID_MODEL_H_
#define CLIENTELE_RECOMMENDER_MODELS_HYBRID_MODEL_H_

#include <map>
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
  // Validation nDCG@10 of the chosen blend when the weights were tuned, else -1.
  double tuning_ndcg() const { return tuning_ndcg_; }

  struct TuneUser;  // One validation user's candidates (hybrid_model.cc).

 protected:
  void Score(absl::Span<const std::pair<int32_t, float>> history, absl::string_view segment,
             absl::Span<float> scores) const override;
  Reason Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                 absl::string_view segment) const override;
  absl::Status FitImpl(const Dataset& data, const FitProgress& progress) override;
  void SerializeImpl(std::string* out) const override;
  absl::Status DeserializeImpl(absl::string_view* in) override;
  int64_t ModelFitBytes(const DataShape& shape) const override;
  std::string UserSegment(int32_t user) const override;
  // Each component forgets the users too (a copy replaces it: components may be shared).
  void ForgetUsersImpl(const absl::flat_hash_set<int32_t>& users) override;

 private:
  // Chooses weights_ by validation on splits of `data` (see the file comment).
  absl::Status TuneWeights(const Dataset& data, const FitProgress& progress);
  // One tuning fold: splits `data` with `seed`, fits the components on the larger part and
  // appends the validation users of the smaller part to `tune_users`.
  absl::Status CollectTuneUsers(const Dataset& data, uint64_t seed, const FitProgress& progress,
                                std::vector<TuneUser>* tune_users) const;

  // Unfitted placeholders until Fit (for the cost estimate); then the fitted components, some
  // possibly shared with the caller (ModelConfig::fitted).
  std::vector<std::shared_ptr<const RecommenderModel>> components_;
  std::vector<ModelConfig> configs_;  // Of the components, for the tuning fits; not serialized.
  // ModelConfig::fitted of the hybrid's config; released after Fit.
  std::map<std::string, std::shared_ptr<const RecommenderModel>> fitted_;
  std::vector<double> weights_;
  bool tune_ = false;
  uint64_t tune_seed_ = 1;
  int64_t tune_users_ = 5000;
  double tune_ratio_ = 0.9;
  int tune_folds_ = 1;
  double tuning_ndcg_ = -1;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_MODELS_HYBRID_MODEL_H_
