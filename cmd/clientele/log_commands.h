// `clientele rejected`, `clientele log [consumers [list|remove NAME]]` and `clientele sync`:
// views of the ingest log.
#ifndef CLIENTELE_CMD_CLIENTELE_LOG_COMMANDS_H_
#define CLIENTELE_CMD_CLIENTELE_LOG_COMMANDS_H_

#include <functional>
#include <string>

#include "CLI/CLI.hpp"
#include "cmd/clientele/cli_context.h"

namespace clientele::cli {

struct LogFlags {
  int64_t limit = 0;            // rejected: at most this many (0 = all)
  double timeout_seconds = 60;  // sync
  std::string consumer;         // log consumers remove NAME
};

void AddLogCommands(CLI::App& app, const CliContext& context, LogFlags& flags,
                    std::function<int()>& run);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_LOG_COMMANDS_H_
