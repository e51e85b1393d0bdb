// Identity commands of the CLI (all print one JSON object with --json):
//   clientele profile get --email=E | --phone=P | --id=ID | --source=SYSTEM/ID
//   clientele profile merge --into=ID --from=ID --reason=TEXT [--actor=A] [--idempotency-key=K]
//   clientele profile split --id=ID --records=SYSTEM/ID,... --reason=TEXT [--actor] [--idem...]
//   clientele profile explain A B        (profile ids or SYSTEM/ID source keys)
//   clientele consent get --id=ID | --email=E | --phone=P | --source=SYSTEM/ID
//   clientele identity eval --truth=FILE [--source=SYSTEM]
// Implemented in profile_commands.cc, consent_commands.cc and identity_commands.cc.
#ifndef CLIENTELE_CMD_CLIENTELE_IDENTITY_COMMANDS_H_
#define CLIENTELE_CMD_CLIENTELE_IDENTITY_COMMANDS_H_

#include <functional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "clientele/identity/v1/identity.pb.h"
#include "cmd/clientele/cli_context.h"
#include "common/source_key/source_key.h"
#include "common/time/proto_time.h"

namespace clientele::cli {

struct IdentityFlags {
  // Lookups (profile get, consent get).
  std::string email, phone, id, source;
  // profile merge / split.
  std::string into, from, reason, actor, idempotency_key;
  std::string records;  // system/id,system/id
  // profile explain.
  std::vector<std::string> subjects;
  // identity eval.
  std::string truth_file;
  std::string truth_source;  // Restrict the profile map to this system.
};

void AddProfileCommands(CLI::App& app, const CliContext& context, IdentityFlags& flags,
                        std::function<int()>& run);
void AddConsentCommands(CLI::App& app, const CliContext& context, IdentityFlags& flags,
                        std::function<int()>& run);
void AddIdentityCommands(CLI::App& app, const CliContext& context, IdentityFlags& flags,
                         std::function<int()>& run);

// Shared by the three files.
// The lookup named by exactly one of --email, --phone, --id, --source (InvalidArgument else).
absl::StatusOr<identity::v1::ProfileLookup> LookupFromFlags(const IdentityFlags& flags);
// Prints `message` as one line of JSON (proto field names, defaults included).
void PrintJson(const google::protobuf::Message& message);
// Prints an invalid flag error and returns exit code 2.
int FlagError(const std::string& command, const absl::Status& status);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_IDENTITY_COMMANDS_H_
