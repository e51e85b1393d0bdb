// The API key commands of the CLI, over clientele.gateway.v1.KeyService (admin only):
//   clientele keys create --role=ROLE --name=NAME [--rps=N] [--json]
//       prints the key id, the role and the key (its secret: shown this once);
//       --json: {"key_id", "key", "role", "name", "rps"}
//   clientele keys list [--json]     every key, no secrets; --json: one object per line
//                                    {"key_id", "name", "role", "rps", "created_at",
//                                     "revoked", "revoked_at", "expires_at"}
//   clientele keys revoke KEY_ID [--json]
// Exit codes: 0 ok, 1 a failed call, 2 usage.
#ifndef CLIENTELE_CMD_CLIENTELE_KEY_COMMANDS_H_
#define CLIENTELE_CMD_CLIENTELE_KEY_COMMANDS_H_

#include <functional>
#include <string>

#include "CLI/CLI.hpp"
#include "cmd/clientele/cli_context.h"

namespace clientele::cli {

struct KeyFlags {
  std::string role;
  std::string name;
  double rps = 0;
  std::string key_id;
};

void AddKeyCommands(CLI::App& app, const CliContext& context, KeyFlags& flags,
                    std::function<int()>& run);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_KEY_COMMANDS_H_
