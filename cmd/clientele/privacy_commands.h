// The privacy commands of the CLI, over clientele.privacy.v1.PrivacyService (docs/privacy.md):
//   clientele privacy erase --email=E|--phone=P|--id=ID|--source=system/id [--file=PATH]
//                           --reason=TEXT [--idempotency-key=K] [--wait] [--timeout=S]
//   clientele privacy requests list [--limit=N] | get REQUEST_ID [--wait] [--timeout=S]
//   clientele privacy export --email=E|--phone=P|--id=ID|--source=system/id
//   clientele privacy suppressions list [--limit=N] | lift --source=system/id
// --file holds one selector per line ("email:a@b.c", "phone:+90532...", "id:P0000000042",
// "source:web/c-17"; blank lines and lines starting with '#' are skipped), in addition to the
// one selector flag, if any. `export` prints the JSON document (one line with --json, indented
// otherwise). With --json a request prints as one object per line: the fields of
// PrivacyRequest with "state" (and each step's) as "queued", "running", "succeeded", "failed".
// Exit codes: 0 ok, 1 a failed call or (with --wait) a request that did not succeed, 2 usage
// found before any call (no selector, two selector flags, a bad --file line, no --reason).
#ifndef CLIENTELE_CMD_CLIENTELE_PRIVACY_COMMANDS_H_
#define CLIENTELE_CMD_CLIENTELE_PRIVACY_COMMANDS_H_

#include <functional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "clientele/privacy/v1/privacy.pb.h"
#include "cmd/clientele/cli_context.h"

namespace clientele::cli {

struct PrivacyFlags {
  std::string email;
  std::string phone;
  std::string id;
  std::string source;
  std::string file;
  std::string reason;
  std::string idempotency_key;
  bool wait = false;
  double timeout_seconds = 3600;
  std::string request_id;
  int limit = 50;
};

void AddPrivacyCommands(CLI::App& app, const CliContext& context, PrivacyFlags& flags,
                        std::function<int()>& run);

// One selector from "email:…", "phone:…", "id:…" or "source:system/id". InvalidArgument
// naming `where` (e.g. "--file subjects.txt line 3") otherwise.
absl::StatusOr<privacy::v1::SubjectSelector> ParseSelectorLine(const std::string& line,
                                                               const std::string& where);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_PRIVACY_COMMANDS_H_
