#include "recommender/evaluation/ranking_metrics.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace clientele::recommender {

absl::StatusOr<RankingMetrics> ComputeRankingMetrics(const std::vector<UserRanking>& users, int k,
                                                     int64_t num_items) {
  if (k < 1) return absl::InvalidArgumentError(absl::StrCat("k: must be >= 1, got ", k));
  if (num_items < 1) return absl::InvalidArgumentError("num_items: must be >= 1");
  RankingMetrics m;
  m.k = k;
  m.users = static_cast<int64_t>(users.size());
  absl::flat_hash_set<int32_t> recommended_items;
  for (size_t u = 0; u < users.size(); ++u) {
    const UserRanking& r = users[u];
    if (r.relevant.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("user ", u, ": no relevant item"));
    }
    const size_t depth = std::min<size_t>(k, r.recommended.size());
    int hits = 0;
    double ap = 0, dcg = 0, rr = 0;
    for (size_t rank = 1; rank <= depth; ++rank) {
      const int32_t item = r.recommended[rank - 1];
      recommended_items.insert(item);
      if (!r.relevant.contains(item)) continue;
      ++hits;
      ap += static_cast<double>(hits) / rank;
      dcg += 1.0 / std::log2(rank + 1.0);
      if (rr == 0) rr = 1.0 / rank;
    }
    double idcg = 0;
    const size_t ideal = std::min<size_t>(k, r.relevant.size());
    for (size_t rank = 1; rank <= ideal; ++rank) idcg += 1.0 / std::log2(rank + 1.0);
    const double n_rel = static_cast<double>(r.relevant.size());
    m.precision += static_cast<double>(hits) / k;
    m.recall += hits / n_rel;
    m.map += ap / n_rel;
    m.ndcg += dcg / idcg;
    m.mrr += rr;
    m.hit_rate += hits > 0 ? 1 : 0;
  }
  if (m.users > 0) {
    const double n = static_cast<double>(m.users);
    m.precision /= n;
    m.recall /= n;
    m.map /= n;
    m.ndcg /= n;
    m.mrr /= n;
    m.hit_rate /= n;
  }
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
  m.coverage = static_cast<double>(recommended_items.size()) / num_items;
  return m;
}

}  // namespace clientele::recommender
