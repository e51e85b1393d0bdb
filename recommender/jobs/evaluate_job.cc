#include "recommender/jobs/evaluate_job.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"
#include "recommender/evaluation/evaluate.h"
#include "recommender/evaluation/split.h"
#include "recommender/jobs/training_data.h"

namespace clientele::recommender {
namespace {

struct Split {
  bool random = true;
  double ratio = 0.75;  // random
  int64_t days = 0;     // time
};

absl::StatusOr<Split> ParseSplit(const std::string& text) {
  Split split;
  if (text.empty()) return split;
  const absl::Status bad = absl::InvalidArgumentError(absl::StrCat(
      "spec.evaluate.split: '", text,
      "' is not random:R (0 < R < 1, the training share) or time:N (the last N days held out)"));
  if (absl::StartsWith(text, "random:")) {
    if (!absl::SimpleAtod(text.substr(7), &split.ratio) || !(split.ratio > 0 && split.ratio < 1)) {
      return bad;
    }
    return split;
  }
  if (absl::StartsWith(text, "time:")) {
    split.random = false;
    if (!absl::SimpleAtoi(text.substr(5), &split.days) || split.days <= 0 || split.days > 36500) {
      return bad;
    }
    return split;
  }
  return bad;
}

}  // namespace

absl::Status ValidateEvaluateSpec(const v1::EvaluateJobSpec& spec) {
  CLT_RETURN_IF_ERROR(ParseSplit(spec.split()).status());
  if (spec.k() < 0 || spec.k() > 1000) {
    return absl::InvalidArgumentError("spec.evaluate.k: must be between 1 and 1000 (0 means 10)");
  }
  if (!spec.cold_users().empty() && spec.cold_users() != "skip" &&
      spec.cold_users() != "popularity") {
    return absl::InvalidArgumentError(absl::StrCat("spec.evaluate.cold_users: '", spec.cold_users(),
                                                   "' is not skip or popularity"));
  }
  const std::vector<std::string> known = ModelNames();
  for (int i = 0; i < spec.models_size(); ++i) {
    if (std::find(known.begin(), known.end(), spec.models(i)) == known.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("spec.evaluate.models[", i, "]: unknown model '", spec.models(i), "'"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<JobOutcome> RunEvaluateJob(const JobInput& job, const RecommenderStore& store,
                                          const ProfileMap& profiles, int64_t memory_budget_bytes,
                                          JobControl& control) {
  const v1::EvaluateJobSpec& spec = job.spec.evaluate();
  CLT_ASSIGN_OR_RETURN(const Split split, ParseSplit(spec.split()));
  const int k = spec.k() == 0 ? 10 : spec.k();
  control.SetProgress(0.02, "reading events");
  CLT_ASSIGN_OR_RETURN(TrainingData td,
                       ReadTrainingData(store, profiles, [&] { return control.cancelled(); }));
  if (control.cancelled()) return absl::CancelledError("cancelled");
  if (td.data.num_interactions() == 0) {
    return absl::FailedPreconditionError(
        "nothing to evaluate: no customer has orders, interactions or ratings");
  }
  control.SetProgress(0.05, "splitting");
  absl::StatusOr<TrainTest> parts = split.random
                                        ? StratifiedRandomSplit(td.data, split.ratio, spec.seed())
                                        : TimeSplit(td.data, absl::Hours(24 * split.days));
  if (!parts.ok()) return parts.status();

  v1::JobResult result;
  result.set_k(k);
  result.set_users(td.data.num_users());
  result.set_items(td.data.num_items());
  result.set_interactions(td.data.num_interactions());
  const bool score_cold_users = spec.cold_users() == "popularity";
  result.set_cold_users(score_cold_users ? "popularity" : "skip");
  for (int32_t u = 0; u < parts->test.num_users(); ++u) {
    if (parts->test.UserItems(u).empty()) continue;
    if (parts->train.UserItems(u).empty()) {
      result.set_cold_test_users(result.cold_test_users() + 1);
    } else {
      result.set_warm_test_users(result.warm_test_users() + 1);
    }
  }
  std::vector<std::string> names(spec.models().begin(), spec.models().end());
  if (names.empty()) names = ModelNames();
  // Fitted models a later hybrid reuses as its components instead of fitting them again.
  std::map<std::string, std::shared_ptr<const RecommenderModel>> shared;
  const bool hybrid_later = std::find(names.begin(), names.end(), "hybrid") != names.end();
  for (size_t m = 0; m < names.size(); ++m) {
    const double start = 0.05 + 0.95 * static_cast<double>(m) / names.size();
    const double span = 0.95 / names.size();
    control.SetProgress(start, absl::StrCat("fitting ", names[m]));
    ModelConfig config;
    config.name = names[m];
    config.memory_budget_bytes = memory_budget_bytes;
    config.fitted = shared;
    const absl::Time fit_start = absl::Now();
    CLT_ASSIGN_OR_RETURN(std::shared_ptr<const RecommenderModel> model,
                         TrainModel(config, parts->train, [&](double f) {
                           control.SetProgress(start + span * 0.5 * f,
                                               absl::StrCat("fitting ", names[m]));
                           return !control.cancelled();
                         }));
    if (hybrid_later && (names[m] == "ease" || names[m] == "svd")) shared[names[m]] = model;
    const double fit_seconds = absl::ToDoubleSeconds(absl::Now() - fit_start);
    EvaluateOptions options;
    options.k = k;
    // Purchases repeat: with a time split, items bought again are not "new" to recommend.
    options.drop_seen_test_items = !split.random;
    options.include_cold_users = score_cold_users;
    options.progress = [&](double f) {
      control.SetProgress(start + span * (0.5 + 0.5 * f), absl::StrCat("scoring ", names[m]));
      return !control.cancelled();
    };
    CLT_ASSIGN_OR_RETURN(Evaluation evaluation, Evaluate(*model, parts->test, options));
    v1::ModelMetrics* metrics = result.add_metrics();
    metrics->set_model(names[m]);
    metrics->set_precision(evaluation.metrics.precision);
    metrics->set_recall(evaluation.metrics.recall);
    metrics->set_f1(evaluation.metrics.f1);
    metrics->set_map(evaluation.metrics.map);
    metrics->set_ndcg(evaluation.metrics.ndcg);
    metrics->set_mrr(evaluation.metrics.mrr);
    metrics->set_hit_rate(evaluation.metrics.hit_rate);
    metrics->set_coverage(evaluation.metrics.coverage);
    metrics->set_users(evaluation.metrics.users);
    metrics->set_fit_seconds(fit_seconds);
    result.add_models(names[m]);
  }
  JobOutcome outcome;
  outcome.result = std::move(result);
  return outcome;
}

}  // namespace clientele::recommender
