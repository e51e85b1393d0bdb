// Recommender commands of the CLI (clientele.recommender.v1.RecommenderService):
//   clientele recommend (--profile=ID | --source=SYSTEM/ID) [-k N] [--strategy=S]
//                       [--include-purchased] [--category=C ...] [--respect-consent]
//   clientele basket SKU... [-k N] [--category=C ...] [--min-lift=L]
//   clientele similar SKU [-k N] [--category=C ...]
//   clientele rules [--limit=N] [--min-confidence=C] [--min-lift=L] [--sku=SKU]
//   clientele model-info
//   clientele jobs start train [--min-support=S] [--min-confidence=C] [--models=a,b]
//                              [--max-itemset-size=N] [--max-itemsets=N] [--wait]
//   clientele jobs start evaluate [--split=random:0.75|time:N] [--seed=N] [-k N] [--models=a,b]
//                                 [--wait]
// `jobs start train|evaluate` are kinds of the `jobs` command (cmd/clientele/job_commands.h).
// All print one JSON object (per line for lists) with --json; a job's `result` holds the train
// result's `itemsets` and `rules`, and the evaluate result's `metrics` as an object (model ->
// precision, recall, f1, map, ndcg, mrr, hit_rate, coverage, ...).
#ifndef CLIENTELE_CMD_CLIENTELE_RECOMMEND_COMMANDS_H_
#define CLIENTELE_CMD_CLIENTELE_RECOMMEND_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "cmd/clientele/analytics_commands.h"
#include "cmd/clientele/cli_context.h"

namespace clientele::cli {

struct RecommendFlags {
  std::string profile;
  std::string source;
  int k = 10;
  std::string strategy;
  bool include_purchased = false;
  bool respect_consent = false;
  std::vector<std::string> categories;
  std::vector<std::string> exclude;
  std::vector<std::string> skus;  // basket, similar
  // basket --min-lift; unset: the server's default (lift > 1).
  std::optional<double> basket_min_lift;
  // rules
  int limit = 100;
  double min_confidence = 0;
  double min_lift = 0;
  std::string sku;
  // jobs start train / evaluate
  double min_support = 0;
  double train_min_confidence = 0;
  std::string models;
  int max_itemset_size = 0;
  int64_t max_itemsets = 0;
  std::string split = "random:0.75";
  int eval_k = 10;
  std::string cold_users = "skip";
};

// Adds the commands above. Call after AddAnalyticsCommands (evaluate shares its --seed).
void AddRecommendCommands(CLI::App& app, const CliContext& context, RecommendFlags& flags,
                          AnalyticsFlags& analytics_flags, JobFlags& job_flags,
                          std::function<int()>& run);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_RECOMMEND_COMMANDS_H_
