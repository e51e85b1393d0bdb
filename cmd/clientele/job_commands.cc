#include "cmd/clientele/job_commands.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clientele/common/v1/jobs.grpc.pb.h"
#include "cmd/clientele/proto_json.h"
#include "common/jobs/job_state.h"

namespace clientele::cli {
namespace {

namespace v1 = common::v1;
using nlohmann::json;
using v1::JobService;

// `jobs start` options every kind takes.
const std::set<std::string>& CommonStartFlags() {
  static const auto* flags =
      new std::set<std::string>{"kind", "--idempotency-key", "--wait", "--timeout", "--help"};
  return *flags;
}

void Deadline(grpc::ClientContext& rpc, absl::Duration timeout = absl::Seconds(30)) {
  rpc.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

int UsageError(const std::string& message) {
  std::fprintf(stderr, "clientele: %s\n", message.c_str());
  return 2;
}

std::string KindNames(const JobFlags& flags) {
  std::vector<std::string> names;
  for (const auto& [name, kind] : flags.kinds) names.push_back(name);
  return absl::StrJoin(names, ", ");
}

json JobJson(const JobFlags& flags, const v1::Job& job) {
  json out = MessageJson(job);
  out["state"] = JobStateText(job.state());
  out["error_code"] = jobs::ErrorCodeName(job);  // The name, "" unless failed.
  auto kind = flags.kinds.find(job.kind());
  if (kind != flags.kinds.end() && kind->second.adjust_result_json && out["result"].is_object()) {
    kind->second.adjust_result_json(out["result"]);
  }
  return out;
}

void PrintJob(const CliContext& context, const JobFlags& flags, const v1::Job& job) {
  if (context.json) {
    std::printf("%s\n", JobJson(flags, job).dump().c_str());
    return;
  }
  std::printf("job %s (%s): %s", job.job_id().c_str(), job.kind().c_str(),
              JobStateText(job.state()).c_str());
  if (!jobs::Finished(job.state())) {
    std::printf(" %.0f%% %s", job.progress() * 100, job.progress_message().c_str());
  }
  std::printf("\n");
  if (job.attempt() > 1) {
    std::printf("  attempt: %d (previous attempt %s)\n", job.attempt(),
                job.previous_attempt_job_id().c_str());
  }
  if (!job.idempotency_key().empty()) {
    std::printf("  idempotency key: %s\n", job.idempotency_key().c_str());
  }
  if (job.state() == v1::JOB_STATE_FAILED) {
    std::printf("  error: %s\n", jobs::ErrorText(job).c_str());
  }
  if (job.state() != v1::JOB_STATE_SUCCEEDED) return;
  auto kind = flags.kinds.find(job.kind());
  if (kind != flags.kinds.end() && kind->second.print_result)
    kind->second.print_result(job.result());
}

void DrawBar(const v1::Job& job) {
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(std::clamp(job.progress(), 0.0, 1.0) * kWidth);
  std::fprintf(stderr, "\r%s %s [%.*s%*s] %3.0f%% %-40.40s", job.job_id().c_str(),
               JobStateText(job.state()).c_str(), filled, "##############################",
               kWidth - filled, "", job.progress() * 100, job.progress_message().c_str());
  std::fflush(stderr);
}

// Waits for *job to finish: WatchJob with a progress bar on a terminal, else one WaitJob.
// Returns 0 when it finished, else the exit code (1 at the timeout).
int WaitForJob(JobService::Stub& stub, double timeout_seconds, v1::Job* job) {
  if (jobs::Finished(job->state())) return 0;
  const absl::Duration timeout = absl::Seconds(timeout_seconds);
  grpc::ClientContext rpc;
  Deadline(rpc, timeout + absl::Seconds(10));
  if (isatty(STDERR_FILENO) == 1) {
    v1::WatchJobRequest request;
    request.set_job_id(job->job_id());
    rpc.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    std::unique_ptr<grpc::ClientReader<v1::WatchJobResponse>> stream = stub.WatchJob(&rpc, request);
    v1::WatchJobResponse update;
    while (stream->Read(&update)) {
      *job = update.job();
      DrawBar(*job);
    }
    std::fputc('\n', stderr);
    grpc::Status status = stream->Finish();
    if (jobs::Finished(job->state())) return 0;
    if (status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
      return ReportRpcError("jobs watch", status);
    }
  } else {
    v1::WaitJobRequest request;
    request.set_job_id(job->job_id());
    request.mutable_timeout()->set_seconds(static_cast<int64_t>(timeout_seconds));
    request.mutable_timeout()->set_nanos(static_cast<int32_t>(
        (timeout_seconds - static_cast<double>(request.timeout().seconds())) * 1e9));
    v1::WaitJobResponse response;
    grpc::Status status = stub.WaitJob(&rpc, request, &response);
    if (!status.ok()) return ReportRpcError("jobs wait", status);
    *job = response.job();
    if (response.finished()) return 0;
  }
  std::fprintf(stderr, "clientele: job %s did not finish within %.0f s\n", job->job_id().c_str(),
               timeout_seconds);
  return 1;
}

int JobExitCode(const v1::Job& job) { return job.state() == v1::JOB_STATE_SUCCEEDED ? 0 : 1; }

int RunJobsStart(const CliContext& context, const JobFlags& flags) {
  auto kind = flags.kinds.find(flags.kind);
  if (kind == flags.kinds.end()) {
    return UsageError("jobs start: the kind must be one of " + KindNames(flags) + ", not '" +
                      flags.kind + "'");
  }
  for (const CLI::Option* option : flags.start->get_options()) {
    if (option->count() == 0) continue;
    const std::string name = option->get_name();
    if (CommonStartFlags().count(name)) continue;
    const std::vector<std::string>& allowed = kind->second.flags;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return UsageError(
          "jobs start " + flags.kind + ": " + name + " does not apply to " + flags.kind +
          " jobs (they take: " +
          (allowed.empty() ? std::string("no kind flags") : absl::StrJoin(allowed, " ")) + ")");
    }
  }
  v1::Job job;
  if (int rc = StartJobAndWait(context, flags, flags.kind, flags.wait, &job); rc != 0) return rc;
  PrintJob(context, flags, job);
  return flags.wait ? JobExitCode(job) : 0;
}

int RunJobsGet(const CliContext& context, const JobFlags& flags) {
  auto stub = JobService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::GetJobRequest request;
  request.set_job_id(flags.job_id);
  v1::GetJobResponse response;
  grpc::Status status = stub->GetJob(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("jobs get", status);
  v1::Job job = response.job();
  if (flags.wait) {
    if (int rc = WaitForJob(*stub, flags.timeout_seconds, &job); rc != 0) return rc;
  }
  PrintJob(context, flags, job);
  return 0;
}

int RunJobsCancel(const CliContext& context, const JobFlags& flags) {
  auto stub = JobService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::CancelJobRequest request;
  request.set_job_id(flags.job_id);
  v1::CancelJobResponse response;
  grpc::Status status = stub->CancelJob(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("jobs cancel", status);
  PrintJob(context, flags, response.job());
  return 0;
}

int RunJobsWatch(const CliContext& context, const JobFlags& flags) {
  auto stub = JobService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc, absl::Seconds(flags.timeout_seconds));
  v1::WatchJobRequest request;
  request.set_job_id(flags.job_id);
  std::unique_ptr<grpc::ClientReader<v1::WatchJobResponse>> stream = stub->WatchJob(&rpc, request);
  v1::WatchJobResponse update;
  v1::Job job;
  while (stream->Read(&update)) {
    job = update.job();
    if (context.json) {
      std::printf("%s\n", JobJson(flags, job).dump().c_str());
    } else if (!jobs::Finished(job.state())) {
      std::printf("%s %s %3.0f%% %s\n", job.job_id().c_str(), JobStateText(job.state()).c_str(),
                  job.progress() * 100, job.progress_message().c_str());
    } else {
      PrintJob(context, flags, job);
    }
    std::fflush(stdout);
  }
  grpc::Status status = stream->Finish();
  if (!status.ok()) return ReportRpcError("jobs watch", status);
  return JobExitCode(job);
}

int RunJobsList(const CliContext& context, const JobFlags& flags) {
  auto stub = JobService::NewStub(context.Channel());
  v1::ListJobsRequest request;
  request.set_page_size(std::min(std::max(flags.limit, 1), 1000));
  int shown = 0;
  if (!context.json) {
    std::printf("%-22s %-10s %-10s %4s %5s  %-20s %s\n", "JOB", "KIND", "STATE", "TRY", "PROG",
                "CREATED", "MESSAGE / ERROR");
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
        std::printf("%s\n", JobJson(flags, job).dump().c_str());
        continue;
      }
      const std::string created =
          absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(job.created_at().seconds()),
                           absl::UTCTimeZone());
      std::printf(
          "%-22s %-10s %-10s %4d %4.0f%%  %-20s %s\n", job.job_id().c_str(), job.kind().c_str(),
          JobStateText(job.state()).c_str(), job.attempt(), job.progress() * 100, created.c_str(),
          (job.state() == v1::JOB_STATE_FAILED ? jobs::ErrorText(job) : job.progress_message())
              .c_str());
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && shown < flags.limit);
  return 0;
}

// get, list, cancel (and watch) on `parent`.
void AddJobQueryCommands(CLI::App* parent, const CliContext& context, JobFlags& flags,
                         std::function<int()>& run, bool with_watch) {
  CLI::App* get = parent->add_subcommand("get", "Show a job (any service's)");
  get->add_option("job_id", flags.job_id, "Job id")->required();
  get->add_flag("--wait", flags.wait, "Wait until it has finished");
  get->add_option("--timeout", flags.timeout_seconds, "Seconds to wait");
  get->callback([&] { run = [&] { return RunJobsGet(context, flags); }; });

  CLI::App* list = parent->add_subcommand("list", "List jobs of every service, newest first");
  list->add_option("--limit", flags.limit, "At most this many")->capture_default_str();
  list->callback([&] { run = [&] { return RunJobsList(context, flags); }; });

  CLI::App* cancel = parent->add_subcommand("cancel", "Cancel a queued or running job");
  cancel->add_option("job_id", flags.job_id, "Job id")->required();
  cancel->callback([&] { run = [&] { return RunJobsCancel(context, flags); }; });

  if (!with_watch) return;
  CLI::App* watch = parent->add_subcommand(
      "watch", "Print a job's progress as it changes until it ends (exit 1 unless it succeeded)");
  watch->add_option("job_id", flags.job_id, "Job id")->required();
  watch->add_option("--timeout", flags.timeout_seconds, "Seconds to watch");
  watch->callback([&] { run = [&] { return RunJobsWatch(context, flags); }; });
}

}  // namespace

