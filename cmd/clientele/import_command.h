// `clientele import --format=... FILE`: streams a file through IngestStream.
#ifndef CLIENTELE_CMD_CLIENTELE_IMPORT_COMMAND_H_
#define CLIENTELE_CMD_CLIENTELE_IMPORT_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"
#include "cmd/clientele/cli_context.h"
#include "ingest/import/importer.h"

namespace clientele::cli {

struct ImportFlags {
  std::string format;
  std::string file;
  ingest::ImportOptions options;
  std::string channel;
  size_t batch_events = 50;  // Small batches pipeline best (bench/RESULTS.md).
};

// Adds the `import` subcommand; `run` is set to the command to execute when it is chosen.
void AddImportCommand(CLI::App& app, const CliContext& context, ImportFlags& flags,
                      std::function<int()>& run);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_IMPORT_COMMAND_H_
