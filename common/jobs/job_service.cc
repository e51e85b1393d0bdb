#include "common/jobs/job_service.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/jobs/job_state.h"
#include "common/proto_check/grpc_request_parsing.h"
#include "common/status/grpc_status.h"
#include "common/time/proto_time.h"

namespace clientele::jobs {
namespace {

namespace v1 = common::v1;

// A wait without a caller deadline or timeout ends after this long.
constexpr absl::Duration kLongestWait = absl::Hours(1);

absl::Time CallDeadline(const grpc::ServerContext& context) {
  const absl::Time longest = absl::Now() + kLongestWait;
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return longest;
  return std::min(longest, absl::FromChrono(deadline));
}

bool SameView(const v1::Job& a, const v1::Job& b) {
  return a.state() == b.state() && a.progress() == b.progress() &&
         a.progress_message() == b.progress_message() &&
         a.cancel_requested() == b.cancel_requested();
}

}  // namespace

class JobServiceImpl::WaiterSlot {
 public:
  explicit WaiterSlot(JobServiceImpl* service) : service_(service) {
    ok_ = service_->waiters_.fetch_add(1) < service_->max_waiters_;
  }
  ~WaiterSlot() { service_->waiters_.fetch_sub(1); }
  bool ok() const { return ok_; }

 private:
  JobServiceImpl* const service_;
  bool ok_ = false;
};

JobServiceImpl::JobServiceImpl(const JobRegistry* registry, int max_waiters)
    : registry_(registry), max_waiters_(max_waiters) {
  // Unary requests are parsed here, so that one protobuf refuses fails with INVALID_ARGUMENT
  // naming the field (docs/decisions.md).
  const auto& service = *v1::StartJobRequest::descriptor()->file()->FindServiceByName("JobService");
  auto checked = [this, &service](std::string_view method, grpc::internal::MethodHandler* handler) {
    MarkMethodStreamed(proto_check::MethodIndex(service, method), handler);
  };
  checked("StartJob", proto_check::NewCheckedUnaryHandler(this, &JobServiceImpl::StartJob));
  checked("GetJob", proto_check::NewCheckedUnaryHandler(this, &JobServiceImpl::GetJob));
  checked("ListJobs", proto_check::NewCheckedUnaryHandler(this, &JobServiceImpl::ListJobs));
  checked("CancelJob", proto_check::NewCheckedUnaryHandler(this, &JobServiceImpl::CancelJob));
  checked("WaitJob", proto_check::NewCheckedUnaryHandler(this, &JobServiceImpl::WaitJob));
}

grpc::Status JobServiceImpl::StartJob(grpc::ServerContext* /*context*/,
                                      const v1::StartJobRequest* request,
                                      v1::StartJobResponse* response) {
  absl::StatusOr<JobManager*> manager = registry_->ForKind(request->kind());
  if (!manager.ok()) return ToGrpcStatus(manager.status());
  absl::StatusOr<StartedJob> started =
      (*manager)->StartJob(request->kind(), request->spec(), request->idempotency_key());
  if (!started.ok()) return ToGrpcStatus(started.status());
  *response->mutable_job() = std::move(started->job);
  response->set_existing(started->existing);
  return grpc::Status::OK;
}

grpc::Status JobServiceImpl::GetJob(grpc::ServerContext* /*context*/,
                                    const v1::GetJobRequest* request,
                                    v1::GetJobResponse* response) {
  absl::StatusOr<JobManager*> manager = registry_->ForJobId(request->job_id());
  if (!manager.ok()) return ToGrpcStatus(manager.status());
  absl::StatusOr<v1::Job> job = (*manager)->GetJob(request->job_id());
  if (!job.ok()) return ToGrpcStatus(job.status());
  *response->mutable_job() = std::move(*job);
  return grpc::Status::OK;
}

grpc::Status JobServiceImpl::ListJobs(grpc::ServerContext* /*context*/,
                                      const v1::ListJobsRequest* request,
                                      v1::ListJobsResponse* response) {
  absl::StatusOr<JobPage> page = registry_->ListJobs(request->page_size(), request->page_token());
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (v1::Job& job : page->jobs) *response->add_jobs() = std::move(job);
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status JobServiceImpl::CancelJob(grpc::ServerContext* /*context*/,
                                       const v1::CancelJobRequest* request,
                                       v1::CancelJobResponse* response) {
  absl::StatusOr<JobManager*> manager = registry_->ForJobId(request->job_id());
  if (!manager.ok()) return ToGrpcStatus(manager.status());
  absl::StatusOr<v1::Job> job = (*manager)->CancelJob(request->job_id());
  if (!job.ok()) return ToGrpcStatus(job.status());
  *response->mutable_job() = std::move(*job);
  return grpc::Status::OK;
}

grpc::Status JobServiceImpl::WatchJob(grpc::ServerContext* context,
                                      const v1::WatchJobRequest* request,
                                      grpc::ServerWriter<v1::WatchJobResponse>* writer) {
  absl::StatusOr<JobManager*> manager = registry_->ForJobId(request->job_id());
  if (!manager.ok()) return ToGrpcStatus(manager.status());
  WaiterSlot slot(this);
  if (!slot.ok()) {
    return grpc::Status(
        grpc::StatusCode::RESOURCE_EXHAUSTED,
        absl::StrCat("too many jobs watched at once (at most ", max_waiters_, "); retry later"));
  }
  const absl::Time deadline = CallDeadline(*context);
  const CancelledFn cancelled = [context] { return context->IsCancelled(); };
  absl::StatusOr<JobSnapshot> snapshot = (*manager)->GetJobSnapshot(request->job_id());
  if (!snapshot.ok()) return ToGrpcStatus(snapshot.status());
  v1::WatchJobResponse message;
  while (true) {
    if (message.has_job() && SameView(message.job(), snapshot->job)) {
      // A change of another job of the manager: nothing new to send.
    } else {
      *message.mutable_job() = snapshot->job;
      if (!writer->Write(message)) {
        return grpc::Status(grpc::StatusCode::CANCELLED, "the watcher went away");
      }
    }
    if (Finished(snapshot->job.state())) return grpc::Status::OK;
    if (context->IsCancelled()) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "the watcher went away");
    }
    if (absl::Now() >= deadline) {
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                          absl::StrCat("job ", request->job_id(), " has not finished yet"));
    }
    const uint64_t seen = snapshot->version;
    snapshot = (*manager)->WaitForChange(request->job_id(), seen, deadline, cancelled);
    if (!snapshot.ok()) return ToGrpcStatus(snapshot.status());
    if (snapshot->version == seen && !Finished(snapshot->job.state()) && absl::Now() < deadline &&
        !context->IsCancelled()) {
      // Woken without a change: the manager stops.
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the job service is shutting down");
    }
  }
}