std::string JobStateText(v1::JobState state) { return jobs::StateName(state); }

int StartJobAndWait(const CliContext& context, const JobFlags& flags, const std::string& kind,
                    bool wait, v1::Job* job) {
  auto it = flags.kinds.find(kind);
  if (it == flags.kinds.end()) return UsageError("unknown job kind '" + kind + "'");
  absl::StatusOr<google::protobuf::Any> spec = it->second.build_spec();
  if (!spec.ok()) {
    if (absl::IsInvalidArgument(spec.status())) {
      return UsageError(std::string(spec.status().message()));
    }
    std::fprintf(stderr, "clientele: %s\n", spec.status().ToString().c_str());
    return 1;
  }
  auto stub = JobService::NewStub(context.Channel());
  v1::StartJobRequest request;
  request.set_kind(kind);
  *request.mutable_spec() = std::move(*spec);
  request.set_idempotency_key(flags.idempotency_key);
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::StartJobResponse response;
  grpc::Status status = stub->StartJob(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("jobs start", status);
  *job = response.job();
  if (wait) return WaitForJob(*stub, flags.timeout_seconds, job);
  return 0;
}

void AddJobCommands(CLI::App& app, const CliContext& context, JobFlags& flags,
                    std::function<int()>& run) {
  CLI::App* jobs = app.add_subcommand(
      "jobs", "Start, watch, list and cancel jobs of every service (rfm, recluster, train, ...)");
  jobs->require_subcommand(1);
  CLI::App* start = jobs->add_subcommand(
      "start", "Start a job: rfm or recluster (analytics), train or evaluate (recommender)");
  start->add_option("kind", flags.kind, "The job kind")->required();
  start->add_option("--idempotency-key", flags.idempotency_key,
                    "The same key starts the work once (e.g. a CronJob's schedule time); after "
                    "a failed or cancelled job it starts the next attempt");
  start->add_flag("--wait", flags.wait, "Wait for the job, with a progress bar on a terminal");
  start->add_option("--timeout", flags.timeout_seconds, "Seconds to wait");
  start->callback([&] { run = [&] { return RunJobsStart(context, flags); }; });
  flags.start = start;
  AddJobQueryCommands(jobs, context, flags, run, /*with_watch=*/true);

  // The former `rec-jobs` group: the same commands (they serve every job), kept hidden.
  CLI::App* rec_jobs = app.add_subcommand("rec-jobs", "Alias of `jobs` (get, list, cancel)");
  rec_jobs->group("");
  rec_jobs->require_subcommand(1);
  AddJobQueryCommands(rec_jobs, context, flags, run, /*with_watch=*/false);
}

}  // namespace clientele::cli
