// The job commands of the CLI, over clientele.common.v1.JobService, for every kind of every
// service:
//   clientele jobs start KIND [kind flags] [--idempotency-key=K] [--wait] [--timeout=S]
//   clientele jobs get JOB_ID [--wait] | list [--limit=N] | cancel JOB_ID | watch JOB_ID
// `--wait` waits with WatchJob (a progress bar on a terminal) or WaitJob (otherwise), so the
// command returns as soon as the job ends. With --json a job prints as one object per line:
//   {"job_id", "kind", "state": "succeeded", "attempt", "previous_attempt_job_id",
//    "idempotency_key", "progress", "progress_message", "error", "cancel_requested",
//    "created_at", "started_at", "finished_at", "spec": {...}, "result": {...}}
// where spec and result are the JSON of the owning service's messages.
// Exit codes: 0 ok, 1 a failed call or (with --wait) a job that did not succeed, 2 usage found
// before any call (including a flag that the kind does not take).
//
// Each service's commands register their kinds (AddJobKind) and add their flags to the
// `jobs start` command (JobFlags::start) after AddJobCommands.
#ifndef CLIENTELE_CMD_CLIENTELE_JOB_COMMANDS_H_
#define CLIENTELE_CMD_CLIENTELE_JOB_COMMANDS_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "clientele/common/v1/jobs.pb.h"
#include "cmd/clientele/cli_context.h"
#include "google/protobuf/any.pb.h"
#include "nlohmann/json.hpp"

namespace clientele::cli {

// What the CLI knows of a job kind.
struct JobKind {
  // The `jobs start` options it takes, as spelled there (e.g. "--k", "-k", "--seed").
  std::vector<std::string> flags;
  // Builds the spec from the flags; InvalidArgument is a usage error (exit 2).
  std::function<absl::StatusOr<google::protobuf::Any>()> build_spec;
  // Prints a succeeded job's result as text. May be empty.
  std::function<void(const google::protobuf::Any& result)> print_result;
  // Adjusts the JSON of the result (e.g. a list keyed by a field into an object). May be empty.
  std::function<void(nlohmann::json& result)> adjust_result_json;
};

struct JobFlags {
  std::string kind;
  std::string idempotency_key;
  bool wait = false;
  double timeout_seconds = 3600;
  std::string job_id;
  int limit = 50;
  CLI::App* start = nullptr;  // `jobs start`, for the services' kind flags.
  std::map<std::string, JobKind> kinds;
};

void AddJobCommands(CLI::App& app, const CliContext& context, JobFlags& flags,
                    std::function<int()>& run);

inline void AddJobKind(JobFlags& flags, const std::string& name, JobKind kind) {
  flags.kinds[name] = std::move(kind);
}

// Starts a job of `kind` with the kind's spec from the flags and waits for it (always, when
// `wait`; else as --wait says). Returns the exit code; *job holds the job as last seen.
int StartJobAndWait(const CliContext& context, const JobFlags& flags, const std::string& kind,
                    bool wait, common::v1::Job* job);

// "succeeded", "failed", ... as in the JSON.
std::string JobStateText(common::v1::JobState state);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_JOB_COMMANDS_H_