grpc::Status JobServiceImpl::WaitJob(grpc::ServerContext* context,
                                     const v1::WaitJobRequest* request,
                                     v1::WaitJobResponse* response) {
  absl::StatusOr<JobManager*> manager = registry_->ForJobId(request->job_id());
  if (!manager.ok()) return ToGrpcStatus(manager.status());
  if (request->timeout().seconds() < 0 || request->timeout().nanos() < 0) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "timeout: must not be negative");
  }
  WaiterSlot slot(this);
  if (!slot.ok()) {
    return grpc::Status(
        grpc::StatusCode::RESOURCE_EXHAUSTED,
        absl::StrCat("too many jobs waited for at once (at most ", max_waiters_, "); retry later"));
  }
  absl::Time deadline = CallDeadline(*context);
  const absl::Duration timeout =
      absl::Seconds(request->timeout().seconds()) + absl::Nanoseconds(request->timeout().nanos());
  if (timeout > absl::ZeroDuration()) deadline = std::min(deadline, absl::Now() + timeout);
  absl::StatusOr<v1::Job> job = (*manager)->WaitJob(request->job_id(), deadline,
                                                    [context] { return context->IsCancelled(); });
  if (!job.ok()) return ToGrpcStatus(job.status());
  if (context->IsCancelled()) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "the caller went away");
  }
  response->set_finished(Finished(job->state()));
  *response->mutable_job() = std::move(*job);
  return grpc::Status::OK;
}

}  // namespace clientele::jobs
