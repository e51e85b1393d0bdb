// `clientele profile get|merge|split|explain`.
#include <unistd.h>

#include <cstdio>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "cmd/clientele/identity_commands.h"
#include "common/time/proto_time.h"
#include "google/protobuf/util/json_util.h"

namespace clientele::cli {

using identity::v1::IdentityService;

absl::StatusOr<identity::v1::ProfileLookup> LookupFromFlags(const IdentityFlags& flags) {
  const int given =
      !flags.email.empty() + !flags.phone.empty() + !flags.id.empty() + !flags.source.empty();
  if (given != 1) {
    return absl::InvalidArgumentError("give exactly one of --email, --phone, --id, --source");
  }
  identity::v1::ProfileLookup lookup;
  if (!flags.email.empty()) lookup.set_email(flags.email);
  if (!flags.phone.empty()) lookup.set_phone(flags.phone);
  if (!flags.id.empty()) lookup.set_profile_id(flags.id);
  if (!flags.source.empty()) {
    absl::StatusOr<common::v1::SourceKey> key = ParseSourceKey(flags.source, "--source");
    if (!key.ok()) return key.status();
    *lookup.mutable_source() = *key;
  }
  return lookup;
}

void PrintJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  std::printf("%s\n", json.c_str());
}

int FlagError(const std::string& command, const absl::Status& status) {
  std::fprintf(stderr, "clientele %s: %s\n", command.c_str(),
               std::string(status.message()).c_str());
  return 2;
}

