// `clientele consent get`: a profile's current consent per purpose and its history.
#include <cstdio>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "cmd/clientele/identity_commands.h"

namespace clientele::cli {
namespace {

std::string Time(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", FromProtoTimestamp(t), absl::UTCTimeZone());
}

int RunConsentGet(const CliContext& context, const IdentityFlags& flags) {
  absl::StatusOr<identity::v1::ProfileLookup> lookup = LookupFromFlags(flags);
  if (!lookup.ok()) return FlagError("consent get", lookup.status());
  auto stub = identity::v1::IdentityService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  identity::v1::GetConsentsRequest request;
  *request.mutable_lookup() = *lookup;
  identity::v1::GetConsentsResponse response;
  grpc::Status s = stub->GetConsents(&rpc, request, &response);
  if (!s.ok()) return ReportRpcError("consent get", s);
  if (context.json) {
    PrintJson(response);
    return 0;
  }
  std::printf("profile %s\ncurrent:\n", response.profile_id().c_str());
  if (response.current_size() == 0) std::printf("  (no consent recorded)\n");
  for (const auto& c : response.current()) {
    const auto& e = c.decided_by();
    std::printf("  %-36s %-24s since %s via %s (%s)\n",
                common::v1::ConsentPurpose_Name(c.purpose()).c_str(),
                common::v1::ConsentStatus_Name(c.status()).c_str(), Time(e.occurred_at()).c_str(),
                common::v1::Channel_Name(e.channel()).c_str(), FormatSourceKey(e.source()).c_str());
  }
  std::printf("history (%d events, oldest first):\n", response.history_size());
  for (const auto& e : response.history()) {
    std::printf("  %s %-36s %-24s %s evidence=%s\n", Time(e.occurred_at()).c_str(),
                common::v1::ConsentPurpose_Name(e.purpose()).c_str(),
                common::v1::ConsentStatus_Name(e.status()).c_str(),
                FormatSourceKey(e.source()).c_str(), e.evidence().c_str());
  }
  return 0;
}

}  // namespace

void AddConsentCommands(CLI::App& app, const CliContext& context, IdentityFlags& flags,
                        std::function<int()>& run) {
  CLI::App* consent = app.add_subcommand("consent", "Consent ledger (identity)");
  consent->require_subcommand(1);
  CLI::App* get = consent->add_subcommand("get", "Current consents of a profile and history");
  get->add_option("--id", flags.id, "Profile id (or an alias)");
  get->add_option("--email", flags.email, "Look up by e-mail");
  get->add_option("--phone", flags.phone, "Look up by phone");
  get->add_option("--source", flags.source, "Look up by source key system/id");
  get->callback([&] { run = [&] { return RunConsentGet(context, flags); }; });
}

}  // namespace clientele::cli
