// Estimation of a MatchModel's parameters from data, with no labels:
//   u (P(level | non-match)) from the patterns of random record pairs, which are nearly all
//     non-matches;
//   m (P(level | match)) and the prior P(match) of a candidate pair by expectation
//     maximization over the histogram of the patterns of candidate pairs (pairs that share a
//     blocking key); by default EM refines u over the candidate pairs too, starting from and
//     regularized towards the random-pair u (MatchModelConfig::em_updates_u).
//
//   MatchModelEstimator estimator(DefaultMatchModelConfig());
//   for (random pair a, b) estimator.ObserveRandom(Compare(a, b));
//   for (candidate pair a, b) estimator.Observe(Compare(a, b));
//   absl::StatusOr<MatchModel> model = estimator.Estimate(&report);
//
// Starting values, Dirichlet priors (pseudo pairs), floors and thresholds come from the
// config; the estimated model keeps the config's thresholds and settings. Not thread-safe;
// Estimate is const and may run while no Observe* does.
#ifndef CLIENTELE_IDENTITY_MATCHING_MODEL_ESTIMATION_H_
#define CLIENTELE_IDENTITY_MATCHING_MODEL_ESTIMATION_H_

#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "identity/matching/comparison.h"
#include "identity/matching/match_model.h"

namespace clientele::identity {

struct EstimationReport {
  int iterations = 0;
  bool converged = false;
  double prior = 0;             // Estimated P(match) of a candidate pair.
  double expected_matches = 0;  // prior * candidate pairs.
  int64_t random_pairs = 0;
  int64_t candidate_pairs = 0;
  int64_t distinct_patterns = 0;  // Of the candidate pairs.
};

class MatchModelEstimator {
 public:
  explicit MatchModelEstimator(const MatchModelConfig& start = DefaultMatchModelConfig())
      : start_(start) {}

  // Adds `count` random pairs with `pattern` (for u).
  void ObserveRandom(const ComparisonPattern& pattern, int64_t count = 1);
  // Adds `count` candidate pairs with `pattern` (for m and the prior).
  void Observe(const ComparisonPattern& pattern, int64_t count = 1);

  int64_t random_pairs() const { return random_pairs_; }
  int64_t candidate_pairs() const { return candidate_pairs_; }

  // Runs the estimation. FailedPrecondition when no candidate pair was observed. Without
  // random pairs, u stays at the starting values.
  absl::StatusOr<MatchModel> Estimate(EstimationReport* report = nullptr) const;

 private:
  const MatchModelConfig start_;
  absl::flat_hash_map<uint64_t, int64_t> random_;      // Packed pattern -> count.
  absl::flat_hash_map<uint64_t, int64_t> candidates_;  // Packed pattern -> count.
  int64_t random_pairs_ = 0;
  int64_t candidate_pairs_ = 0;
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_MATCHING_MODEL_ESTIMATION_H_