namespace {

std::unique_ptr<grpc::ClientContext> Rpc() {
  auto rpc = std::make_unique<grpc::ClientContext>();
  rpc->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  return rpc;
}

std::string Time(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", FromProtoTimestamp(t), absl::UTCTimeZone());
}

std::string DefaultActor() {
  const char* user = std::getenv("USER");
  return absl::StrCat("cli:", user != nullptr ? user : "unknown");
}

std::string NewIdempotencyKey(const std::string& what) {
  std::random_device rd;
  return absl::StrCat("cli-", what, "-", absl::ToUnixMicros(absl::Now()), "-", getpid(), "-", rd());
}

void PrintGolden(const identity::v1::GoldenRecord& g) {
  const common::v1::CustomerUpsert& r = g.record();
  auto value = [&](const std::string& attribute) -> std::string {
    if (attribute == "email") return r.email();
    if (attribute == "phone") return r.phone();
    if (attribute == "loyalty_id") return r.loyalty_id();
    if (attribute == "national_id_hash") return r.national_id_hash();
    if (attribute == "given_name") return r.given_name();
    if (attribute == "family_name") return r.family_name();
    if (attribute == "full_name") return r.full_name();
    if (attribute == "birth_date") {
      return absl::StrCat(r.birth_date().year(), "-", r.birth_date().month(), "-",
                          r.birth_date().day());
    }
    if (attribute == "gender") return common::v1::Gender_Name(r.gender());
    if (attribute == "address") {
      return absl::StrCat(absl::StrJoin(r.address().lines(), " "), " ", r.address().postal_code(),
                          " ", r.address().city());
    }
    return "(attribute)";
  };
  std::printf("golden record:\n");
  for (const auto& l : g.lineage()) {
    std::printf("  %-18s %-32s from %s at %s (%s)\n", l.attribute().c_str(),
                value(l.attribute()).c_str(), FormatSourceKey(l.source()).c_str(),
                Time(l.observed_at()).c_str(), l.rule().c_str());
  }
}

int RunGet(const CliContext& context, const IdentityFlags& flags) {
  absl::StatusOr<identity::v1::ProfileLookup> lookup = LookupFromFlags(flags);
  if (!lookup.ok()) return FlagError("profile get", lookup.status());
  auto stub = IdentityService::NewStub(context.Channel());
  identity::v1::GetProfileRequest request;
  *request.mutable_lookup() = *lookup;
  identity::v1::GetProfileResponse response;
  grpc::Status s = stub->GetProfile(Rpc().get(), request, &response);
  if (!s.ok()) return ReportRpcError("profile get", s);
  if (context.json) {
    PrintJson(response);
    return 0;
  }
  const identity::v1::Profile& p = response.profile();
  std::printf("profile %s (created %s)\n", p.profile_id().c_str(), Time(p.created_at()).c_str());
  if (p.aliases_size() > 0) {
    std::printf("aliases: %s\n", absl::StrJoin(p.aliases(), ", ").c_str());
  }
  std::printf("members (%d):\n", p.members_size());
  for (const auto& m : p.members()) std::printf("  %s\n", FormatSourceKey(m).c_str());
  PrintGolden(p.golden());
  if (response.other_profile_ids_size() > 0) {
    std::printf("also matching: %s\n", absl::StrJoin(response.other_profile_ids(), ", ").c_str());
  }
  return 0;
}

int RunMerge(const CliContext& context, const IdentityFlags& flags) {
  identity::v1::MergeProfilesRequest request;
  request.set_into_profile_id(flags.into);
  request.set_from_profile_id(flags.from);
  request.set_reason(flags.reason);
  request.set_actor(flags.actor.empty() ? DefaultActor() : flags.actor);
  request.set_idempotency_key(flags.idempotency_key.empty() ? NewIdempotencyKey("merge")
                                                            : flags.idempotency_key);
  auto stub = IdentityService::NewStub(context.Channel());
  identity::v1::MergeProfilesResponse response;
  grpc::Status s = stub->MergeProfiles(Rpc().get(), request, &response);
  if (!s.ok()) return ReportRpcError("profile merge", s);
  if (context.json) {
    PrintJson(response);
  } else {
    std::printf("merged %s into %s (the older id survives; audit entry %llu)\n",
                response.merged_profile_id().c_str(), response.surviving_profile_id().c_str(),
                static_cast<unsigned long long>(response.audit_id()));
  }
  return 0;
}

int RunSplit(const CliContext& context, const IdentityFlags& flags) {
  identity::v1::SplitProfileRequest request;
  request.set_profile_id(flags.id);
  for (absl::string_view r : absl::StrSplit(flags.records, ',', absl::SkipWhitespace())) {
    absl::StatusOr<common::v1::SourceKey> key = ParseSourceKey(std::string(r), "--records");
    if (!key.ok()) return FlagError("profile split", key.status());
    *request.add_records() = *key;
  }
  request.set_reason(flags.reason);
  request.set_actor(flags.actor.empty() ? DefaultActor() : flags.actor);
  request.set_idempotency_key(flags.idempotency_key.empty() ? NewIdempotencyKey("split")
                                                            : flags.idempotency_key);
  auto stub = IdentityService::NewStub(context.Channel());
  identity::v1::SplitProfileResponse response;
  grpc::Status s = stub->SplitProfile(Rpc().get(), request, &response);
  if (!s.ok()) return ReportRpcError("profile split", s);
  if (context.json) {
    PrintJson(response);
  } else {
    std::printf("moved %d record(s) from %s to new profile %s (audit entry %llu)\n",
                request.records_size(), response.profile_id().c_str(),
                response.new_profile_id().c_str(),
                static_cast<unsigned long long>(response.audit_id()));
  }
  return 0;
}

absl::StatusOr<identity::v1::MatchSubject> Subject(const std::string& text) {
  identity::v1::MatchSubject subject;
  if (text.size() > 1 && text[0] == 'P' &&
      text.find_first_not_of("0123456789", 1) == std::string::npos) {
    subject.set_profile_id(text);
    return subject;
  }
  absl::StatusOr<common::v1::SourceKey> key = ParseSourceKey(text, "explain");
  if (!key.ok()) return key.status();
  *subject.mutable_source() = *key;
  return subject;
}

int RunExplain(const CliContext& context, const IdentityFlags& flags) {
  if (flags.subjects.size() != 2) {
    return FlagError("profile explain",
                     absl::InvalidArgumentError("give two profile ids or system/id keys"));
  }
  identity::v1::ExplainMatchRequest request;
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<identity::v1::MatchSubject> s = Subject(flags.subjects[i]);
    if (!s.ok()) return FlagError("profile explain", s.status());
    *(i == 0 ? request.mutable_a() : request.mutable_b()) = *s;
  }
  auto stub = IdentityService::NewStub(context.Channel());
  identity::v1::ExplainMatchResponse response;
  grpc::Status s = stub->ExplainMatch(Rpc().get(), request, &response);
  if (!s.ok()) return ReportRpcError("profile explain", s);
  if (context.json) {
    PrintJson(response);
    return 0;
  }
  const identity::v1::MatchExplanation& e = response.explanation();
  std::printf("%s vs %s: %s, weight %.2f, probability %.4f%s\n",
              FormatSourceKey(response.record_a()).c_str(),
              FormatSourceKey(response.record_b()).c_str(),
              identity::v1::MatchDecision_Name(e.decision()).c_str(), e.match_weight(),
              e.match_probability(), e.rule().empty() ? "" : (" (rule " + e.rule() + ")").c_str());
  std::printf("  %-14s %-22s %8s %10s %10s\n", "FIELD", "LEVEL", "WEIGHT", "M", "U");
  for (const auto& f : e.fields()) {
    std::printf("  %-14s %-22s %8.2f %10.4g %10.4g\n", f.field().c_str(), f.level().c_str(),
                f.weight(), f.m(), f.u());
  }
  return 0;
}

}  // namespace

