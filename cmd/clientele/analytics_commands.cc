#include "cmd/clientele/analytics_commands.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clientele/analytics/v1/analytics.grpc.pb.h"
#include "clientele/common/v1/jobs.pb.h"
#include "common/jobs/job_state.h"
#include "common/source_key/source_key.h"
#include "common/time/proto_time.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"

namespace clientele::cli {
namespace {

using analytics::v1::AnalyticsService;
namespace v1 = analytics::v1;

std::string ProtoJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

void Deadline(grpc::ClientContext& rpc, double seconds = 30) {
  rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(seconds)));
}

// "YYYY-MM-DD" -> UTC midnight.
bool ParseDate(const std::string& text, google::protobuf::Timestamp* out) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) return false;
  ToProtoTimestamp(absl::FromCivil(day, absl::UTCTimeZone()), out);
  return true;
}

bool ParseConvention(const std::string& name, v1::RfmConvention* out) {
  if (name == "notebook") {
    *out = v1::RFM_CONVENTION_NOTEBOOK;
  } else if (name == "net") {
    *out = v1::RFM_CONVENTION_NET;
  } else {
    return false;
  }
  return true;
}

int UsageError(const std::string& message) {
  std::fprintf(stderr, "clientele: %s\n", message.c_str());
  return 2;
}

absl::Status Usage(const std::string& message) { return absl::InvalidArgumentError(message); }

// The analytics spec of `kind` (rfm or recluster) from the flags; InvalidArgument is a usage
// error naming the flag.
absl::StatusOr<google::protobuf::Any> BuildSpec(const AnalyticsFlags& flags,
                                                const std::string& kind) {
  v1::JobSpec job_spec;
  v1::RfmConvention convention;
  if (!ParseConvention(flags.convention, &convention)) {
    return Usage("--convention: must be notebook or net, not '" + flags.convention + "'");
  }
  google::protobuf::Timestamp reference;
  const bool has_reference = !flags.reference_date.empty();
  if (has_reference && !ParseDate(flags.reference_date, &reference)) {
    return Usage("--reference-date: expected YYYY-MM-DD, got '" + flags.reference_date + "'");
  }
  if (kind == "rfm") {
    v1::RfmJobSpec& spec = *job_spec.mutable_rfm();
    spec.set_convention(convention);
    if (has_reference) *spec.mutable_reference_date() = reference;
    for (const std::string& s : flags.strategies) {
      const size_t eq = s.find('=');
      if (eq == std::string::npos || eq == 0) {
        return Usage("--strategy: expected SEGMENT=TEXT, got '" + s + "'");
      }
      (*spec.mutable_segment_strategies())[s.substr(0, eq)] = s.substr(eq + 1);
    }
  } else {
    v1::ReclusterJobSpec& spec = *job_spec.mutable_recluster();
    spec.set_convention(convention);
    if (has_reference) *spec.mutable_reference_date() = reference;
    std::vector<std::string> parts = absl::StrSplit(flags.k_range, "..");
    int lo = 0, hi = 0;
    if (parts.size() == 1 && absl::SimpleAtoi(parts[0], &lo)) {
      hi = lo;
    } else if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &lo) ||
               !absl::SimpleAtoi(parts[1], &hi)) {
      return Usage("--k: expected MIN..MAX or K, got '" + flags.k_range + "'");
    }
    spec.set_k_min(lo);
    spec.set_k_max(hi);
    spec.set_k(flags.choose_k);
    spec.set_n_init(flags.n_init);
    spec.set_seed(flags.seed);
    spec.set_pca_sample_size(flags.pca_sample);
    spec.set_ward(flags.ward);
    spec.set_minibatch(flags.minibatch);
    if (flags.features == "rfm") {
      spec.set_feature_set(v1::FEATURE_SET_RFM);
    } else if (flags.features == "demographics") {
      spec.set_feature_set(v1::FEATURE_SET_DEMOGRAPHICS_SPEND);
    } else if (flags.features.rfind("attributes:", 0) == 0) {
      spec.set_feature_set(v1::FEATURE_SET_ATTRIBUTES);
      for (absl::string_view a :
           absl::StrSplit(flags.features.substr(11), ',', absl::SkipEmpty())) {
        spec.add_attributes(std::string(a));
      }
    } else {
      return Usage("--features: must be rfm, demographics or attributes:a,b,..., not '" +
                   flags.features + "'");
    }
  }
  google::protobuf::Any any;
  any.PackFrom(job_spec);
  return any;
}

