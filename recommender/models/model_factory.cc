// CreateModel / TrainModel / ModelNames and the by-name construction used by DeserializeModel.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "recommender/models/als_model.h"
#include "recommender/models/ease_model.h"
#include "recommender/models/hybrid_model.h"
#include "recommender/models/item_cf_model.h"
#include "recommender/models/popularity_model.h"
#include "recommender/models/recommender_model.h"
#include "recommender/models/rp3beta_model.h"
#include "recommender/models/sar_model.h"
#include "recommender/models/svd_model.h"

namespace clientele::recommender {

absl::Status MemoryBudgetError(absl::string_view model, int64_t need, int64_t budget,
                               const DataShape& shape);  // recommender_model.cc

namespace {

// nullptr for an unknown name.
absl::StatusOr<std::unique_ptr<RecommenderModel>> CreateByName(const ModelConfig& config) {
  if (config.name == "popularity") return PopularityModel::Create(config);
  if (config.name == "item_cf") return ItemCfModel::Create(config);
  if (config.name == "sar") return SarModel::Create(config);
  if (config.name == "ease") return EaseModel::Create(config);
  if (config.name == "rp3beta") return Rp3betaModel::Create(config);
  if (config.name == "svd") return SvdModel::Create(config);
  if (config.name == "als") return AlsModel::Create(config);
  if (config.name == "hybrid") return HybridModel::Create(config);
  return nullptr;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RecommenderModel>> CreateModel(const ModelConfig& config) {
  if (config.cache_top_n < 0 || config.cache_top_n > 1000) {
    return absl::InvalidArgumentError("cache_top_n: must be in 0..1000");
  }
  absl::StatusOr<std::unique_ptr<RecommenderModel>> model = CreateByName(config);
  if (!model.ok()) return model.status();
  if (*model == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("model: unknown name \"", config.name,
                                                   "\" (known: ", absl::StrJoin(ModelNames(), ", "),
                                                   ")"));
  }
  if (config.memory_budget_bytes < 0) {
    return absl::InvalidArgumentError("memory_budget_bytes: must be >= 0");
  }
  (*model)->cache_top_n_ = config.cache_top_n;
  (*model)->memory_budget_bytes_ = config.memory_budget_bytes;
  (*model)->fit_threads_ = std::max(0, config.fit_threads);
  return model;
}

absl::StatusOr<int64_t> EstimateFitBytes(const ModelConfig& config, const DataShape& shape) {
  absl::StatusOr<std::unique_ptr<RecommenderModel>> model = CreateModel(config);
  if (!model.ok()) return model.status();
  return (*model)->EstimateFitBytes(shape);
}

absl::Status CheckMemoryBudget(const ModelConfig& config, const DataShape& shape) {
  absl::StatusOr<int64_t> need = EstimateFitBytes(config, shape);
  if (!need.ok()) return need.status();
  if (config.memory_budget_bytes > 0 && *need > config.memory_budget_bytes) {
    return MemoryBudgetError(config.name, *need, config.memory_budget_bytes, shape);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RecommenderModel>> TrainModel(const ModelConfig& config,
                                                             const Dataset& data,
                                                             const FitProgress& progress) {
  absl::StatusOr<std::unique_ptr<RecommenderModel>> model = CreateModel(config);
  if (!model.ok()) return model.status();
  if (auto s = (*model)->Fit(data, progress); !s.ok()) return s;
  return model;
}

// An empty model of that name whose state DeserializeImpl then fills in.
absl::StatusOr<std::unique_ptr<RecommenderModel>> NewModelByName(absl::string_view name) {
  ModelConfig config;
  config.name = std::string(name);
  if (config.name == "hybrid") {
    config.components.push_back({ModelConfig{"popularity"}, 1.0});  // Replaced on load.
  }
  return CreateModel(config);
}

}  // namespace clientele::recommender
