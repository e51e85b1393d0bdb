#include "cmd/clientele/gen_command.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "identity/scenario/online_retail_source.h"
#include "nlohmann/json.hpp"

namespace clientele::cli {
namespace {

namespace scenario = identity::scenario;

// An output file written in large chunks. Errors name the path.
class OutputFile {
 public:
  static absl::StatusOr<std::unique_ptr<OutputFile>> Open(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
      return absl::UnavailableError(absl::StrCat(path, ": cannot create: ", std::strerror(errno)));
    }
    return std::unique_ptr<OutputFile>(new OutputFile(path, f));
  }
  ~OutputFile() {
    if (file_ != nullptr) std::fclose(file_);
  }

  absl::Status Write(std::string_view chunk) {
    if (!chunk.empty() && std::fwrite(chunk.data(), 1, chunk.size(), file_) != chunk.size()) {
      return absl::UnavailableError(absl::StrCat(path_, ": write failed: ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }
  absl::Status Close() {
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) {
      return absl::UnavailableError(absl::StrCat(path_, ": close failed: ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }

 private:
  OutputFile(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  }
  const std::string path_;
  std::FILE* file_;
};

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "clientele gen: %s\n", std::string(status.message()).c_str());
  return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
}

int RunGen(const CliContext& context, GenFlags& flags) {
  const absl::Time start = absl::Now();
  scenario::ScenarioOptions& options = flags.options;
  std::optional<scenario::RetailData> retail;
  if (!flags.online_retail.empty()) {
    absl::StatusOr<scenario::RetailData> loaded = scenario::LoadOnlineRetail(flags.online_retail);
    if (!loaded.ok()) return Fail(loaded.status());
    retail = *std::move(loaded);
    if (!flags.people_set) options.people = 0;  // One person per customer.
  }
  if (absl::Status s = scenario::ValidateScenarioOptions(options); !s.ok()) return Fail(s);

  absl::StatusOr<std::unique_ptr<OutputFile>> events = OutputFile::Open(flags.out);
  if (!events.ok()) return Fail(events.status());
  std::unique_ptr<OutputFile> truth, records;
  if (!flags.truth.empty()) {
    absl::StatusOr<std::unique_ptr<OutputFile>> f = OutputFile::Open(flags.truth);
    if (!f.ok()) return Fail(f.status());
    truth = *std::move(f);
    if (absl::Status s = truth->Write("source_key_1,source_key_2\n"); !s.ok()) return Fail(s);
  }
  if (!flags.records.empty()) {
    absl::StatusOr<std::unique_ptr<OutputFile>> f = OutputFile::Open(flags.records);
    if (!f.ok()) return Fail(f.status());
    records = *std::move(f);
    if (absl::Status s = records->Write("source_key,person,household,noise\n"); !s.ok())
      return Fail(s);
  }
  scenario::ScenarioOutput output;
  output.events = [&](std::string_view chunk) { return (*events)->Write(chunk); };
  output.truth = [&](std::string_view chunk) {
    return truth ? truth->Write(chunk) : absl::OkStatus();
  };
  if (records) output.records = [&](std::string_view chunk) { return records->Write(chunk); };

  absl::StatusOr<scenario::ScenarioStats> stats =
      scenario::GenerateScenario(options, retail ? &*retail : nullptr, output);
  if (!stats.ok()) return Fail(stats.status());
  for (OutputFile* f : {events->get(), truth.get(), records.get()}) {
    if (f == nullptr) continue;
    if (absl::Status s = f->Close(); !s.ok()) return Fail(s);
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);

  if (context.json) {
    nlohmann::json noise = nlohmann::json::object();
    for (int k = 0; k < static_cast<int>(scenario::NoiseKind::kCount); ++k) {
      noise[std::string(scenario::NoiseKindName(static_cast<scenario::NoiseKind>(k)))] =
          stats->noise[k];
    }
    nlohmann::json out = {
        {"people", stats->people},
        {"households", stats->households},
        {"records", stats->records},
        {"events", stats->events},
        {"customer_upserts", stats->customer_upserts},
        {"consent_changes", stats->consent_changes},
        {"orders", stats->orders},
        {"attached_customers", stats->attached_customers},
        {"pairs", stats->pairs},
        {"hard_negative_pairs", stats->hard_negative_pairs},
        {"connected_records", stats->connected_records},
        {"noise_records", noise},
        {"seed", options.seed},
        {"seconds", seconds},
        {"records_per_second", seconds > 0 ? stats->records / seconds : 0},
    };
    std::printf("%s\n", out.dump().c_str());
  } else {
    std::printf(
        "generated %lld people (%lld households) in %.2f s: %lld records, %lld events "
        "(%lld consent changes, %lld orders), %lld true pairs, %lld hard-negative pairs\n"
        "  events: %s\n",
        static_cast<long long>(stats->people), static_cast<long long>(stats->households), seconds,
        static_cast<long long>(stats->records), static_cast<long long>(stats->events),
        static_cast<long long>(stats->consent_changes), static_cast<long long>(stats->orders),
        static_cast<long long>(stats->pairs), static_cast<long long>(stats->hard_negative_pairs),
        flags.out.c_str());
    if (!flags.truth.empty()) std::printf("  truth:  %s\n", flags.truth.c_str());
    if (!flags.records.empty()) std::printf("  records: %s\n", flags.records.c_str());
    if (retail) {
      std::printf("  attached %lld of %zu Online Retail customers (%lld rows, %lld rejected)\n",
                  static_cast<long long>(stats->attached_customers), retail->customers.size(),
                  static_cast<long long>(retail->rows),
                  static_cast<long long>(retail->rejected_rows));
    }
  }
  return 0;
}

}  // namespace

void AddGenCommand(CLI::App& app, const CliContext& context, GenFlags& flags,
                   std::function<int()>& run) {
  CLI::App* cmd = app.add_subcommand(
      "gen",
      "Generate a deterministic omnichannel identity scenario (events-jsonl + ground truth)");
  scenario::ScenarioOptions& o = flags.options;
  cmd->add_option("--people", o.people,
                  "People to generate (with --online-retail: default one per customer)")
      ->capture_default_str()
      ->each([&flags](const std::string&) { flags.people_set = true; });
  cmd->add_option("--seed", o.seed, "Random seed; same seed and options, same bytes")
      ->capture_default_str();
  cmd->add_option("--out", flags.out, "Events file to write (events-jsonl)")->required();
  cmd->add_option("--truth", flags.truth,
                  "Ground-truth CSV to write: source_key_1,source_key_2 per true pair");
  cmd->add_option("--records", flags.records,
                  "Optional CSV to write: source_key,person,household,noise per record");
  cmd->add_option("--online-retail,--online_retail", flags.online_retail,
                  "UCI Online Retail CSV: attach people to its CustomerIDs and spread their "
                  "invoices over the people's channel records");
  cmd->add_option("--records-per-person,--records_per_person", o.records_per_person,
                  "Mean records per person (>= 1)")
      ->capture_default_str();
  cmd->add_option("--max-records-per-person,--max_records_per_person", o.max_records_per_person,
                  "At most this many records per person (1..16)")
      ->capture_default_str();
  cmd->add_option("--noise", o.noise, "Scale of noise rates: 0 clean, 1 default, up to 3")
      ->capture_default_str();
  cmd->add_option("--consent-share,--consent_share", o.consent_share,
                  "Share of people with consent changes")
      ->capture_default_str();
  cmd->add_option("--turkish-share,--turkish_share", o.people_options.turkish_share,
                  "Share of households with Turkish names")
      ->capture_default_str();
  cmd->add_option("--family-share,--family_share", o.people_options.family_share,
                  "Share of households with 2-4 members (shared contacts: hard negatives)")
      ->capture_default_str();
  cmd->add_option("--threads", o.threads, "Worker threads (0 = one per core); output unchanged")
      ->capture_default_str();
  cmd->add_option("--connect-records,--connect_records", o.connect_records,
                  "Give a record that shares no identifier, name + birth date or name + address "
                  "with the person's other records one they show (false: the older generator, "
                  "with name-only pairs)")
      ->capture_default_str();
  cmd->callback(
      [&context, &flags, &run] { run = [&context, &flags] { return RunGen(context, flags); }; });
}

}  // namespace clientele::cli
