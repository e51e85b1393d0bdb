// `clientele gen`: writes a deterministic omnichannel identity scenario (identity/scenario/)
// as an events-jsonl file for `clientele import --format=events-jsonl`, plus its ground truth.
// Runs locally; needs no server.
#ifndef CLIENTELE_CMD_CLIENTELE_GEN_COMMAND_H_
#define CLIENTELE_CMD_CLIENTELE_GEN_COMMAND_H_

#include <functional>
#include <string>

#include "CLI/CLI.hpp"
#include "cmd/clientele/cli_context.h"
#include "identity/scenario/scenario.h"

namespace clientele::cli {

struct GenFlags {
  identity::scenario::ScenarioOptions options;
  bool people_set = false;
  std::string out;            // Events, one JSON object per line.
  std::string truth;          // "source_key_1,source_key_2" pairs; optional.
  std::string records;        // "source_key,person,household"; optional.
  std::string online_retail;  // UCI Online Retail CSV to attach people to; optional.
};

// Adds the `gen` subcommand; `run` is set to the command to execute when it is chosen.
void AddGenCommand(CLI::App& app, const CliContext& context, GenFlags& flags,
                   std::function<int()>& run);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_GEN_COMMAND_H_
