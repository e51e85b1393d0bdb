// gRPC adapter of clientele.common.v1.JobService over a JobRegistry: StartJob dispatches on
// the kind, every other call on the service named by the job id's prefix, ListJobs merges
// every registered service. WatchJob and WaitJob block on the managers' change notification
// (no polling); they end at the caller's deadline, when the caller cancels (noticed within
// JobManagerOptions::cancel_check_interval), and when the managers stop. At most
// `max_waiters` WatchJob/WaitJob calls wait at once; more get RESOURCE_EXHAUSTED.
//
// Thread-safe. The registry (and its managers) is not owned and must outlive the service.
#ifndef CLIENTELE_COMMON_JOBS_JOB_SERVICE_H_
#define CLIENTELE_COMMON_JOBS_JOB_SERVICE_H_

#include <atomic>

#include "clientele/common/v1/jobs.grpc.pb.h"
#include "common/jobs/job_registry.h"

namespace clientele::jobs {

class JobServiceImpl final : public common::v1::JobService::Service {
 public:
  explicit JobServiceImpl(const JobRegistry* registry, int max_waiters = 256);

  grpc::Status StartJob(grpc::ServerContext* context, const common::v1::StartJobRequest* request,
                        common::v1::StartJobResponse* response) override;
  grpc::Status GetJob(grpc::ServerContext* context, const common::v1::GetJobRequest* request,
                      common::v1::GetJobResponse* response) override;
  grpc::Status ListJobs(grpc::ServerContext* context, const common::v1::ListJobsRequest* request,
                        common::v1::ListJobsResponse* response) override;
  grpc::Status CancelJob(grpc::ServerContext* context, const common::v1::CancelJobRequest* request,
                         common::v1::CancelJobResponse* response) override;
  grpc::Status WatchJob(grpc::ServerContext* context, const common::v1::WatchJobRequest* request,
                        grpc::ServerWriter<common::v1::WatchJobResponse>* writer) override;
  grpc::Status WaitJob(grpc::ServerContext* context, const common::v1::WaitJobRequest* request,
                       common::v1::WaitJobResponse* response) override;

 private:
  // Counts a waiting call while alive; ok() false when the limit is reached.
  class WaiterSlot;

  const JobRegistry* const registry_;
  const int max_waiters_;
  std::atomic<int> waiters_{0};
};

}  // namespace clientele::jobs

#endif  // CLIENTELE_COMMON_JOBS_JOB_SERVICE_H_
