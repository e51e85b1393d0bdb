#include "cmd/clientele/privacy_commands.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "cmd/clientele/proto_json.h"
#include "common/cli/command_line.h"
#include "common/source_key/source_key.h"
#include "common/time/proto_time.h"
#include "nlohmann/json.hpp"

namespace clientele::cli {
namespace {

namespace pv1 = privacy::v1;
using nlohmann::json;
using pv1::PrivacyService;

int UsageError(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "clientele privacy %s: %s\n", command.c_str(), message.c_str());
  return command_line::kExitUsage;
}

void Deadline(grpc::ClientContext& rpc) {
  rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
}

std::string StateText(pv1::RequestState state) {
  return absl::AsciiStrToLower(absl::StripPrefix(pv1::RequestState_Name(state), "REQUEST_STATE_"));
}

bool Finished(pv1::RequestState state) {
  return state == pv1::REQUEST_STATE_SUCCEEDED || state == pv1::REQUEST_STATE_FAILED;
}

json RequestJson(const pv1::PrivacyRequest& request) {
  json out = MessageJson(request);
  out["state"] = StateText(request.state());
  for (size_t i = 0; i < out["steps"].size(); ++i) {
    out["steps"][i]["state"] = StateText(request.steps(static_cast<int>(i)).state());
  }
  return out;
}

std::string Time(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", FromProtoTimestamp(t), absl::UTCTimeZone());
}

void PrintRequest(const CliContext& context, const pv1::PrivacyRequest& r) {
  if (context.json) {
    std::printf("%s\n", RequestJson(r).dump().c_str());
    return;
  }
  std::printf("privacy request %s (%s): %s\n", r.request_id().c_str(), r.kind().c_str(),
              StateText(r.state()).c_str());
  std::printf("  reason:   %s\n", r.reason().c_str());
  std::printf("  subjects: %d (%d named nobody)\n", r.subject_count(), r.subjects_not_found());
  std::printf("  created:  %s by %s\n", Time(r.created_at()).c_str(),
              r.requested_by().empty() ? "(no key)" : r.requested_by().c_str());
  if (r.attempt() > 1 || !r.idempotency_key().empty()) {
    std::printf("  attempt:  %d, idempotency key %s\n", r.attempt(),
                r.idempotency_key().empty() ? "(none)" : r.idempotency_key().c_str());
  }
  for (const pv1::ErasureStep& step : r.steps()) {
    std::printf("  %-12s %-10s", step.service().c_str(), StateText(step.state()).c_str());
    if (step.state() == pv1::REQUEST_STATE_SUCCEEDED) {
      std::printf(" %lld keys deleted", static_cast<long long>(step.keys_deleted()));
    }
    if (!step.error().empty()) std::printf(" %s", step.error().c_str());
    std::printf("\n");
  }
  if (!r.error().empty()) std::printf("  error:    %s\n", r.error().c_str());
}

// Polls the request until it has finished. 0 when it has, else the exit code.
int WaitForRequest(PrivacyService::Stub& stub, double timeout_seconds, pv1::PrivacyRequest* r) {
  const absl::Time deadline = absl::Now() + absl::Seconds(timeout_seconds);
  absl::Duration pause = absl::Milliseconds(50);
  while (!Finished(r->state())) {
    if (absl::Now() + pause > deadline) {
      std::fprintf(stderr, "clientele: privacy request %s did not finish within %.0f s\n",
                   r->request_id().c_str(), timeout_seconds);
      return command_line::kExitFailed;
    }
    absl::SleepFor(pause);
    pause = std::min(pause * 2, absl::Seconds(1));
    grpc::ClientContext rpc;
    Deadline(rpc);
    pv1::GetPrivacyRequestRequest request;
    request.set_request_id(r->request_id());
    pv1::GetPrivacyRequestResponse response;
    grpc::Status status = stub.GetPrivacyRequest(&rpc, request, &response);
    if (!status.ok()) return ReportRpcError("privacy requests get", status);
    *r = response.request();
  }
  return command_line::kExitOk;
}

// The selector of the flags, if one was given; InvalidArgument for two or a bad --source.
absl::StatusOr<std::optional<pv1::SubjectSelector>> FlagSelector(const PrivacyFlags& flags) {
  const int given =
      !flags.email.empty() + !flags.phone.empty() + !flags.id.empty() + !flags.source.empty();
  if (given > 1) {
    return absl::InvalidArgumentError("give one of --email, --phone, --id, --source");
  }
  if (given == 0) return std::nullopt;
  pv1::SubjectSelector selector;
  if (!flags.email.empty()) selector.set_email(flags.email);
  if (!flags.phone.empty()) selector.set_phone(flags.phone);
  if (!flags.id.empty()) selector.set_profile_id(flags.id);
  if (!flags.source.empty()) {
    absl::StatusOr<common::v1::SourceKey> key = ParseSourceKey(flags.source, "--source");
    if (!key.ok()) return key.status();
    *selector.mutable_source_key() = *std::move(key);
  }
  return selector;
}

absl::StatusOr<std::vector<pv1::SubjectSelector>> FileSelectors(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--file: cannot read ", path));
  std::vector<pv1::SubjectSelector> selectors;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string text(absl::StripAsciiWhitespace(line));
    if (text.empty() || text[0] == '#') continue;
    absl::StatusOr<pv1::SubjectSelector> selector =
        ParseSelectorLine(text, absl::StrCat("--file ", path, " line ", number));
    if (!selector.ok()) return selector.status();
    selectors.push_back(*std::move(selector));
  }
  return selectors;
}

