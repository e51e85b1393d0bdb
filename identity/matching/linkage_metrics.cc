#include "identity/matching/linkage_metrics.h"

#include "absl/container/flat_hash_set.h"

namespace clientele::identity {

LinkageMetrics PairwiseLinkageMetrics(
    const std::vector<std::pair<std::string, std::string>>& truth,
    const absl::flat_hash_map<std::string, std::string>& cluster_of) {
  LinkageMetrics m;
  absl::flat_hash_map<std::string_view, int64_t> cluster_sizes;
  for (const auto& [record, cluster] : cluster_of) ++cluster_sizes[cluster];
  for (const auto& [cluster, size] : cluster_sizes) m.predicted_pairs += size * (size - 1) / 2;

  absl::flat_hash_set<std::pair<std::string_view, std::string_view>> seen;
  for (const auto& [a, b] : truth) {
    if (a == b) continue;
    const std::string_view lo = a < b ? std::string_view(a) : std::string_view(b);
    const std::string_view hi = a < b ? std::string_view(b) : std::string_view(a);
    if (!seen.insert({lo, hi}).second) continue;
    ++m.true_pairs;
    auto ia = cluster_of.find(a);
    auto ib = cluster_of.find(b);
    if (ia != cluster_of.end() && ib != cluster_of.end() && ia->second == ib->second) {
      ++m.correct_pairs;
    }
  }
  m.precision = m.predicted_pairs == 0
                    ? 1.0
                    : static_cast<double>(m.correct_pairs) / static_cast<double>(m.predicted_pairs);
  m.recall = m.true_pairs == 0
                 ? 1.0
                 : static_cast<double>(m.correct_pairs) / static_cast<double>(m.true_pairs);
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
  return m;
}

}  // namespace clientele::identity
