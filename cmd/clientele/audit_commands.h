// `clientele audit pii [--key-id=ID] [--profile=ID] [--since=TIME|DURATION] [--limit=N]`:
// the audit of PII reads (clientele.gateway.v1.AuditService/ListPiiAudit), oldest first.
// --since takes an RFC 3339 time ("2026-12-06T09:00:00Z") or a duration back from now
// ("24h", "90m"). With --json, one JSON object per entry and line: at, sequence, key_id,
// key_name, role, method, profile_ids, fields.
#ifndef CLIENTELE_CMD_CLIENTELE_AUDIT_COMMANDS_H_
#define CLIENTELE_CMD_CLIENTELE_AUDIT_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <string>

#include "CLI/CLI.hpp"
#include "cmd/clientele/cli_context.h"

namespace clientele::cli {

struct AuditFlags {
  std::string key_id;
  std::string profile;
  std::string since;
  int64_t limit = 0;  // At most this many entries; 0: all.
};

void AddAuditCommands(CLI::App& app, const CliContext& context, AuditFlags& flags,
                      std::function<int()>& run);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_AUDIT_COMMANDS_H_