// The text of a succeeded rfm or recluster job's result.
void PrintResult(const google::protobuf::Any& any) {
  v1::JobResult r;
  if (!any.UnpackTo(&r)) return;
  std::printf("  model version %llu, %lld profiles\n",
              static_cast<unsigned long long>(r.model_version()),
              static_cast<long long>(r.profiles()));
  if (r.k_scores_size() > 0) {
    std::printf("  %4s %16s %11s\n", "k", "inertia", "silhouette");
    for (const v1::KScore& s : r.k_scores()) {
      std::printf(
          "  %4d %16.4f %11.4f%s\n", s.k(), s.inertia(), s.silhouette(),
          s.k() == r.k() ? "  <- chosen" : (s.k() == r.suggested_k() ? "  <- suggested" : ""));
    }
    std::printf("  suggested k %d, chosen k %d\n", r.suggested_k(), r.k());
  }
  for (const v1::SegmentSummary& s : r.segments()) {
    std::printf("  %-20s %8lld customers %6.1f%% of revenue\n", s.segment().c_str(),
                static_cast<long long>(s.customers()), s.revenue_share() * 100);
  }
}

int RunRfm(const CliContext& context, const AnalyticsFlags& flags, const JobFlags& job_flags) {
  auto stub = AnalyticsService::NewStub(context.Channel());
  uint64_t version = flags.model_version;
  if (version == 0) {
    common::v1::Job job;
    if (int rc = StartJobAndWait(context, job_flags, "rfm", /*wait=*/true, &job); rc != 0) {
      return rc;
    }
    v1::JobResult result;
    if (job.state() != common::v1::JOB_STATE_SUCCEEDED || !job.result().UnpackTo(&result)) {
      std::fprintf(stderr, "clientele rfm: job %s %s: %s\n", job.job_id().c_str(),
                   JobStateText(job.state()).c_str(), jobs::ErrorText(job).c_str());
      return 1;
    }
    version = result.model_version();
  }
  v1::ListRfmRequest request;
  request.set_model_version(version);
  request.set_page_size(5000);
  if (!context.json) {
    std::printf("%-28s %8s %9s %14s  %s  %s\n", "PROFILE", "RECENCY", "FREQUENCY", "MONETARY",
                "RFM", "SEGMENT");
  }
  int64_t rows = 0;
  do {
    grpc::ClientContext rpc;
    Deadline(rpc, 120);
    v1::ListRfmResponse page;
    grpc::Status status = stub->ListRfm(&rpc, request, &page);
    if (!status.ok()) return ReportRpcError("rfm", status);
    for (const v1::RfmRow& row : page.rows()) {
      ++rows;
      if (context.json) {
        nlohmann::json j = {{"profile_id", row.profile_id()},
                            {"source_ids", nlohmann::json::array()},
                            {"recency_days", row.recency_days()},
                            {"frequency", row.frequency()},
                            {"monetary", row.monetary()},
                            {"r", row.r()},
                            {"f", row.f()},
                            {"m", row.m()},
                            {"segment", row.segment()}};
        for (const common::v1::SourceKey& key : row.source_ids()) {
          j["source_ids"].push_back(FormatSourceKey(key));
        }
        std::printf("%s\n", j.dump().c_str());
      } else {
        std::printf("%-28s %8lld %9lld %14.2f  %d%d%d  %s\n", row.profile_id().c_str(),
                    static_cast<long long>(row.recency_days()),
                    static_cast<long long>(row.frequency()), row.monetary(), row.r(), row.f(),
                    row.m(), row.segment().c_str());
      }
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  if (!context.json) {
    std::printf("%lld profiles (model version %llu)\n", static_cast<long long>(rows),
                static_cast<unsigned long long>(version));
  }
  return 0;
}

int RunSegments(const CliContext& context, const AnalyticsFlags& flags) {
  auto stub = AnalyticsService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::ListSegmentsRequest request;
  request.set_model_version(flags.model_version);
  v1::ListSegmentsResponse response;
  grpc::Status status = stub->ListSegments(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("segments", status);
  if (context.json) {
    for (const v1::SegmentSummary& s : response.segments()) {
      nlohmann::json j = {{"segment", s.segment()},   {"customers", s.customers()},
                          {"revenue", s.revenue()},   {"revenue_share", s.revenue_share()},
                          {"strategy", s.strategy()}, {"model_version", response.model_version()}};
      std::printf("%s\n", j.dump().c_str());
    }
    return 0;
  }
  std::printf("%-20s %10s %8s %16s %8s  %s\n", "SEGMENT", "CUSTOMERS", "SHARE", "REVENUE", "REV%",
              "STRATEGY");
  for (const v1::SegmentSummary& s : response.segments()) {
    const double share = response.profiles() > 0
                             ? 100.0 * static_cast<double>(s.customers()) / response.profiles()
                             : 0;
    std::printf("%-20s %10lld %7.1f%% %16.2f %7.1f%%  %s\n", s.segment().c_str(),
                static_cast<long long>(s.customers()), share, s.revenue(), s.revenue_share() * 100,
                s.strategy().c_str());
  }
  std::printf("%lld profiles, model version %llu\n", static_cast<long long>(response.profiles()),
              static_cast<unsigned long long>(response.model_version()));
  return 0;
}

void AddConventionFlags(CLI::App* cmd, AnalyticsFlags& flags) {
  cmd->add_option("--strategy", flags.strategies,
                  "rfm: SEGMENT=TEXT replaces the default strategy text of a segment (repeatable)");
  cmd->add_option("--convention", flags.convention, "RFM convention: notebook or net")
      ->capture_default_str();
  cmd->add_option("--reference-date", flags.reference_date,
                  "Reference date YYYY-MM-DD (default: the day after the last order)");
}

}  // namespace

void AddAnalyticsCommands(CLI::App& app, const CliContext& context, AnalyticsFlags& flags,
                          JobFlags& job_flags, std::function<int()>& run) {
  CLI::App* rfm = app.add_subcommand(
      "rfm", "Score every profile (runs an rfm job and waits) and print the RFM rows");
  AddConventionFlags(rfm, flags);
  CLI::Option* model_version =
      rfm->add_option("--model-version", flags.model_version,
                      "Print this stored RFM model version instead of running a job");
  rfm->add_option("--timeout", job_flags.timeout_seconds, "Seconds to wait for the job");
  // The job's flags mean nothing for a stored version: a usage error, not silently ignored.
  for (const char* job_flag : {"--strategy", "--convention", "--reference-date", "--timeout"}) {
    model_version->excludes(rfm->get_option(job_flag));
  }
  rfm->callback([&] { run = [&] { return RunRfm(context, flags, job_flags); }; });

  CLI::App* segments = app.add_subcommand("segments", "Segments of the active RFM model");
  segments->add_option("--model-version", flags.model_version, "A stored RFM model version");
  segments->callback([&] { run = [&] { return RunSegments(context, flags); }; });

  // `jobs start rfm|recluster`: the kinds and their flags (cmd/clientele/job_commands.h).
  CLI::App* start = job_flags.start;
  AddConventionFlags(start, flags);
  start->add_option("--k", flags.k_range, "recluster: k range MIN..MAX (or one k)")
      ->capture_default_str();
  start->add_option("--choose-k", flags.choose_k,
                    "recluster: k of the stored model (default: the suggested k)");
  start
      ->add_option("--features", flags.features,
                   "recluster: rfm, demographics, or attributes:NAME[,NAME...]")
      ->capture_default_str();
  start->add_option("--n-init", flags.n_init, "recluster: k-means runs per k")
      ->capture_default_str();
  start->add_option("--seed", flags.seed, "recluster, evaluate: random seed")
      ->capture_default_str();
  start->add_option("--pca-sample", flags.pca_sample, "recluster: points in the PCA sample");
  start->add_flag("--minibatch", flags.minibatch,
                  "recluster: mini-batch k-means (for many profiles) instead of full k-means");
  start->add_flag("--ward", flags.ward,
                  "recluster: also run Ward agglomerative clustering at the chosen k");
  JobKind rfm_kind;
  rfm_kind.flags = {"--strategy", "--convention", "--reference-date"};
  rfm_kind.build_spec = [&flags] { return BuildSpec(flags, "rfm"); };
  rfm_kind.print_result = PrintResult;
  AddJobKind(job_flags, "rfm", std::move(rfm_kind));
  JobKind recluster_kind;
  recluster_kind.flags = {
      "--convention", "--reference-date", "--k",          "--choose-k",  "--features",
      "--n-init",     "--seed",           "--pca-sample", "--minibatch", "--ward"};
  recluster_kind.build_spec = [&flags] { return BuildSpec(flags, "recluster"); };
  recluster_kind.print_result = PrintResult;
  AddJobKind(job_flags, "recluster", std::move(recluster_kind));
}

}  // namespace clientele::cli
