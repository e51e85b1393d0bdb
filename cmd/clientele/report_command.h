// `clientele report --out DIR`: writes the analytics report (elbow, silhouette, PCA scatter,
// segment sizes and revenue) as hand-written SVG files into DIR, from the active models.
#ifndef CLIENTELE_CMD_CLIENTELE_REPORT_COMMAND_H_
#define CLIENTELE_CMD_CLIENTELE_REPORT_COMMAND_H_

#include <functional>
#include <string>

#include "CLI/CLI.hpp"
#include "cmd/clientele/cli_context.h"

namespace clientele::cli {

struct ReportFlags {
  std::string out;
};

void AddReportCommand(CLI::App& app, const CliContext& context, ReportFlags& flags,
                      std::function<int()>& run);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_REPORT_COMMAND_H_
