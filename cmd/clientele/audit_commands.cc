#include "cmd/clientele/audit_commands.h"

#include <cstdio>
#include <optional>
#include <string>

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clientele/gateway/v1/audit.grpc.pb.h"
#include "cmd/clientele/proto_json.h"
#include "common/text/terminal_escape.h"
#include "common/time/proto_time.h"

namespace clientele::cli {
namespace {

using gateway::v1::AuditService;

// --since: an RFC 3339 time, or a duration back from `now`; nullopt when it is neither.
std::optional<absl::Time> ParseSince(const std::string& text, absl::Time now) {
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return time;
  absl::Duration ago;
  if (absl::ParseDuration(text, &ago) && ago >= absl::ZeroDuration()) return now - ago;
  return std::nullopt;
}

int RunAuditPii(const CliContext& context, const AuditFlags& flags) {
  auto stub = AuditService::NewStub(context.Channel());
  gateway::v1::ListPiiAuditRequest request;
  request.set_key_id(flags.key_id);
  request.set_profile_id(flags.profile);
  if (!flags.since.empty()) {
    // Checked when the command line was parsed.
    ToProtoTimestamp(*ParseSince(flags.since, absl::Now()), request.mutable_since());
  }
  request.set_page_size(1000);
  if (!context.json) {
    std::printf("%-20s %-16s %-20s %-10s %-52s %s\n", "AT", "KEY", "NAME", "ROLE", "METHOD",
                "PROFILES / FIELDS");
  }
  int64_t shown = 0;
  do {
    grpc::ClientContext rpc;
    rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    gateway::v1::ListPiiAuditResponse page;
    grpc::Status status = stub->ListPiiAudit(&rpc, request, &page);
    if (!status.ok()) return ReportRpcError("audit pii", status);
    for (const gateway::v1::PiiAuditEntry& entry : page.entries()) {
      if (flags.limit > 0 && shown >= flags.limit) break;
      ++shown;
      if (context.json) {
        std::printf("%s\n", MessageJson(entry).dump().c_str());
        continue;
      }
      const std::string at = absl::FormatTime("%Y-%m-%d %H:%M:%S", FromProtoTimestamp(entry.at()),
                                              absl::UTCTimeZone());
      std::printf("%-20s %-16s %-20s %-10s %-52s %s / %s\n", at.c_str(),
                  text::EscapeForTerminal(entry.key_id(), 64).c_str(),
                  text::EscapeForTerminal(entry.key_name(), 64).c_str(),
                  text::EscapeForTerminal(entry.role(), 32).c_str(),
                  text::EscapeForTerminal(entry.method(), 128).c_str(),
                  text::EscapeForTerminal(absl::StrJoin(entry.profile_ids(), ",")).c_str(),
                  absl::StrJoin(entry.fields(), ",").c_str());
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && (flags.limit == 0 || shown < flags.limit));
  if (!context.json) std::printf("%lld entries\n", static_cast<long long>(shown));
  return 0;
}

}  // namespace

void AddAuditCommands(CLI::App& app, const CliContext& context, AuditFlags& flags,
                      std::function<int()>& run) {
  CLI::App* audit = app.add_subcommand("audit", "Audit trails kept by the gateway");
  audit->require_subcommand(1);
  CLI::App* pii = audit->add_subcommand(
      "pii", "Responses that carried unmasked personal data, oldest first (admin, steward)");
  pii->add_option("--key-id,--key_id", flags.key_id, "Only reads made with this API key id");
  pii->add_option("--profile", flags.profile, "Only reads about this profile id");
  pii->add_option("--since", flags.since,
                  "Only reads at or after this time: RFC 3339 (2026-12-06T09:00:00Z) or a "
                  "duration back from now (24h, 90m)")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            if (ParseSince(value, absl::Now()).has_value()) return "";
            return "not an RFC 3339 time or a duration (e.g. 24h): " + value;
          },
          "TIME|DURATION"));
  pii->add_option("--limit", flags.limit, "Show at most this many entries (0: all)")
      ->check(CLI::NonNegativeNumber);
  pii->callback([&] { run = [&] { return RunAuditPii(context, flags); }; });
}

}  // namespace clientele::cli
