#include "analytics/clustering/cluster_profile.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace clientele::analytics {

absl::StatusOr<std::vector<ClusterProfile>> ProfileClusters(const FeatureFrame& frame,
                                                            const std::vector<int>& labels,
                                                            int clusters, int top_categories) {
  if (clusters < 1 || top_categories < 1) {
    return absl::InvalidArgumentError(absl::StrCat("ProfileClusters: clusters (", clusters,
                                                   ") and top_categories (", top_categories,
                                                   ") must be >= 1"));
  }
  if (frame.empty()) return absl::InvalidArgumentError("ProfileClusters: no columns");
  const size_t n = labels.size();
  for (const FeatureColumn& c : frame) {
    const size_t rows = c.kind == ColumnKind::kNumeric ? c.numbers.size() : c.categories.size();
    if (rows != n) {
      return absl::InvalidArgumentError(absl::StrCat("ProfileClusters: feature \"", c.name,
                                                     "\" has ", rows, " rows, labels ", n));
    }
  }
  std::vector<ClusterProfile> out(clusters);
  for (size_t i = 0; i < n; ++i) {
    if (labels[i] < 0 || labels[i] >= clusters) {
      return absl::InvalidArgumentError(absl::StrCat("ProfileClusters: label of row ", i, " is ",
                                                     labels[i], ", not in [0, ", clusters, ")"));
    }
    ++out[labels[i]].size;
  }
  for (int c = 0; c < clusters; ++c) {
    out[c].cluster = c;
    out[c].share = n > 0 ? static_cast<double>(out[c].size) / static_cast<double>(n) : 0.0;
    out[c].features.resize(frame.size());
  }
  for (size_t j = 0; j < frame.size(); ++j) {
    const FeatureColumn& col = frame[j];
    if (col.kind == ColumnKind::kNumeric) {
      std::vector<double> sum(clusters, 0.0);
      std::vector<int64_t> count(clusters, 0);
      for (size_t i = 0; i < n; ++i) {
        if (std::isnan(col.numbers[i])) continue;
        sum[labels[i]] += col.numbers[i];
        ++count[labels[i]];
      }
      for (int c = 0; c < clusters; ++c) {
        FeatureSummary& f = out[c].features[j];
        f.name = col.name;
        f.kind = col.kind;
        f.mean = count[c] > 0 ? sum[c] / static_cast<double>(count[c])
                              : std::numeric_limits<double>::quiet_NaN();
      }
    } else {
      std::vector<absl::flat_hash_map<std::string, int64_t>> counts(clusters);
      std::vector<int64_t> present(clusters, 0);
      for (size_t i = 0; i < n; ++i) {
        if (col.categories[i].empty()) continue;
        ++counts[labels[i]][col.categories[i]];
        ++present[labels[i]];
      }
      for (int c = 0; c < clusters; ++c) {
        FeatureSummary& f = out[c].features[j];
        f.name = col.name;
        f.kind = col.kind;
        std::vector<std::pair<std::string, int64_t>> sorted(counts[c].begin(), counts[c].end());
        std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
          return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        for (size_t t = 0; t < sorted.size() && t < static_cast<size_t>(top_categories); ++t) {
          f.top.push_back(
              {sorted[t].first, sorted[t].second,
               static_cast<double>(sorted[t].second) / static_cast<double>(present[c])});
        }
      }
    }
  }
  return out;
}

}  // namespace clientele::analytics
