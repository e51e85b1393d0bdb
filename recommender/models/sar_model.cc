#include "recommender/models/sar_model.h"

#include <cmath>
#include <utility>
#include <vector>

#include "recommender/models/internal/byte_io.h"
#include "recommender/models/internal/params.h"

namespace clientele::recommender {

absl::StatusOr<std::unique_ptr<RecommenderModel>> SarModel::Create(const ModelConfig& config) {
  internal::Params params(config.params);
  auto model = std::make_unique<SarModel>();
  double similarity = params.Get("similarity", 1);
  model->half_life_days_ = params.Get("half_life_days", 30);
  double threshold = params.Get("threshold", 1);
  double neighbors = params.Get("neighbors", 0);
  if (auto s = params.CheckAllUsed("sar"); !s.ok()) return s;
  if (similarity != 0 && similarity != 1 && similarity != 2) {
    return absl::InvalidArgumentError(
        "params: similarity must be 0 (co-occurrence), 1 (Jaccard) or 2 (lift)");
  }
  if (!(model->half_life_days_ >= 0)) {
    return absl::InvalidArgumentError("params: half_life_days must be >= 0");
  }
  if (!(threshold >= 1 && threshold <= 1e9)) {
    return absl::InvalidArgumentError("params: threshold must be >= 1");
  }
  if (!(neighbors >= 0 && neighbors <= 1e6)) {
    return absl::InvalidArgumentError("params: neighbors must be in 0..1000000");
  }
  model->similarity_ = static_cast<int32_t>(similarity);
  model->threshold_ = static_cast<int32_t>(threshold);
  model->max_neighbors_ = static_cast<int32_t>(neighbors);
  return model;
}

absl::Status SarModel::FitImpl(const Dataset& data, const FitProgress& progress) {
  std::vector<double> occurrences(data.num_items(), 0.0);
  for (int32_t item : data.item_index()) occurrences[item] += 1;
  auto sim = [&](int32_t i, int32_t j, double, int32_t count) -> float {
    if (count < threshold_) return 0.0f;
    double c = count;
    switch (similarity_) {
      case 0:
        return static_cast<float>(c);
      case 2:
        return static_cast<float>(c / (occurrences[i] * occurrences[j]));
      default:
        return static_cast<float>(c / (occurrences[i] + occurrences[j] - c));
    }
  };
  absl::StatusOr<internal::ItemNeighbors> built =
      internal::ItemNeighbors::Build(data, /*binary=*/true, max_neighbors_, sim, progress);
  if (!built.ok()) return built.status();
  neighbors_ = *std::move(built);
  // Time-decayed affinities replace the stored history values.
  std::vector<float> affinity(data.values().begin(), data.values().end());
  if (half_life_days_ > 0) {
    const double half_life = half_life_days_ * 86400.0;
    for (size_t a = 0; a < affinity.size(); ++a) {
      double age = static_cast<double>(data.max_time() - data.times()[a]);
      affinity[a] = static_cast<float>(affinity[a] * std::exp2(-age / half_life));
    }
  }
  ReplaceHistoryValues(std::move(affinity));
  return absl::OkStatus();
}

void SarModel::Score(absl::Span<const std::pair<int32_t, float>> history, absl::string_view,
                     absl::Span<float> scores) const {
  neighbors_.Accumulate(history, /*binary=*/false, scores);
}

Reason SarModel::Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                         absl::string_view) const {
  return neighbors_.Explain(item, history, /*binary=*/false, ReasonKind::kBoughtWith);
}

void SarModel::SerializeImpl(std::string* out) const {
  internal::Put<int32_t>(out, similarity_);
  internal::Put<double>(out, half_life_days_);
  internal::Put<int32_t>(out, threshold_);
  internal::Put<int32_t>(out, max_neighbors_);
  neighbors_.Serialize(out);
}

absl::Status SarModel::DeserializeImpl(absl::string_view* in) {
  if (!internal::Get(in, &similarity_) || !internal::Get(in, &half_life_days_) ||
      !internal::Get(in, &threshold_) || !internal::Get(in, &max_neighbors_) ||
      !neighbors_.Deserialize(in, items().size())) {
    return absl::DataLossError("sar bytes: truncated or inconsistent");
  }
  return absl::OkStatus();
}

int64_t SarModel::ModelFitBytes(const DataShape& shape) const {
  return internal::NeighborFitBytes(shape, max_neighbors_);
}

}  // namespace clientele::recommender
