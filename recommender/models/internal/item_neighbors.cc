#include "recommender/models/internal/item_neighbors.h"

#include <algorithm>
#include <utility>

#include "recommender/models/internal/byte_io.h"

namespace clientele::recommender::internal {

ItemUsers TransposeDataset(const Dataset& data) {
  const int32_t n = data.num_items();
  ItemUsers t;
  t.offsets.assign(n + 1, 0);
  for (int32_t item : data.item_index()) ++t.offsets[item + 1];
  for (int32_t i = 0; i < n; ++i) t.offsets[i + 1] += t.offsets[i];
  t.users.resize(data.item_index().size());
  t.values.resize(data.item_index().size());
  std::vector<int64_t> next(t.offsets.begin(), t.offsets.end() - 1);
  for (int32_t u = 0; u < data.num_users(); ++u) {
    auto items = data.UserItems(u);
    auto values = data.UserValues(u);
    for (size_t j = 0; j < items.size(); ++j) {
      int64_t at = next[items[j]]++;
      t.users[at] = u;
      t.values[at] = values[j];
    }
  }
  return t;
}

absl::StatusOr<ItemNeighbors> ItemNeighbors::Build(const Dataset& data, bool binary,
                                                   int max_neighbors,
                                                   const SimilarityFn& similarity,
                                                   const FitProgress& progress,
                                                   double progress_from, double progress_span,
                                                   absl::Span<const double> user_weights) {
  const int32_t n = data.num_items();
  ItemUsers t = TransposeDataset(data);
  std::vector<double> dot(n, 0.0);
  std::vector<int32_t> count(n, 0);
  std::vector<int32_t> touched;
  std::vector<std::pair<float, int32_t>> row;  // (similarity, item)
  ItemNeighbors out;
  out.offsets_.assign(1, 0);
  for (int32_t i = 0; i < n; ++i) {
    if (progress && (i & 255) == 0 &&
        !progress(progress_from + progress_span * static_cast<double>(i) / n)) {
      return absl::CancelledError("fit cancelled");
    }
    touched.clear();
    for (int64_t a = t.offsets[i]; a < t.offsets[i + 1]; ++a) {
      const int32_t u = t.users[a];
      const double xi =
          (binary ? 1.0 : t.values[a]) * (user_weights.empty() ? 1.0 : user_weights[u]);
      auto items = data.UserItems(u);
      auto values = data.UserValues(u);
      for (size_t b = 0; b < items.size(); ++b) {
        const int32_t j = items[b];
        if (count[j] == 0) touched.push_back(j);
        ++count[j];
        dot[j] += xi * (binary ? 1.0 : values[b]);
      }
    }
    row.clear();
    for (int32_t j : touched) {
      if (j != i) {
        float s = similarity(i, j, dot[j], count[j]);
        if (s > 0) row.emplace_back(s, j);
      }
      dot[j] = 0;
      count[j] = 0;
    }
    if (max_neighbors > 0 && row.size() > static_cast<size_t>(max_neighbors)) {
      auto better = [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
      };
      std::nth_element(row.begin(), row.begin() + max_neighbors, row.end(), better);
      row.resize(max_neighbors);
    }
    std::sort(row.begin(), row.end(),
              [](const auto& a, const auto& b) { return a.second < b.second; });
    for (const auto& [s, j] : row) {
      out.items_.push_back(j);
      out.sims_.push_back(s);
    }
    out.offsets_.push_back(static_cast<int64_t>(out.items_.size()));
  }
  return out;
}

float ItemNeighbors::Get(int32_t item, int32_t neighbor) const {
  auto items = Neighbors(item);
  auto it = std::lower_bound(items.begin(), items.end(), neighbor);
  if (it == items.end() || *it != neighbor) return 0.0f;
  return sims_[offsets_[item] + (it - items.begin())];
}

void ItemNeighbors::Accumulate(absl::Span<const std::pair<int32_t, float>> history, bool binary,
                               absl::Span<float> scores) const {
  for (const auto& [j, weight] : history) {
    const float w = binary ? 1.0f : weight;
    const int64_t end = offsets_[j + 1];
    for (int64_t a = offsets_[j]; a < end; ++a) scores[items_[a]] += w * sims_[a];
  }
}

int32_t ItemNeighbors::StrongestEvidence(int32_t item,
                                         absl::Span<const std::pair<int32_t, float>> history,
                                         bool binary) const {
  int32_t best = -1;
  float best_value = 0;
  for (const auto& [j, weight] : history) {
    float v = (binary ? 1.0f : weight) * Get(j, item);
    if (v > best_value) {
      best_value = v;
      best = j;
    }
  }
  return best;
}

Reason ItemNeighbors::Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                              bool binary, ReasonKind kind) const {
  const int32_t j = StrongestEvidence(item, history, binary);
  if (j < 0) return Reason{ReasonKind::kPopular};
  return Reason{kind, j, ""};
}

void ItemNeighbors::Serialize(std::string* out) const {
  PutVector(out, offsets_);
  PutVector(out, items_);
  PutVector(out, sims_);
}

bool ItemNeighbors::Deserialize(absl::string_view* in, int32_t num_items) {
  if (!GetVector(in, &offsets_) || !GetVector(in, &items_) || !GetVector(in, &sims_)) {
    return false;
  }
  if (offsets_.size() != static_cast<size_t>(num_items) + 1 || offsets_.front() != 0 ||
      offsets_.back() != static_cast<int64_t>(items_.size()) || sims_.size() != items_.size()) {
    return false;
  }
  for (size_t i = 0; i + 1 < offsets_.size(); ++i) {
    if (offsets_[i] > offsets_[i + 1]) return false;
  }
  for (int32_t j : items_) {
    if (j < 0 || j >= num_items) return false;
  }
  return true;
}

int64_t NeighborFitBytes(const DataShape& shape, int max_neighbors) {
  const int64_t per_item =
      max_neighbors > 0 ? std::min<int64_t>(max_neighbors, shape.items) : shape.items;
  return 16 * shape.interactions + 16 * shape.items + 8 * shape.items * per_item;
}

}  // namespace clientele::recommender::internal
