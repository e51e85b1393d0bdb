// Analytics commands of the CLI:
//   clientele rfm [--convention=notebook|net] [--reference-date=YYYY-MM-DD] [--model-version=V]
//   clientele segments [--model-version=V]
//   clientele jobs start rfm|recluster [flags] [--wait]
//   clientele jobs get JOB_ID | list | cancel JOB_ID
// All print JSON with --json (one object per line for lists).
#ifndef CLIENTELE_CMD_CLIENTELE_ANALYTICS_COMMANDS_H_
#define CLIENTELE_CMD_CLIENTELE_ANALYTICS_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "cmd/clientele/cli_context.h"

namespace clientele::cli {

struct AnalyticsFlags {
  // rfm / jobs start rfm
  std::string convention = "notebook";
  std::string reference_date;           // YYYY-MM-DD (UTC midnight); empty: last order day + 1.
  uint64_t model_version = 0;           // rfm, segments: list this version, run no job.
  std::vector<std::string> strategies;  // "Segment=strategy text" overrides (rfm jobs).
  // jobs start recluster
  std::string kind;               // rfm | recluster
  std::string k_range = "2..10";  // "A..B" or "K"
  int choose_k = 0;
  std::string features = "rfm";  // rfm | demographics | attributes:a,b,c
  int n_init = 10;
  uint64_t seed = 0;
  int pca_sample = 0;
  bool ward = false;
  bool minibatch = false;
  std::string idempotency_key;
  bool wait = false;
  double timeout_seconds = 3600;
  // jobs get / cancel
  std::string job_id;
  int limit = 50;  // jobs list
  // Runs `jobs start train|evaluate` (recommender jobs; set by AddRecommendCommands).
  std::function<int()> start_recommender_job;
};

void AddAnalyticsCommands(CLI::App& app, const CliContext& context, AnalyticsFlags& flags,
                          std::function<int()>& run);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_ANALYTICS_COMMANDS_H_
