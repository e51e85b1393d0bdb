#include "recommender/models/item_cf_model.h"

#include <cmath>
#include <utility>
#include <vector>

#include "recommender/models/internal/byte_io.h"
#include "recommender/models/internal/params.h"

namespace clientele::recommender {

absl::StatusOr<std::unique_ptr<RecommenderModel>> ItemCfModel::Create(const ModelConfig& config) {
  internal::Params params(config.params);
  auto model = std::make_unique<ItemCfModel>();
  double neighbors = params.Get("neighbors", 100);
  model->binary_ = params.Get("binary", 1) != 0;
  model->shrink_ = params.Get("shrink", 0);
  if (auto s = params.CheckAllUsed("item_cf"); !s.ok()) return s;
  if (!(neighbors >= 0 && neighbors <= 1e6)) {
    return absl::InvalidArgumentError("params: neighbors must be in 0..1000000");
  }
  if (!(model->shrink_ >= 0)) return absl::InvalidArgumentError("params: shrink must be >= 0");
  model->max_neighbors_ = static_cast<int32_t>(neighbors);
  return model;
}

absl::Status ItemCfModel::FitImpl(const Dataset& data, const FitProgress& progress) {
  std::vector<double> norm(data.num_items(), 0.0);
  for (size_t a = 0; a < data.item_index().size(); ++a) {
    double x = binary_ ? 1.0 : data.values()[a];
    norm[data.item_index()[a]] += x * x;
  }
  for (double& v : norm) v = std::sqrt(v);
  auto cosine = [&](int32_t i, int32_t j, double dot, int32_t) -> float {
    double d = norm[i] * norm[j] + shrink_;
    return d > 0 ? static_cast<float>(dot / d) : 0.0f;
  };
  absl::StatusOr<internal::ItemNeighbors> built =
      internal::ItemNeighbors::Build(data, binary_, max_neighbors_, cosine, progress);
  if (!built.ok()) return built.status();
  neighbors_ = *std::move(built);
  return absl::OkStatus();
}

void ItemCfModel::Score(absl::Span<const std::pair<int32_t, float>> history, absl::string_view,
                        absl::Span<float> scores) const {
  neighbors_.Accumulate(history, binary_, scores);
}

Reason ItemCfModel::Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                            absl::string_view) const {
  return neighbors_.Explain(item, history, binary_, ReasonKind::kSimilarTo);
}

void ItemCfModel::SerializeImpl(std::string* out) const {
  internal::Put<int32_t>(out, max_neighbors_);
  internal::Put<uint8_t>(out, binary_ ? 1 : 0);
  internal::Put<double>(out, shrink_);
  neighbors_.Serialize(out);
}

absl::Status ItemCfModel::DeserializeImpl(absl::string_view* in) {
  uint8_t binary;
  if (!internal::Get(in, &max_neighbors_) || !internal::Get(in, &binary) ||
      !internal::Get(in, &shrink_) || !neighbors_.Deserialize(in, items().size())) {
    return absl::DataLossError("item_cf bytes: truncated or inconsistent");
  }
  binary_ = binary != 0;
  return absl::OkStatus();
}

int64_t ItemCfModel::ModelFitBytes(const DataShape& shape) const {
  return internal::NeighborFitBytes(shape, max_neighbors_);
}

}  // namespace clientele::recommender
