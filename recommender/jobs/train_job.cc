#include "recommender/jobs/train_job.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "recommender/content/item_similarity_index.h"
#include "recommender/jobs/model_versions.h"
#include "recommender/jobs/training_data.h"
#include "recommender/rules/association_rules.h"
#include "recommender/rules/fp_growth.h"

namespace clientele::recommender {
namespace {

// sar's neighbours per item above the dense cap: its default keeps every co-occurring item, an
// item x item similarity that grows with the square of the catalog (its memory estimate alone
// refuses it there).
constexpr double kLargeCatalogSarNeighbors = 100;

// The spec's models, else the default set for a catalog of `items`; *selection says why the
// set differs from ServedModelNames() (empty when it does not).
std::vector<std::string> ModelsToFit(const v1::TrainJobSpec& spec, int64_t items,
                                     int64_t dense_item_cap, std::string* selection) {
  selection->clear();
  if (!spec.models().empty()) return {spec.models().begin(), spec.models().end()};
  if (items <= dense_item_cap) return ServedModelNames();
  *selection = absl::StrCat(
      "als serves the default strategy: ", items, " items exceed the dense cap of ", dense_item_cap,
      " (ease's max_items), so ease and hybrid were not trained and sar keeps ",
      kLargeCatalogSarNeighbors, " neighbours per item");
  return LargeCatalogModelNames();
}

absl::Status Cancelled() { return absl::CancelledError("cancelled"); }

// Item vectors from the store, when any: num_items x dimension, zero rows for items without
// one (or with another dimension). 0 dimension when none.
absl::StatusOr<int32_t> ReadItemVectors(const RecommenderStore& store, const Dataset& data,
                                        std::vector<float>* out) {
  int32_t dimension = 0;
  CLT_RETURN_IF_ERROR(store.ForEachItemVector([&](std::string_view sku,
                                                  std::vector<float> values) -> absl::Status {
    if (values.empty()) return absl::OkStatus();
    if (dimension == 0) {
      dimension = static_cast<int32_t>(values.size());
      out->assign(static_cast<size_t>(data.num_items()) * dimension, 0.0f);
    }
    if (static_cast<int32_t>(values.size()) != dimension) return absl::OkStatus();
    std::optional<int32_t> item = data.FindItem(absl::string_view(sku.data(), sku.size()));
    if (!item) return absl::OkStatus();
    std::copy(values.begin(), values.end(), out->begin() + static_cast<size_t>(*item) * dimension);
    return absl::OkStatus();
  }));
  return dimension;
}

}  // namespace

absl::Status ValidateTrainSpec(const v1::TrainJobSpec& spec) {
  if (!(spec.min_support() >= 0 && spec.min_support() <= 1)) {
    return absl::InvalidArgumentError("spec.train.min_support: must be in [0, 1]");
  }
  if (!(spec.min_confidence() >= 0 && spec.min_confidence() <= 1)) {
    return absl::InvalidArgumentError("spec.train.min_confidence: must be in [0, 1]");
  }
  if (spec.max_itemset_size() < 0) {
    return absl::InvalidArgumentError("spec.train.max_itemset_size: must not be negative");
  }
  if (spec.max_itemsets() < 0) {
    return absl::InvalidArgumentError("spec.train.max_itemsets: must not be negative");
  }
  const std::vector<std::string> known = ModelNames();
  for (int i = 0; i < spec.models_size(); ++i) {
    if (std::find(known.begin(), known.end(), spec.models(i)) == known.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("spec.train.models[", i, "]: unknown model '", spec.models(i), "'"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<JobOutcome> RunTrainJob(const JobInput& job, RecommenderStore* store,
                                       SnapshotHolder* holder, const ProfileMap& profiles,
                                       const TrainDefaults& defaults, JobControl& control) {
  const v1::TrainJobSpec& spec = job.spec.train();
  const double min_support = spec.min_support() > 0 ? spec.min_support() : defaults.min_support;
  const double min_confidence =
      spec.min_confidence() > 0 ? spec.min_confidence() : defaults.min_confidence;
  control.SetProgress(0.02, "reading events");
  // Before the events: every event at or below these positions is in what is read below, so
  // Recommend's live exclusion (events above them) leaves no gap.
  CLT_ASSIGN_OR_RETURN(const std::vector<v1::AppliedPosition> trained_through, store->AppliedLog());
  CLT_ASSIGN_OR_RETURN(TrainingData td,
                       ReadTrainingData(*store, profiles, [&] { return control.cancelled(); }));
  if (control.cancelled()) return Cancelled();

  v1::JobResult result;
  result.set_users(td.data.num_users());
  result.set_items(td.data.num_items());
  result.set_interactions(td.data.num_interactions());
  result.set_baskets(td.baskets.size());

  // Personal models.
  std::map<std::string, std::shared_ptr<const RecommenderModel>> models;
  std::string selection;
  const std::vector<std::string> names =
      ModelsToFit(spec, td.data.num_items(), defaults.dense_item_cap, &selection);
  result.set_model_selection(selection);
  if (td.data.num_interactions() > 0) {
    for (size_t m = 0; m < names.size(); ++m) {
      const double start = 0.1 + 0.6 * static_cast<double>(m) / names.size();
      const double span = 0.6 / names.size();
      control.SetProgress(start, absl::StrCat("fitting ", names[m]));
      ModelConfig config;
      config.name = names[m];
      config.user_segments = td.user_segments;  // Popularity per RFM segment.
      config.memory_budget_bytes = defaults.memory_budget_bytes;
      if (!selection.empty() && names[m] == "sar") {
        config.params["neighbors"] = kLargeCatalogSarNeighbors;
      }
      config.fitted = models;  // The hybrid reuses the ease fitted before it.
      CLT_ASSIGN_OR_RETURN(
          std::unique_ptr<RecommenderModel> model, TrainModel(config, td.data, [&](double f) {
            control.SetProgress(start + span * f, absl::StrCat("fitting ", names[m]));
            return !control.cancelled();
          }));
      models.emplace(names[m], std::shared_ptr<const RecommenderModel>(std::move(model)));
      result.add_models(names[m]);
    }
  }

  // Frequent itemsets and rules.
  control.SetProgress(0.75, "mining frequent itemsets");
  std::unique_ptr<const BasketCompleter> completer;
  if (td.baskets.size() > 0) {
    FpGrowthOptions options;
    options.min_support = min_support;
    options.max_length = spec.max_itemset_size();
    options.max_itemsets = spec.max_itemsets() > 0 ? spec.max_itemsets() : defaults.max_itemsets;
    options.num_threads = std::max(1, defaults.fp_growth_threads);
    options.cancelled = [&] { return control.cancelled(); };
    const absl::Time start = absl::Now();
    absl::StatusOr<FrequentItemsets> mined = MineFrequentItemsets(td.baskets, options);
    if (absl::IsResourceExhausted(mined.status())) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "frequent itemsets: more than max_itemsets = ", options.max_itemsets,
          " at min_support = ", min_support, " over ", td.baskets.size(),
          " baskets and max_itemset_size = ", options.max_length,
          options.max_length == 0 ? " (no limit)" : "",
          ": raise min_support (--min-support), set max_itemset_size (--max-itemset-size=3 or 4 "
          "serves basket completion) or raise max_itemsets (--max-itemsets)"));
    }
    CLT_RETURN_IF_ERROR(mined.status());
    FrequentItemsets itemsets = *std::move(mined);
    result.set_itemsets_seconds(absl::ToDoubleSeconds(absl::Now() - start));
    result.set_itemsets(itemsets.size());
    RuleOptions rule_options;
    rule_options.min_confidence = min_confidence;
    CLT_ASSIGN_OR_RETURN(AssociationRules rules, GenerateRules(itemsets, rule_options));
    result.set_rules(rules.size());
    completer = std::make_unique<const BasketCompleter>(std::move(rules));
  }
  if (control.cancelled()) return Cancelled();

  // Item similarity.
  control.SetProgress(0.85, "building the item similarity index");
  std::unique_ptr<const ItemSimilarityIndex> similarity;
  std::vector<float> vectors;
  CLT_ASSIGN_OR_RETURN(int32_t dimension, ReadItemVectors(*store, td.data, &vectors));
  if (dimension > 0) {
    CLT_ASSIGN_OR_RETURN(similarity, ItemSimilarityIndex::Build(vectors, dimension, {}));
  } else if (td.data.num_items() > 0) {
    // TF-IDF over name and description (the SKU when an item has no name: basket data
    // names items by their SKU).
    std::vector<std::string> texts;
    for (int32_t i = 0; i < td.data.num_items(); ++i) {
      const ItemMeta& meta = td.data.item_meta(i);
      texts.push_back(
          ItemText(meta.name.empty() ? td.data.item_id(i) : meta.name, meta.description));
    }
    CLT_ASSIGN_OR_RETURN(similarity, ItemSimilarityIndex::BuildFromText(texts, {}, {}));
  }
  if (control.cancelled()) return Cancelled();

  // The new version.
  control.SetProgress(0.95, "storing the model version");
  CLT_ASSIGN_OR_RETURN(const uint64_t version, store->AllocateModelVersion());
  v1::ModelManifest manifest = std::move(td.manifest);
  manifest.set_version(version);
  manifest.set_job_id(job.job_id);
  ToProtoTimestamp(absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())),
                   manifest.mutable_trained_at());  // Whole seconds.
  for (const auto& [name, model] : models) manifest.add_models(name);
  manifest.set_users(td.data.num_users());
  manifest.set_interactions(td.data.num_interactions());
  manifest.set_baskets(td.baskets.size());
  manifest.set_itemsets(result.itemsets());
  manifest.set_rules(result.rules());
  manifest.set_min_support(min_support);
  manifest.set_min_confidence(min_confidence);
  manifest.set_has_rules(completer != nullptr);
  manifest.set_has_similarity(similarity != nullptr);
  manifest.set_model_selection(selection);
  for (const v1::AppliedPosition& p : trained_through) *manifest.add_trained_through() = p;

  JobOutcome outcome;
  outcome.commit = store->kv()->NewWriteBatch();
  PutModelVersion(*store, *outcome.commit, manifest, models,
                  completer ? &completer->rules() : nullptr, similarity.get());
  CLT_ASSIGN_OR_RETURN(std::shared_ptr<const ServingSnapshot> snapshot,
                       ServingSnapshot::Build(std::move(manifest), std::move(models),
                                              std::move(completer), std::move(similarity)));
  outcome.on_committed = [holder, snapshot] { holder->Publish(snapshot); };
  result.set_model_version(version);
  outcome.result = std::move(result);
  return outcome;
}

}  // namespace clientele::recommender
