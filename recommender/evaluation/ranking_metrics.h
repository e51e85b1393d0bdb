// Ranking metrics at k, computed as Microsoft Recommenders' python_evaluation does: binary
// relevance (every test item of a user is relevant), averaged over the evaluated users.
// For one user with relevant set T (|T| > 0) and top-k list R (R may hold fewer than k items):
//   hits       = |R ∩ T|
//   precision  = hits / k
//   recall     = hits / |T|
//   AP         = (sum over ranks r (1-based) of R holding a hit of hits_in_R[1..r] / r) / |T|
//   nDCG       = DCG / IDCG, DCG = sum over hit ranks r of 1 / log2(r + 1),
//                IDCG = sum over r = 1..min(|T|, k) of 1 / log2(r + 1)
//   RR         = 1 / (rank of the first hit), 0 without hit
//   hit        = 1 if hits > 0
// (AP divides by |T| as Recommenders' `map` and its older `map_at_k`, which the published
// MovieLens table used; its current `map_at_k` divides by min(|T|, k). nDCG's discount base
// cancels out: `ndcg_at_k`'s default natural log gives the same ratio.)
// MAP, nDCG, MRR, hit rate, precision and recall are the means over users; F1 is the harmonic
// mean of the mean precision and the mean recall; catalog coverage is the number of distinct
// items recommended to anyone divided by `num_items`.
#ifndef CLIENTELE_RECOMMENDER_EVALUATION_RANKING_METRICS_H_
#define CLIENTELE_RECOMMENDER_EVALUATION_RANKING_METRICS_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"

namespace clientele::recommender {

struct RankingMetrics {
  int k = 0;
  int64_t users = 0;  // Users evaluated.
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  double map = 0;
  double ndcg = 0;
  double mrr = 0;
  double hit_rate = 0;
  double coverage = 0;
};

// One user's relevant items and recommended list (best first, at most k used).
struct UserRanking {
  absl::flat_hash_set<int32_t> relevant;
  std::vector<int32_t> recommended;
};

// InvalidArgument for k < 1, num_items < 1, or a user with no relevant item. Users with an
// empty list count (zero hits).
absl::StatusOr<RankingMetrics> ComputeRankingMetrics(const std::vector<UserRanking>& users, int k,
                                                     int64_t num_items);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_EVALUATION_RANKING_METRICS_H_
