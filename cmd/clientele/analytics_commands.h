// Analytics commands of the CLI:
//   clientele rfm [--convention=notebook|net] [--reference-date=YYYY-MM-DD] [--model-version=V]
//   clientele segments [--model-version=V]
//   clientele jobs start rfm|recluster [flags] [--wait]   (cmd/clientele/job_commands.h)
// All print JSON with --json (one object per line for lists).
#ifndef CLIENTELE_CMD_CLIENTELE_ANALYTICS_COMMANDS_H_
#define CLIENTELE_CMD_CLIENTELE_ANALYTICS_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "cmd/clientele/cli_context.h"
#include "cmd/clientele/job_commands.h"

namespace clientele::cli {

struct AnalyticsFlags {
  // rfm / jobs start rfm
  std::string convention = "notebook";
  std::string reference_date;           // YYYY-MM-DD (UTC midnight); empty: last order day + 1.
  uint64_t model_version = 0;           // rfm, segments: list this version, run no job.
  std::vector<std::string> strategies;  // "Segment=strategy text" overrides (rfm jobs).
  // jobs start recluster
  std::string k_range = "2..10";  // "A..B" or "K"
  int choose_k = 0;
  std::string features = "rfm";  // rfm | demographics | attributes:a,b,c
  int n_init = 10;
  uint64_t seed = 0;
  int pca_sample = 0;
  bool ward = false;
  bool minibatch = false;
};

// Call after AddJobCommands: registers the rfm and recluster kinds and their `jobs start`
// flags.
void AddAnalyticsCommands(CLI::App& app, const CliContext& context, AnalyticsFlags& flags,
                          JobFlags& job_flags, std::function<int()>& run);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_ANALYTICS_COMMANDS_H_
