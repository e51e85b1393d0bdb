#include "recommender/models/rp3beta_model.h"

#include <cmath>
#include <utility>
#include <vector>

#include "recommender/models/internal/byte_io.h"
#include "recommender/models/internal/params.h"

namespace clientele::recommender {

absl::StatusOr<std::unique_ptr<RecommenderModel>> Rp3betaModel::Create(const ModelConfig& config) {
  internal::Params params(config.params);
  auto model = std::make_unique<Rp3betaModel>();
  model->alpha_ = params.Get("alpha", 1);
  model->beta_ = params.Get("beta", 0.3);
  double neighbors = params.Get("neighbors", 200);
  if (auto s = params.CheckAllUsed("rp3beta"); !s.ok()) return s;
  if (!(model->alpha_ > 0 && model->alpha_ <= 4)) {
    return absl::InvalidArgumentError("params: alpha must be in (0, 4]");
  }
  if (!(model->beta_ >= 0 && model->beta_ <= 2)) {
    return absl::InvalidArgumentError("params: beta must be in [0, 2]");
  }
  if (!(neighbors >= 0 && neighbors <= 1e6)) {
    return absl::InvalidArgumentError("params: neighbors must be in 0..1000000");
  }
  model->max_neighbors_ = static_cast<int32_t>(neighbors);
  return model;
}

absl::Status Rp3betaModel::FitImpl(const Dataset& data, const FitProgress& progress) {
  // d_u^-alpha per user; d_i^-alpha (leaving i) and d_j^-beta (arriving at j) per item.
  std::vector<double> user_weight(data.num_users(), 0.0);
  for (int32_t u = 0; u < data.num_users(); ++u) {
    const size_t d = data.UserItems(u).size();
    if (d > 0) user_weight[u] = std::pow(static_cast<double>(d), -alpha_);
  }
  std::vector<double> degree(data.num_items(), 0.0);
  for (int32_t item : data.item_index()) degree[item] += 1;
  std::vector<double> leave(data.num_items(), 0.0), arrive(data.num_items(), 0.0);
  for (int32_t i = 0; i < data.num_items(); ++i) {
    if (degree[i] == 0) continue;
    leave[i] = std::pow(degree[i], -alpha_);
    arrive[i] = std::pow(degree[i], -beta_);
  }
  auto weight = [&](int32_t i, int32_t j, double dot, int32_t) -> float {
    return static_cast<float>(leave[i] * dot * arrive[j]);
  };
  absl::StatusOr<internal::ItemNeighbors> built =
      internal::ItemNeighbors::Build(data, /*binary=*/true, max_neighbors_, weight, progress,
                                     /*progress_from=*/0, /*progress_span=*/1, user_weight);
  if (!built.ok()) return built.status();
  neighbors_ = *std::move(built);
  return absl::OkStatus();
}

void Rp3betaModel::Score(absl::Span<const std::pair<int32_t, float>> history, absl::string_view,
                         absl::Span<float> scores) const {
  neighbors_.Accumulate(history, /*binary=*/true, scores);
}

Reason Rp3betaModel::Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                             absl::string_view) const {
  return neighbors_.Explain(item, history, /*binary=*/true, ReasonKind::kBoughtWith);
}

void Rp3betaModel::SerializeImpl(std::string* out) const {
  internal::Put<double>(out, alpha_);
  internal::Put<double>(out, beta_);
  internal::Put<int32_t>(out, max_neighbors_);
  neighbors_.Serialize(out);
}

absl::Status Rp3betaModel::DeserializeImpl(absl::string_view* in) {
  if (!internal::Get(in, &alpha_) || !internal::Get(in, &beta_) ||
      !internal::Get(in, &max_neighbors_) || !neighbors_.Deserialize(in, items().size())) {
    return absl::DataLossError("rp3beta bytes: truncated or inconsistent");
  }
  return absl::OkStatus();
}

int64_t Rp3betaModel::ModelFitBytes(const DataShape& shape) const {
  return internal::NeighborFitBytes(shape, max_neighbors_);
}

}  // namespace clientele::recommender
