// The work of a service's job kinds, as a JobManager (common/jobs/job_manager.h) sees it:
// validation of a spec, and a run that reports progress, checks for cancellation and prepares
// (but does not apply) its commit. A service implements JobRunner directly, or TypedJobRunner
// over its own spec and result messages (the payloads of common.v1.Job's `spec` and `result`).
#ifndef CLIENTELE_COMMON_JOBS_JOB_RUNNER_H_
#define CLIENTELE_COMMON_JOBS_JOB_RUNNER_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "clientele/common/v1/jobs.pb.h"
#include "common/status/status_macros.h"
#include "common/storage/kv_store.h"
#include "google/protobuf/any.pb.h"

namespace clientele::jobs {

// Given to a running job. Thread-safe.
class JobControl {
 public:
  virtual ~JobControl() = default;
  // True once cancellation was asked for: the job should return absl::CancelledError soon.
  virtual bool cancelled() const = 0;
  // Reports progress; `fraction` is clamped to [0, 1]. Wakes the job's watchers.
  virtual void SetProgress(double fraction, const std::string& message) = 0;
};

template <typename Result>
struct BasicJobOutcome {
  Result result;
  // Changes that publish the result (e.g. the model and the active version pointer). The
  // manager adds the job's final state and writes it atomically. May be null.
  std::unique_ptr<storage::WriteBatch> commit;
  // Called after `commit` (with the job's final state) is durable, on the worker thread, e.g.
  // to swap an in-memory serving snapshot. May be empty.
  std::function<void()> on_committed;
};
using JobOutcome = BasicJobOutcome<google::protobuf::Any>;

class JobRunner {
 public:
  virtual ~JobRunner() = default;
  // The kinds this runner runs (e.g. {"rfm", "recluster"}).
  virtual std::vector<std::string> Kinds() const = 0;
  // Checks `spec` for `kind` (one of Kinds()) and returns the spec to store (defaults for an
  // empty one). InvalidArgument naming the field (e.g. "spec.recluster.k_min").
  virtual absl::StatusOr<google::protobuf::Any> Validate(
      const std::string& kind, const google::protobuf::Any& spec) const = 0;
  // Runs the job. Called on the manager's worker thread, one job at a time. An error fails
  // the job with its message; absl::CancelledError ends it CANCELLED.
  virtual absl::StatusOr<JobOutcome> Run(const common::v1::Job& job, JobControl& control) = 0;
};

// Unpacks `any` into a Spec; an empty Any (no type) gives a default Spec. InvalidArgument
// naming `field` for another message type or bytes that do not parse.
template <typename Spec>
absl::StatusOr<Spec> UnpackAny(const google::protobuf::Any& any, const char* field) {
  Spec spec;
  if (any.type_url().empty() && any.value().empty()) return spec;
  if (!any.Is<Spec>()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": expected ", Spec::descriptor()->full_name(), ", got '", any.type_url(), "'"));
  }
  if (!any.UnpackTo(&spec)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": not a valid ", Spec::descriptor()->full_name()));
  }
  return spec;
}

// The job as a typed kind sees it.
template <typename Spec>
struct TypedJob {
  std::string job_id;
  std::string kind;
  Spec spec;
};

// A JobRunner over a service's own Spec and Result messages.
template <typename Spec, typename Result>
class TypedJobRunner : public JobRunner {
 public:
  using Job = TypedJob<Spec>;
  using Outcome = BasicJobOutcome<Result>;

  // Checks (and may complete, e.g. set the oneof case of `kind` in an empty spec) `spec`.
  virtual absl::Status ValidateSpec(const std::string& kind, Spec& spec) const = 0;
  virtual absl::StatusOr<Outcome> RunTyped(const Job& job, JobControl& control) = 0;

  absl::StatusOr<google::protobuf::Any> Validate(const std::string& kind,
                                                 const google::protobuf::Any& any) const final {
    CLT_ASSIGN_OR_RETURN(Spec spec, UnpackAny<Spec>(any, "spec"));
    CLT_RETURN_IF_ERROR(ValidateSpec(kind, spec));
    google::protobuf::Any out;
    out.PackFrom(spec);
    return out;
  }

  absl::StatusOr<JobOutcome> Run(const common::v1::Job& job, JobControl& control) final {
    Job typed;
    typed.job_id = job.job_id();
    typed.kind = job.kind();
    absl::StatusOr<Spec> spec = UnpackAny<Spec>(job.spec(), "spec");
    if (!spec.ok()) return absl::DataLossError(std::string(spec.status().message()));
    typed.spec = std::move(*spec);
    CLT_ASSIGN_OR_RETURN(Outcome outcome, RunTyped(typed, control));
    JobOutcome out;
    out.result.PackFrom(outcome.result);
    out.commit = std::move(outcome.commit);
    out.on_committed = std::move(outcome.on_committed);
    return out;
  }
};

}  // namespace clientele::jobs

#endif  // CLIENTELE_COMMON_JOBS_JOB_RUNNER_H_
