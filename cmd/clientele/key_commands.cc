#include "cmd/clientele/key_commands.h"

#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clientele/gateway/v1/keys.grpc.pb.h"
#include "cmd/clientele/proto_json.h"
#include "nlohmann/json.hpp"

namespace clientele::cli {
namespace {

namespace v1 = gateway::v1;
using nlohmann::json;

void Deadline(grpc::ClientContext& rpc) {
  rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
}

json KeyJson(const v1::KeyInfo& key) {
  json out = MessageJson(key);
  // Unset times are absent, not the epoch.
  if (!key.has_revoked_at()) out["revoked_at"] = nullptr;
  if (!key.has_expires_at()) out["expires_at"] = nullptr;
  return out;
}

std::string TimeText(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

int RunKeysCreate(const CliContext& context, const KeyFlags& flags) {
  auto stub = v1::KeyService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::CreateKeyRequest request;
  request.set_name(flags.name);
  request.set_role(flags.role);
  request.set_rps(flags.rps);
  v1::CreateKeyResponse response;
  grpc::Status status = stub->CreateKey(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("keys create", status);
  if (context.json) {
    json out = {{"key_id", response.key_id()},
                {"key", response.key()},
                {"role", response.role()},
                {"name", response.info().name()},
                {"rps", response.info().rps()}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  std::printf("key_id: %s\nrole:   %s\nkey:    %s\n", response.key_id().c_str(),
              response.role().c_str(), response.key().c_str());
  std::fprintf(stderr,
               "The key is shown this once: keep it now (e.g. in a file for "
               "--api-key-file).\n");
  return 0;
}

int RunKeysList(const CliContext& context) {
  auto stub = v1::KeyService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::ListKeysResponse response;
  grpc::Status status = stub->ListKeys(&rpc, v1::ListKeysRequest(), &response);
  if (!status.ok()) return ReportRpcError("keys list", status);
  if (!context.json) {
    std::printf("%-21s %-18s %-24s %8s  %-19s %s\n", "KEY", "ROLE", "NAME", "RPS", "CREATED",
                "STATE");
  }
  for (const v1::KeyInfo& key : response.keys()) {
    if (context.json) {
      std::printf("%s\n", KeyJson(key).dump().c_str());
      continue;
    }
    std::string state = key.revoked() ? "revoked " + TimeText(key.revoked_at()) : "active";
    if (!key.revoked() && key.has_expires_at()) state += ", expires " + TimeText(key.expires_at());
    const std::string rps = key.rps() > 0 ? absl::StrCat(key.rps()) : "default";
    std::printf("%-21s %-18s %-24s %8s  %-19s %s\n", key.key_id().c_str(), key.role().c_str(),
                key.name().c_str(), rps.c_str(), TimeText(key.created_at()).c_str(), state.c_str());
  }
  return 0;
}

int RunKeysRevoke(const CliContext& context, const KeyFlags& flags) {
  auto stub = v1::KeyService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::RevokeKeyRequest request;
  request.set_key_id(flags.key_id);
  v1::RevokeKeyResponse response;
  grpc::Status status = stub->RevokeKey(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("keys revoke", status);
  if (context.json) {
    std::printf("%s\n", KeyJson(response.key()).dump().c_str());
  } else {
    std::printf("key %s (%s) revoked\n", response.key().key_id().c_str(),
                response.key().name().c_str());
  }
  return 0;
}

}  // namespace

void AddKeyCommands(CLI::App& app, const CliContext& context, KeyFlags& flags,
                    std::function<int()>& run) {
  CLI::App* keys = app.add_subcommand("keys", "API keys of the gateway (admin only)");
  keys->require_subcommand(1);

  CLI::App* create = keys->add_subcommand(
      "create", "Create a key; prints its key id, role and the key (shown once)");
  create
      ->add_option("--role", flags.role,
                   "admin, steward, marketer, analyst, ingest, recommender-client or "
                   "scheduler (docs/security.md)")
      ->required();
  create->add_option("--name", flags.name, "Who or what uses the key")->required();
  create->add_option("--rps", flags.rps, "Calls per second allowed; 0: the server's default")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  create->callback([&] { run = [&] { return RunKeysCreate(context, flags); }; });

  CLI::App* list = keys->add_subcommand("list", "List the keys (no secrets)");
  list->callback([&] { run = [&] { return RunKeysList(context); }; });

  CLI::App* revoke = keys->add_subcommand("revoke", "Revoke a key at once");
  revoke->add_option("key_id", flags.key_id, "Key id (key-...)")->required();
  revoke->callback([&] { run = [&] { return RunKeysRevoke(context, flags); }; });
}

}  // namespace clientele::cli
