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

std::string StateName(v1::JobState state) {
  std::string name = v1::JobState_Name(state);
  name = name.substr(std::string("JOB_STATE_").size());
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  return name;
}

bool Finished(v1::JobState state) {
  return state == v1::JOB_STATE_SUCCEEDED || state == v1::JOB_STATE_FAILED ||
         state == v1::JOB_STATE_CANCELLED;
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

// Polls the job until it finishes, drawing a progress bar on a terminal.
int WaitForJob(AnalyticsService::Stub& stub, const AnalyticsFlags& flags, v1::Job* job) {
  const bool bar = isatty(STDERR_FILENO) == 1;
  const absl::Time deadline = absl::Now() + absl::Seconds(flags.timeout_seconds);
  while (!Finished(job->state())) {
    if (bar) {
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(std::clamp(job->progress(), 0.0, 1.0) * kWidth);
      std::fprintf(stderr, "\r%s %s [%.*s%*s] %3.0f%% %-40.40s", job->job_id().c_str(),
                   StateName(job->state()).c_str(), filled, "##############################",
                   kWidth - filled, "", job->progress() * 100, job->progress_message().c_str());
      std::fflush(stderr);
    }
    if (absl::Now() >= deadline) {
      if (bar) std::fputc('\n', stderr);
      std::fprintf(stderr, "clientele: job %s did not finish within %.0f s\n",
                   job->job_id().c_str(), flags.timeout_seconds);
      return 1;
    }
    absl::SleepFor(absl::Milliseconds(200));  // A poll interval of the CLI, not a test wait.
    grpc::ClientContext rpc;
    Deadline(rpc);
    v1::GetJobRequest request;
    request.set_job_id(job->job_id());
    v1::GetJobResponse response;
    grpc::Status status = stub.GetJob(&rpc, request, &response);
    if (!status.ok()) return ReportRpcError("jobs get", status);
    *job = response.job();
  }
  if (bar) {
    std::fprintf(stderr, "\r%s %s [##############################] 100%% %-40.40s\n",
                 job->job_id().c_str(), StateName(job->state()).c_str(),
                 job->progress_message().c_str());
  }
  return 0;
}

int JobExitCode(const v1::Job& job) {
  if (job.state() == v1::JOB_STATE_FAILED || job.state() == v1::JOB_STATE_CANCELLED) return 1;
  return 0;
}

void PrintJob(const CliContext& context, const v1::Job& job) {
  if (context.json) {
    std::printf("%s\n", ProtoJson(job).c_str());
    return;
  }
  std::printf("job %s (%s): %s", job.job_id().c_str(),
              job.kind() == v1::JOB_KIND_RFM ? "rfm" : "recluster", StateName(job.state()).c_str());
  if (!Finished(job.state()))
    std::printf(" %.0f%% %s", job.progress() * 100, job.progress_message().c_str());
  std::printf("\n");
  if (!job.error().empty()) std::printf("  error: %s\n", job.error().c_str());
  if (job.state() != v1::JOB_STATE_SUCCEEDED) return;
  const v1::JobResult& r = job.result();
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

// Starts a job from the flags; waits if asked (or `force_wait`). Fills *job.
int StartJob(const CliContext& context, const AnalyticsFlags& flags, AnalyticsService::Stub& stub,
             bool force_wait, v1::Job* job) {
  v1::StartJobRequest request;
  request.set_idempotency_key(flags.idempotency_key);
  v1::RfmConvention convention;
  if (!ParseConvention(flags.convention, &convention)) {
    return UsageError("--convention: must be notebook or net, not '" + flags.convention + "'");
  }
  google::protobuf::Timestamp reference;
  const bool has_reference = !flags.reference_date.empty();
  if (has_reference && !ParseDate(flags.reference_date, &reference)) {
    return UsageError("--reference-date: expected YYYY-MM-DD, got '" + flags.reference_date + "'");
  }
  if (flags.kind == "rfm") {
    v1::RfmJobSpec& spec = *request.mutable_spec()->mutable_rfm();
    spec.set_convention(convention);
    if (has_reference) *spec.mutable_reference_date() = reference;
    for (const std::string& s : flags.strategies) {
      const size_t eq = s.find('=');
      if (eq == std::string::npos || eq == 0) {
        return UsageError("--strategy: expected SEGMENT=TEXT, got '" + s + "'");
      }
      (*spec.mutable_segment_strategies())[s.substr(0, eq)] = s.substr(eq + 1);
    }
  } else if (flags.kind == "recluster") {
    v1::ReclusterJobSpec& spec = *request.mutable_spec()->mutable_recluster();
    spec.set_convention(convention);
    if (has_reference) *spec.mutable_reference_date() = reference;
    std::vector<std::string> parts = absl::StrSplit(flags.k_range, "..");
    int lo = 0, hi = 0;
    if (parts.size() == 1 && absl::SimpleAtoi(parts[0], &lo)) {
      hi = lo;
    } else if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &lo) ||
               !absl::SimpleAtoi(parts[1], &hi)) {
      return UsageError("--k: expected MIN..MAX or K, got '" + flags.k_range + "'");
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
      return UsageError("--features: must be rfm, demographics or attributes:a,b,..., not '" +
                        flags.features + "'");
    }
  } else {
    return UsageError("jobs start: the kind must be rfm or recluster, not '" + flags.kind + "'");
  }
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::StartJobResponse response;
  grpc::Status status = stub.StartJob(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("jobs start", status);
  *job = response.job();
  if (flags.wait || force_wait) return WaitForJob(stub, flags, job);
  return 0;
}

int RunJobsStart(const CliContext& context, const AnalyticsFlags& flags) {
  if ((flags.kind == "train" || flags.kind == "evaluate") && flags.start_recommender_job) {
    return flags.start_recommender_job();
  }
  auto stub = AnalyticsService::NewStub(context.Channel());
  v1::Job job;
  if (int rc = StartJob(context, flags, *stub, false, &job); rc != 0) return rc;
  PrintJob(context, job);
  return flags.wait ? JobExitCode(job) : 0;
}

int RunJobsGet(const CliContext& context, const AnalyticsFlags& flags) {
  auto stub = AnalyticsService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::GetJobRequest request;
  request.set_job_id(flags.job_id);
  v1::GetJobResponse response;
  grpc::Status status = stub->GetJob(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("jobs get", status);
  v1::Job job = response.job();
  if (flags.wait) {
    if (int rc = WaitForJob(*stub, flags, &job); rc != 0) return rc;
  }
  PrintJob(context, job);
  return 0;
}

int RunJobsCancel(const CliContext& context, const AnalyticsFlags& flags) {
  auto stub = AnalyticsService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::CancelJobRequest request;
  request.set_job_id(flags.job_id);
  v1::CancelJobResponse response;
  grpc::Status status = stub->CancelJob(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("jobs cancel", status);
  PrintJob(context, response.job());
  return 0;
}

int RunJobsList(const CliContext& context, const AnalyticsFlags& flags) {
  auto stub = AnalyticsService::NewStub(context.Channel());
  v1::ListJobsRequest request;
  request.set_page_size(std::min(std::max(flags.limit, 1), 1000));
  int shown = 0;
  if (!context.json) {
    std::printf("%-16s %-10s %-10s %5s  %-20s %s\n", "JOB", "KIND", "STATE", "PROG", "CREATED",
                "MESSAGE / ERROR");
  }
  do {
    grpc::ClientContext rpc;
    Deadline(rpc);
    v1::ListJobsResponse page;
    grpc::Status status = stub->ListJobs(&rpc, request, &page);
    if (!status.ok()) return ReportRpcError("jobs list", status);
    for (const v1::Job& job : page.jobs()) {
      if (shown >= flags.limit) break;
      ++shown;
      if (context.json) {
        std::printf("%s\n", ProtoJson(job).c_str());
        continue;
      }
      const std::string created =
          absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(job.created_at().seconds()),
                           absl::UTCTimeZone());
      std::printf("%-16s %-10s %-10s %4.0f%%  %-20s %s\n", job.job_id().c_str(),
                  job.kind() == v1::JOB_KIND_RFM ? "rfm" : "recluster",
                  StateName(job.state()).c_str(), job.progress() * 100, created.c_str(),
                  (job.error().empty() ? job.progress_message() : job.error()).c_str());
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && shown < flags.limit);
  return 0;
}

int RunRfm(const CliContext& context, AnalyticsFlags flags) {
  auto stub = AnalyticsService::NewStub(context.Channel());
  uint64_t version = flags.model_version;
  if (version == 0) {
    flags.kind = "rfm";
    v1::Job job;
    if (int rc = StartJob(context, flags, *stub, true, &job); rc != 0) return rc;
    if (job.state() != v1::JOB_STATE_SUCCEEDED) {
      std::fprintf(stderr, "clientele rfm: job %s %s: %s\n", job.job_id().c_str(),
                   StateName(job.state()).c_str(), job.error().c_str());
      return 1;
    }
    version = job.result().model_version();
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
                          std::function<int()>& run) {
  CLI::App* rfm = app.add_subcommand(
      "rfm", "Score every profile (runs an rfm job and waits) and print the RFM rows");
  AddConventionFlags(rfm, flags);
  rfm->add_option("--model-version", flags.model_version,
                  "Print this stored RFM model version instead of running a job");
  rfm->add_option("--timeout", flags.timeout_seconds, "Seconds to wait for the job");
  rfm->callback([&] { run = [&] { return RunRfm(context, flags); }; });

  CLI::App* segments = app.add_subcommand("segments", "Segments of the active RFM model");
  segments->add_option("--model-version", flags.model_version, "A stored RFM model version");
  segments->callback([&] { run = [&] { return RunSegments(context, flags); }; });

  CLI::App* jobs = app.add_subcommand("jobs", "Start, watch, list and cancel analytics jobs");
  jobs->require_subcommand(1);
  CLI::App* start = jobs->add_subcommand("start", "Start a job: rfm, recluster, train or evaluate");
  start->add_option("kind", flags.kind,
                    "rfm or recluster (analytics), train or evaluate (recommender)")
      ->required();
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
  start->add_option("--seed", flags.seed, "recluster: random seed")->capture_default_str();
  start->add_option("--pca-sample", flags.pca_sample, "recluster: points in the PCA sample");
  start->add_flag("--minibatch", flags.minibatch,
                  "recluster: mini-batch k-means (for many profiles) instead of full k-means");
  start->add_flag("--ward", flags.ward,
                  "recluster: also run Ward agglomerative clustering at the chosen k");
  start->add_option("--idempotency-key", flags.idempotency_key,
                    "The same key starts the work once (e.g. a CronJob's schedule time)");
  start->add_flag("--wait", flags.wait, "Wait for the job, with a progress bar on a terminal");
  start->add_option("--timeout", flags.timeout_seconds, "Seconds to wait");
  start->callback([&] { run = [&] { return RunJobsStart(context, flags); }; });

  CLI::App* get = jobs->add_subcommand("get", "Show a job");
  get->add_option("job_id", flags.job_id, "Job id")->required();
  get->add_flag("--wait", flags.wait, "Wait until it has finished");
  get->callback([&] { run = [&] { return RunJobsGet(context, flags); }; });

  CLI::App* list = jobs->add_subcommand("list", "List jobs, newest first");
  list->add_option("--limit", flags.limit, "At most this many")->capture_default_str();
  list->callback([&] { run = [&] { return RunJobsList(context, flags); }; });

  CLI::App* cancel = jobs->add_subcommand("cancel", "Cancel a queued or running job");
  cancel->add_option("job_id", flags.job_id, "Job id")->required();
  cancel->callback([&] { run = [&] { return RunJobsCancel(context, flags); }; });
}

}  // namespace clientele::cli
