#include "recommender/models/hybrid_model.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "recommender/models/internal/byte_io.h"

namespace clientele::recommender {
namespace {

// Each component's scaled scores of the last Score call on this thread, read by Explain in the
// same Recommend call (Score and Explain of one call run on one thread, in that order).
std::vector<std::vector<float>>& ThreadComponentScores() {
  thread_local std::vector<std::vector<float>> scores;
  return scores;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RecommenderModel>> HybridModel::Create(const ModelConfig& config) {
  if (!config.params.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("params: the hybrid model has no parameters, got ",
                     config.params.begin()->first, " (give them to its components)"));
  }
  std::vector<std::pair<ModelConfig, double>> components = config.components;
  if (components.empty()) {
    components.push_back({ModelConfig{"ease"}, 1.0});
    components.push_back({ModelConfig{"item_cf"}, 0.3});
    components.push_back({ModelConfig{"popularity"}, 0.05});
  }
  auto model = std::make_unique<HybridModel>();
  for (auto& [component, weight] : components) {
    if (component.name == "hybrid") {
      return absl::InvalidArgumentError("components: a hybrid cannot contain a hybrid");
    }
    if (!(weight >= 0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("components: weight of ", component.name, " must be >= 0"));
    }
    if (component.user_segments.empty()) component.user_segments = config.user_segments;
    component.cache_top_n = 0;  // Only the blend is served, not its components.
    absl::StatusOr<std::unique_ptr<RecommenderModel>> m = CreateModel(component);
    if (!m.ok()) return m.status();
    model->components_.push_back(*std::move(m));
    model->weights_.push_back(weight);
  }
  return model;
}

absl::Status HybridModel::FitImpl(const Dataset& data, const FitProgress& progress) {
  const size_t count = components_.size();
  for (size_t m = 0; m < count; ++m) {
    FitProgress part = nullptr;
    if (progress) {
      part = [&](double f) { return progress((m + f) / count); };
    }
    if (auto s = components_[m]->Fit(data, part); !s.ok()) return s;
  }
  return absl::OkStatus();
}

std::string HybridModel::UserSegment(int32_t user) const {
  for (const auto& m : components_) {
    std::string s = m->UserSegment(user);
    if (!s.empty()) return s;
  }
  return "";
}

void HybridModel::Score(absl::Span<const std::pair<int32_t, float>> history,
                        absl::string_view segment, absl::Span<float> scores) const {
  auto& parts = ThreadComponentScores();
  parts.resize(components_.size());
  for (size_t m = 0; m < components_.size(); ++m) {
    std::vector<float>& part = parts[m];
    part.assign(scores.size(), 0.0f);
    components_[m]->Score(history, segment, absl::MakeSpan(part));
    float max = 0;
    for (float v : part) max = std::max(max, v);
    const float scale = max > 0 ? static_cast<float>(weights_[m]) / max : 0.0f;
    for (size_t i = 0; i < scores.size(); ++i) {
      part[i] = part[i] > 0 ? part[i] * scale : 0.0f;
      scores[i] += part[i];
    }
  }
}

Reason HybridModel::Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                            absl::string_view segment) const {
  const auto& parts = ThreadComponentScores();
  int best = -1;
  float best_value = 0;
  for (size_t m = 0; m < components_.size() && m < parts.size(); ++m) {
    if (parts[m][item] > best_value) {
      best_value = parts[m][item];
      best = static_cast<int>(m);
    }
  }
  if (best < 0) return Reason{ReasonKind::kPopular};
  return components_[best]->Explain(item, history, segment);
}

void HybridModel::SerializeImpl(std::string* out) const {
  internal::Put<uint64_t>(out, components_.size());
  for (size_t m = 0; m < components_.size(); ++m) {
    internal::Put<double>(out, weights_[m]);
    internal::PutString(out, components_[m]->Serialize());
  }
}

absl::Status HybridModel::DeserializeImpl(absl::string_view* in) {
  uint64_t count;
  if (!internal::Get(in, &count) || count > in->size()) {
    return absl::DataLossError("hybrid bytes: truncated");
  }
  components_.clear();
  weights_.clear();
  std::string bytes;
  for (uint64_t m = 0; m < count; ++m) {
    double weight;
    if (!internal::Get(in, &weight) || !internal::GetString(in, &bytes)) {
      return absl::DataLossError("hybrid bytes: truncated component");
    }
    absl::StatusOr<std::unique_ptr<RecommenderModel>> component = DeserializeModel(bytes);
    if (!component.ok()) return component.status();
    if ((*component)->name() == "hybrid" || (*component)->items().size() != items().size()) {
      return absl::DataLossError("hybrid bytes: bad component");
    }
    components_.push_back(*std::move(component));
    weights_.push_back(weight);
  }
  return absl::OkStatus();
}

}  // namespace clientele::recommender