void AddProfileCommands(CLI::App& app, const CliContext& context, IdentityFlags& flags,
                        std::function<int()>& run) {
  CLI::App* profile = app.add_subcommand("profile", "Resolved customer profiles (identity)");
  profile->require_subcommand(1);

  CLI::App* get = profile->add_subcommand("get", "Show a profile and its golden record");
  get->add_option("--email", flags.email, "Look up by e-mail");
  get->add_option("--phone", flags.phone, "Look up by phone");
  get->add_option("--id", flags.id, "Look up by profile id (or an alias)");
  get->add_option("--source", flags.source, "Look up by source key system/id");
  get->callback([&] { run = [&] { return RunGet(context, flags); }; });

  CLI::App* merge = profile->add_subcommand("merge", "Merge two profiles (the older id survives)");
  merge->add_option("--into", flags.into, "Profile id")->required();
  merge->add_option("--from", flags.from, "Profile id")->required();
  merge->add_option("--reason", flags.reason, "Why (kept in the audit trail)")->required();
  merge->add_option("--actor", flags.actor, "Who (default cli:$USER)");
  merge->add_option("--idempotency-key,--idempotency_key", flags.idempotency_key,
                    "Reuse to retry safely");
  merge->callback([&] { run = [&] { return RunMerge(context, flags); }; });

  CLI::App* split = profile->add_subcommand("split", "Move source records into a new profile");
  split->add_option("--id", flags.id, "Profile id")->required();
  split->add_option("--records", flags.records, "system/id,system/id,...")->required();
  split->add_option("--reason", flags.reason, "Why (kept in the audit trail)")->required();
  split->add_option("--actor", flags.actor, "Who (default cli:$USER)");
  split->add_option("--idempotency-key,--idempotency_key", flags.idempotency_key,
                    "Reuse to retry safely");
  split->callback([&] { run = [&] { return RunSplit(context, flags); }; });

  CLI::App* explain =
      profile->add_subcommand("explain", "Explain the match score of two profiles or records");
  explain->add_option("subjects", flags.subjects, "A B: profile ids or system/id source keys")
      ->expected(2);
  explain->callback([&] { run = [&] { return RunExplain(context, flags); }; });
}

}  // namespace clientele::cli
