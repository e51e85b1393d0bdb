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
  // Streamed messages hold about batch_bytes of events (the count follows the size of the
  // events read so far), at most batch_events. Messages of ~64 KiB pipeline parsing, transfer
  // and writing best (bench/RESULTS.md): 50 Online Retail orders, ~200 customer records.
  size_t batch_bytes = 64 << 10;
  size_t batch_events = 1000;
};

// Adds the `import` subcommand; `run` is set to the command to execute when it is chosen.
void AddImportCommand(CLI::App& app, const CliContext& context, ImportFlags& flags,
                      std::function<int()>& run);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_IMPORT_COMMAND_H_
