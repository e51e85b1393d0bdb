// Pairwise evaluation of a clustering (record -> cluster id) against true matching pairs.
//
//   LinkageMetrics m = PairwiseLinkageMetrics(truth_pairs, cluster_of);
//   // m.precision, m.recall, m.f1
//
// Predicted pairs are all unordered pairs of records in the same cluster, over every record
// in `cluster_of`. True pairs are the distinct unordered pairs of `truth` (a pair of a record
// with itself is ignored); a true pair that names a record missing from `cluster_of` counts
// as missed. precision = correct / predicted (1 when nothing is predicted), recall = correct /
// true (1 when there are no true pairs), f1 their harmonic mean (0 when both are 0). Pure.
#ifndef CLIENTELE_IDENTITY_MATCHING_LINKAGE_METRICS_H_
#define CLIENTELE_IDENTITY_MATCHING_LINKAGE_METRICS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace clientele::identity {

struct LinkageMetrics {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  int64_t true_pairs = 0;       // Distinct true pairs.
  int64_t predicted_pairs = 0;  // Pairs in the same cluster.
  int64_t correct_pairs = 0;    // True pairs in the same cluster.
};

LinkageMetrics PairwiseLinkageMetrics(
    const std::vector<std::pair<std::string, std::string>>& truth,
    const absl::flat_hash_map<std::string, std::string>& cluster_of);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_MATCHING_LINKAGE_METRICS_H_