int RunErase(const CliContext& context, const PrivacyFlags& flags) {
  pv1::EraseSubjectRequest request;
  absl::StatusOr<std::optional<pv1::SubjectSelector>> selector = FlagSelector(flags);
  if (!selector.ok()) return UsageError("erase", std::string(selector.status().message()));
  if (selector->has_value()) *request.add_subjects() = **selector;
  if (!flags.file.empty()) {
    absl::StatusOr<std::vector<pv1::SubjectSelector>> more = FileSelectors(flags.file);
    if (!more.ok()) return UsageError("erase", std::string(more.status().message()));
    for (pv1::SubjectSelector& s : *more) *request.add_subjects() = std::move(s);
  }
  if (request.subjects().empty()) {
    return UsageError("erase", "give one of --email, --phone, --id, --source, or --file");
  }
  if (absl::StripAsciiWhitespace(flags.reason).empty()) {
    return UsageError("erase",
                      "--reason is required (why the data is erased; kept with the "
                      "request)");
  }
  request.set_reason(flags.reason);
  request.set_idempotency_key(flags.idempotency_key);
  auto stub = PrivacyService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  pv1::EraseSubjectResponse response;
  grpc::Status status = stub->EraseSubject(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("privacy erase", status);
  pv1::PrivacyRequest r = response.request();
  if (flags.wait) {
    if (int rc = WaitForRequest(*stub, flags.timeout_seconds, &r); rc != 0) return rc;
  }
  PrintRequest(context, r);
  if (flags.wait && r.state() != pv1::REQUEST_STATE_SUCCEEDED) return command_line::kExitFailed;
  return command_line::kExitOk;
}

int RunRequestsGet(const CliContext& context, const PrivacyFlags& flags) {
  auto stub = PrivacyService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  pv1::GetPrivacyRequestRequest request;
  request.set_request_id(flags.request_id);
  pv1::GetPrivacyRequestResponse response;
  grpc::Status status = stub->GetPrivacyRequest(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("privacy requests get", status);
  pv1::PrivacyRequest r = response.request();
  if (flags.wait) {
    if (int rc = WaitForRequest(*stub, flags.timeout_seconds, &r); rc != 0) return rc;
  }
  PrintRequest(context, r);
  return command_line::kExitOk;
}

int RunRequestsList(const CliContext& context, const PrivacyFlags& flags) {
  auto stub = PrivacyService::NewStub(context.Channel());
  pv1::ListPrivacyRequestsRequest request;
  request.set_page_size(std::clamp(flags.limit, 1, 1000));
  if (!context.json) {
    std::printf("%-20s %-10s %8s %5s  %-19s %s\n", "REQUEST", "STATE", "SUBJECTS", "TRY", "CREATED",
                "REASON / ERROR");
  }
  int shown = 0;
  do {
    grpc::ClientContext rpc;
    Deadline(rpc);
    pv1::ListPrivacyRequestsResponse page;
    grpc::Status status = stub->ListPrivacyRequests(&rpc, request, &page);
    if (!status.ok()) return ReportRpcError("privacy requests list", status);
    for (const pv1::PrivacyRequest& r : page.requests()) {
      if (shown >= flags.limit) break;
      ++shown;
      if (context.json) {
        std::printf("%s\n", RequestJson(r).dump().c_str());
        continue;
      }
      std::printf("%-20s %-10s %8d %5d  %-19s %s\n", r.request_id().c_str(),
                  StateText(r.state()).c_str(), r.subject_count(), r.attempt(),
                  Time(r.created_at()).c_str(),
                  (r.error().empty() ? r.reason() : r.error()).c_str());
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && shown < flags.limit);
  return command_line::kExitOk;
}

int RunExport(const CliContext& context, const PrivacyFlags& flags) {
  absl::StatusOr<std::optional<pv1::SubjectSelector>> selector = FlagSelector(flags);
  if (!selector.ok()) return UsageError("export", std::string(selector.status().message()));
  if (!selector->has_value()) {
    return UsageError("export", "give one of --email, --phone, --id, --source");
  }
  auto stub = PrivacyService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
  pv1::ExportSubjectRequest request;
  *request.mutable_subject() = **selector;
  pv1::ExportSubjectResponse response;
  grpc::Status status = stub->ExportSubject(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("privacy export", status);
  json document = json::parse(response.json(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    std::fprintf(stderr, "clientele privacy export: the server's document is not JSON\n");
    return command_line::kExitFailed;
  }
  std::printf("%s\n", (context.json ? document.dump() : document.dump(2)).c_str());
  return command_line::kExitOk;
}

int RunSuppressionsList(const CliContext& context, const PrivacyFlags& flags) {
  auto stub = PrivacyService::NewStub(context.Channel());
  pv1::ListSuppressionsRequest request;
  request.set_page_size(std::clamp(flags.limit, 1, 1000));
  if (!context.json) std::printf("%-64s %9s  %-19s %s\n", "HASH", "PARTITION", "SINCE", "REQUEST");
  int shown = 0;
  do {
    grpc::ClientContext rpc;
    Deadline(rpc);
    pv1::ListSuppressionsResponse page;
    grpc::Status status = stub->ListSuppressions(&rpc, request, &page);
    if (!status.ok()) return ReportRpcError("privacy suppressions list", status);
    for (const pv1::Suppression& s : page.suppressions()) {
      if (shown >= flags.limit) break;
      ++shown;
      if (context.json) {
        std::printf("%s\n", MessageJson(s).dump().c_str());
      } else {
        std::printf("%-64s %9u  %-19s %s\n", s.hash().c_str(), s.partition(),
                    Time(s.since()).c_str(), s.request_id().c_str());
      }
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && shown < flags.limit);
  return command_line::kExitOk;
}

int RunLift(const CliContext& context, const PrivacyFlags& flags) {
  absl::StatusOr<common::v1::SourceKey> key = ParseSourceKey(flags.source, "--source");
  if (!key.ok()) return UsageError("suppressions lift", std::string(key.status().message()));
  auto stub = PrivacyService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  pv1::LiftSuppressionRequest request;
  *request.mutable_source_key() = *std::move(key);
  pv1::LiftSuppressionResponse response;
  grpc::Status status = stub->LiftSuppression(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("privacy suppressions lift", status);
  if (context.json) {
    std::printf("%s\n", MessageJson(response).dump().c_str());
  } else {
    std::printf("%s\n", response.lifted() ? "lifted: its new events are accepted again"
                                          : "it was not suppressed");
  }
  return command_line::kExitOk;
}

// --email, --phone, --id, --source on `command`, mutually exclusive.
void AddSelectorFlags(CLI::App* command, PrivacyFlags& flags) {
  command_line::MutuallyExclusive({
      command->add_option("--email", flags.email, "The person by e-mail"),
      command->add_option("--phone", flags.phone, "The person by phone (as entered or E.164)"),
      command->add_option("--id", flags.id, "The person by profile id"),
      command->add_option("--source", flags.source,
                          "The person by a record's source key "
                          "system/id"),
  });
}

}  // namespace

absl::StatusOr<pv1::SubjectSelector> ParseSelectorLine(const std::string& line,
                                                       const std::string& where) {
  const size_t colon = line.find(':');
  const std::string kind = colon == std::string::npos ? "" : line.substr(0, colon);
  const std::string value(
      absl::StripAsciiWhitespace(colon == std::string::npos ? "" : line.substr(colon + 1)));
  pv1::SubjectSelector selector;
  if (kind != "email" && kind != "phone" && kind != "id" && kind != "source") {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": expected email:, phone:, id: or source: before the value"));
  }
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(where, ": ", kind, ": empty"));
  if (kind == "email") selector.set_email(value);
  if (kind == "phone") selector.set_phone(value);
  if (kind == "id") selector.set_profile_id(value);
  if (kind == "source") {
    absl::StatusOr<common::v1::SourceKey> key = ParseSourceKey(value, where);
    if (!key.ok()) return key.status();
    *selector.mutable_source_key() = *std::move(key);
  }
  return selector;
}

void AddPrivacyCommands(CLI::App& app, const CliContext& context, PrivacyFlags& flags,
                        std::function<int()>& run) {
  CLI::App* privacy = app.add_subcommand(
      "privacy",
      "Data subject rights: erase a person everywhere, export what is held about "
      "them, suppressions of erased source keys");
  privacy->require_subcommand(1);

  CLI::App* erase = privacy->add_subcommand(
      "erase", "Erase people from every service (a durable request; --wait to see it end)");
  AddSelectorFlags(erase, flags);
  erase->add_option("--file", flags.file,
                    "More people, one per line: email:…, phone:…, id:…, source:system/id");
  erase->add_option("--reason", flags.reason, "Why (kept with the request)");
  erase->add_option("--idempotency-key", flags.idempotency_key,
                    "The same key makes one request; after a failed one it starts the next "
                    "attempt");
  erase->add_flag("--wait", flags.wait,
                  "Wait until the request has finished (exit 1 unless "
                  "it succeeded)");
  erase->add_option("--timeout", flags.timeout_seconds, "Seconds to wait");
  erase->callback([&] { run = [&] { return RunErase(context, flags); }; });

  CLI::App* requests = privacy->add_subcommand("requests", "Privacy requests");
  requests->require_subcommand(1);
  CLI::App* list = requests->add_subcommand("list", "Privacy requests, newest first");
  list->add_option("--limit", flags.limit, "At most this many")->capture_default_str();
  list->callback([&] { run = [&] { return RunRequestsList(context, flags); }; });
  CLI::App* get = requests->add_subcommand("get", "One privacy request with its steps");
  get->add_option("request_id", flags.request_id, "Request id (privacy-…)")->required();
  get->add_flag("--wait", flags.wait, "Wait until it has finished");
  get->add_option("--timeout", flags.timeout_seconds, "Seconds to wait");
  get->callback([&] { run = [&] { return RunRequestsGet(context, flags); }; });

  CLI::App* exported = privacy->add_subcommand(
      "export", "Everything held about one person, as one JSON document (an audited read)");
  AddSelectorFlags(exported, flags);
  exported->callback([&] { run = [&] { return RunExport(context, flags); }; });

  CLI::App* suppressions =
      privacy->add_subcommand("suppressions", "Erased source keys whose new events are rejected");
  suppressions->require_subcommand(1);
  CLI::App* slist = suppressions->add_subcommand("list", "Suppressions (as salted hashes)");
  slist->add_option("--limit", flags.limit, "At most this many")->capture_default_str();
  slist->callback([&] { run = [&] { return RunSuppressionsList(context, flags); }; });
  CLI::App* lift = suppressions->add_subcommand("lift", "Accept new events of a source key again");
  lift->add_option("--source", flags.source, "The source key system/id")->required();
  lift->callback([&] { run = [&] { return RunLift(context, flags); }; });
}

}  // namespace clientele::cli
