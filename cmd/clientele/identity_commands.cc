// `clientele identity eval`: pairwise precision / recall / F1 of the served profile map against
// a truth file of matching pairs.
#include "cmd/clientele/identity_commands.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "common/text/csv_reader.h"
#include "identity/matching/linkage_metrics.h"
#include "nlohmann/json.hpp"

namespace clientele::cli {
namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

int RunEval(const CliContext& context, const IdentityFlags& flags) {
  std::ifstream in(flags.truth_file, std::ios::binary);
  if (!in) {
    return FlagError("identity eval", absl::InvalidArgumentError(absl::StrCat(
                                          "--truth: cannot read '", flags.truth_file, "'")));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string contents = buffer.str();
  text::CsvReader reader(contents);
  text::CsvRecord record;
  std::vector<std::pair<std::string, std::string>> truth;
  bool header = true;
  int64_t row = 0;
  while (reader.Next(&record)) {
    if (header) {
      header = false;
      continue;
    }
    ++row;
    if (!record.error.empty() || record.fields.size() < 2 || Trim(record.fields[0]).empty() ||
        Trim(record.fields[1]).empty()) {
      return FlagError("identity eval",
                       absl::InvalidArgumentError(absl::StrCat(
                           "--truth: row ", row, ": expected two source ids separated by ','")));
    }
    truth.emplace_back(Trim(record.fields[0]), Trim(record.fields[1]));
  }

  // The served map, keyed by the whole "system/id"; bare ids resolve through `by_id`.
  auto stub = identity::v1::IdentityService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(600)));
  identity::v1::GetProfileMapRequest request;
  request.set_system(flags.truth_source);
  auto stream = stub->GetProfileMap(&rpc, request);
  absl::flat_hash_map<std::string, std::string> cluster_of;
  absl::flat_hash_map<std::string, std::string> by_id;  // id -> full key ("" if ambiguous)
  identity::v1::GetProfileMapResponse chunk;
  while (stream->Read(&chunk)) {
    for (const auto& e : chunk.entries()) {
      std::string full = FormatSourceKey(e.source());
      auto [it, inserted] = by_id.try_emplace(e.source().id(), full);
      if (!inserted) it->second.clear();
      cluster_of[std::move(full)] = e.profile_id();
    }
  }
  grpc::Status s = stream->Finish();
  if (!s.ok()) return ReportRpcError("identity eval", s);

  int64_t unknown = 0, ambiguous = 0;
  for (auto& [a, b] : truth) {
    for (std::string* id : {&a, &b}) {
      if (id->find('/') != std::string::npos) continue;
      auto it = by_id.find(*id);
      if (it == by_id.end()) {
        ++unknown;
      } else if (it->second.empty()) {
        ++ambiguous;
      } else {
        *id = it->second;
      }
    }
  }
  const identity::LinkageMetrics m = identity::PairwiseLinkageMetrics(truth, cluster_of);
  if (context.json) {
    nlohmann::json j = {{"precision", m.precision},
                        {"recall", m.recall},
                        {"f1", m.f1},
                        {"true_pairs", m.true_pairs},
                        {"predicted_pairs", m.predicted_pairs},
                        {"correct_pairs", m.correct_pairs},
                        {"records", cluster_of.size()},
                        {"truth_rows", truth.size()},
                        {"unknown_ids", unknown},
                        {"ambiguous_ids", ambiguous}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("records %zu, true pairs %lld, predicted pairs %lld, correct %lld\n",
                cluster_of.size(), static_cast<long long>(m.true_pairs),
                static_cast<long long>(m.predicted_pairs), static_cast<long long>(m.correct_pairs));
    std::printf("precision %.4f  recall %.4f  F1 %.4f\n", m.precision, m.recall, m.f1);
    if (unknown + ambiguous > 0) {
      std::printf("truth ids not in the map: %lld, ambiguous without --source: %lld\n",
                  static_cast<long long>(unknown), static_cast<long long>(ambiguous));
    }
  }
  return 0;
}

}  // namespace

void AddIdentityCommands(CLI::App& app, const CliContext& context, IdentityFlags& flags,
                         std::function<int()>& run) {
  CLI::App* identity = app.add_subcommand("identity", "Identity resolution tools");
  identity->require_subcommand(1);
  CLI::App* eval = identity->add_subcommand(
      "eval", "Pairwise precision, recall and F1 of the profiles against a truth file");
  eval->add_option("--truth", flags.truth_file,
                   "CSV with a header and two source ids per line (system/id, or a bare id "
                   "matched against the id part)")
      ->required();
  eval->add_option("--source", flags.truth_source, "Only source keys of this system");
  eval->callback([&] { run = [&] { return RunEval(context, flags); }; });
}

}  // namespace clientele::cli
