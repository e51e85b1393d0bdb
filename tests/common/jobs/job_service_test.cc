// clientele.common.v1.JobService over a registry of two services' job managers, on a real
// RocksDB and a real gRPC server on 127.0.0.1:0: dispatch by kind and by job id, merged
// listing, WatchJob and WaitJob waking on changes, deadlines, limits and unknown ids.
#include "common/jobs/job_service.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "clientele/common/v1/jobs.grpc.pb.h"
#include "common/jobs/job_manager.h"
#include "common/jobs/job_registry.h"
#include "common/jobs/job_state.h"
#include "common/jobs/job_store.h"
#include "common/server/grpc_server.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "google/protobuf/wrappers.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace clientele::jobs {
namespace {

namespace v1 = common::v1;
using ::clientele::testing::IsOk;
using ::testing::HasSubstr;

// Spec: a StringValue. "quick" succeeds at once; "steps" reports progress 0.25, 0.5, 0.75 as
// the test releases steps 1..3 and ends at release 4 (or when cancelled); "exhausted" fails at
// once with RESOURCE_EXHAUSTED.
class StepRunner final : public JobRunner {
 public:
  explicit StepRunner(std::vector<std::string> kinds) : kinds_(std::move(kinds)) {}
  std::vector<std::string> Kinds() const override { return kinds_; }
  absl::StatusOr<google::protobuf::Any> Validate(const std::string& /*kind*/,
                                                 const google::protobuf::Any& spec) const override {
    auto value = UnpackAny<google::protobuf::StringValue>(spec, "spec");
    if (!value.ok()) return value.status();
    if (value->value() != "quick" && value->value() != "steps" && value->value() != "exhausted") {
      return absl::InvalidArgumentError("spec.value: quick, steps or exhausted");
    }
    google::protobuf::Any out;
    out.PackFrom(*value);
    return out;
  }
  absl::StatusOr<JobOutcome> Run(const v1::Job& job, JobControl& control) override {
    google::protobuf::StringValue spec;
    job.spec().UnpackTo(&spec);
    if (spec.value() == "exhausted") {
      return absl::ResourceExhaustedError("the fit needs more than --memory_budget");
    }
    if (spec.value() == "steps") {
      for (int i = 1; i <= 4; ++i) {
        absl::MutexLock l(&mu_);
        auto go = [this, i, &control]()
                      ABSL_SHARED_LOCKS_REQUIRED(mu_) { return step_ >= i || control.cancelled(); };
        // The cancel flag is not under mu_: check it between short waits, as a real job
        // checks it between units of work.
        const absl::Time give_up = absl::Now() + absl::Seconds(60);
        while (!mu_.AwaitWithTimeout(absl::Condition(&go), absl::Milliseconds(5)) &&
               absl::Now() < give_up) {
        }
        if (control.cancelled()) return absl::CancelledError("cancelled");
        if (i < 4) control.SetProgress(0.25 * i, absl::StrCat("step ", i));
      }
    }
    JobOutcome outcome;
    google::protobuf::StringValue result;
    result.set_value("done " + job.job_id());
    outcome.result.PackFrom(result);
    return outcome;
  }
  void Release(int step) {
    absl::MutexLock l(&mu_);
    step_ = step;
  }

 private:
  const std::vector<std::string> kinds_;
  absl::Mutex mu_;
  int step_ ABSL_GUARDED_BY(mu_) = 0;
};

google::protobuf::Any Spec(const std::string& value) {
  google::protobuf::StringValue spec;
  spec.set_value(value);
  google::protobuf::Any any;
  any.PackFrom(spec);
  return any;
}

class JobServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(/*max_waiters=*/8); }
  void TearDown() override { StopServer(); }

  void StartServer(int max_waiters) {
    storage::RocksDbOptions db;
    db.path = dir_.Sub("db");
    db.column_families = {
        {"alpha_jobs", false}, {"alpha_keys", true}, {"beta_jobs", false}, {"beta_keys", true}};
    kv_ = std::move(storage::OpenRocksDbStore(db)).value();
    alpha_store_ = std::make_unique<JobStore>(kv_.get(), 0, 1, "alpha");
    beta_store_ = std::make_unique<JobStore>(kv_.get(), 2, 3, "beta");
    alpha_ = std::make_unique<JobManager>(alpha_store_.get(), &alpha_runner_);
    beta_ = std::make_unique<JobManager>(beta_store_.get(), &beta_runner_);
    ASSERT_THAT(alpha_->Start(), IsOk());
    ASSERT_THAT(beta_->Start(), IsOk());
    registry_ = std::make_unique<JobRegistry>();
    ASSERT_THAT(registry_->Add(alpha_.get()), IsOk());
    ASSERT_THAT(registry_->Add(beta_.get()), IsOk());
    service_ = std::make_unique<JobServiceImpl>(registry_.get(), max_waiters);
    server::ServerOptions so;
    so.listen = "127.0.0.1:0";
    so.shutdown_grace = absl::Seconds(2);
    server_ = std::move(server::GrpcServer::Start(so, {service_.get()}, {}, &metrics_)).value();
    stub_ = v1::JobService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials()));
  }

  void StopServer() {
    alpha_runner_.Release(4);
    beta_runner_.Release(4);
    if (alpha_) alpha_->Stop();
    if (beta_) beta_->Stop();
    if (server_) server_->Shutdown();
  }

  v1::Job Start(const std::string& kind, const std::string& spec, const std::string& key = "") {
    v1::StartJobRequest request;
    request.set_kind(kind);
    *request.mutable_spec() = Spec(spec);
    request.set_idempotency_key(key);
    v1::StartJobResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->StartJob(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.job();
  }

  v1::WaitJobResponse Wait(const std::string& id, absl::Duration timeout = absl::ZeroDuration()) {
    v1::WaitJobRequest request;
    request.set_job_id(id);
    request.mutable_timeout()->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(timeout)));
    v1::WaitJobResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    const grpc::Status status = stub_->WaitJob(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  ::clientele::testing::TempDir dir_;
  metrics::Registry metrics_;
  std::unique_ptr<storage::KvStore> kv_;
  StepRunner alpha_runner_{{"quick", "steps"}};
  StepRunner beta_runner_{{"other"}};
  std::unique_ptr<JobStore> alpha_store_;
  std::unique_ptr<JobStore> beta_store_;
  std::unique_ptr<JobManager> alpha_;
  std::unique_ptr<JobManager> beta_;
  std::unique_ptr<JobRegistry> registry_;
  std::unique_ptr<JobServiceImpl> service_;
  std::unique_ptr<server::GrpcServer> server_;
  std::unique_ptr<v1::JobService::Stub> stub_;
};

TEST_F(JobServiceTest, WatchJobSendsEveryProgressAndEndsWhenTheJobFinishes) {
  const v1::Job started = Start("steps", "steps");
  EXPECT_EQ(started.job_id(), "alpha-0000000001");
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::WatchJobRequest request;
  request.set_job_id(started.job_id());
  auto stream = stub_->WatchJob(&context, request);
  v1::WatchJobResponse update;
  ASSERT_TRUE(stream->Read(&update));  // The job as it is now.
  EXPECT_EQ(update.job().job_id(), started.job_id());
  for (int i = 1; i <= 3; ++i) {
    alpha_runner_.Release(i);
    // Each message is a change; the one with this step's progress must come.
    do {
      ASSERT_TRUE(stream->Read(&update)) << "stream ended before step " << i;
      EXPECT_FALSE(Finished(update.job().state()));
    } while (update.job().progress() != 0.25 * i);
    EXPECT_EQ(update.job().progress_message(), absl::StrCat("step ", i));
  }
  alpha_runner_.Release(4);
  while (stream->Read(&update)) {
  }
  EXPECT_EQ(update.job().state(), v1::JOB_STATE_SUCCEEDED);
  google::protobuf::StringValue result;
  ASSERT_TRUE(update.job().result().UnpackTo(&result));
  EXPECT_EQ(result.value(), "done alpha-0000000001");
  const grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(JobServiceTest, WaitJobAtItsTimeoutReturnsTheUnfinishedJobThenTheFinishedOne) {
  const v1::Job started = Start("steps", "steps");
  const v1::WaitJobResponse early = Wait(started.job_id(), absl::Milliseconds(50));
  EXPECT_FALSE(early.finished());
  EXPECT_FALSE(Finished(early.job().state()));
  alpha_runner_.Release(4);
  const v1::WaitJobResponse done = Wait(started.job_id());
  EXPECT_TRUE(done.finished());
  EXPECT_EQ(done.job().state(), v1::JOB_STATE_SUCCEEDED);
}

TEST_F(JobServiceTest, WatchJobEndsAtTheCallersDeadline) {
  const v1::Job started = Start("steps", "steps");
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
  v1::WatchJobRequest request;
  request.set_job_id(started.job_id());
  auto stream = stub_->WatchJob(&context, request);
  v1::WatchJobResponse update;
  while (stream->Read(&update)) EXPECT_FALSE(Finished(update.job().state()));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_F(JobServiceTest, UnknownIdsAreNotFoundNamingTheJobIdAndBadRequestsNameTheField) {
  for (const std::string id : {"alpha-0000000099", "gamma-0000000001", "job-0000000001"}) {
    {
      grpc::ClientContext context;
      v1::GetJobRequest request;
      request.set_job_id(id);
      v1::GetJobResponse response;
      const grpc::Status status = stub_->GetJob(&context, request, &response);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << id;
      EXPECT_THAT(status.error_message(), HasSubstr("job_id")) << id;
    }
    {
      grpc::ClientContext context;
      v1::WaitJobRequest request;
      request.set_job_id(id);
      v1::WaitJobResponse response;
      const grpc::Status status = stub_->WaitJob(&context, request, &response);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << id;
      EXPECT_THAT(status.error_message(), HasSubstr("job_id")) << id;
    }
    {
      grpc::ClientContext context;
      v1::WatchJobRequest request;
      request.set_job_id(id);
      auto stream = stub_->WatchJob(&context, request);
      v1::WatchJobResponse update;
      EXPECT_FALSE(stream->Read(&update));
      const grpc::Status status = stream->Finish();
      EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << id;
      EXPECT_THAT(status.error_message(), HasSubstr("job_id")) << id;
    }
    {
      grpc::ClientContext context;
      v1::CancelJobRequest request;
      request.set_job_id(id);
      v1::CancelJobResponse response;
      EXPECT_EQ(stub_->CancelJob(&context, request, &response).error_code(),
                grpc::StatusCode::NOT_FOUND);
    }
  }
  grpc::ClientContext context;
  v1::StartJobRequest request;
  request.set_kind("sleep");
  v1::StartJobResponse response;
  const grpc::Status status = stub_->StartJob(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("kind: unknown job kind 'sleep'"));
  EXPECT_THAT(status.error_message(), HasSubstr("other, quick, steps"));
  grpc::ClientContext bad_context;
  request.set_kind("quick");
  *request.mutable_spec() = Spec("slow");
  EXPECT_EQ(stub_->StartJob(&bad_context, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(JobServiceTest, ListJobsMergesEveryServiceNewestFirstInPages) {
  std::vector<std::string> started;
  for (int i = 0; i < 5; ++i) {
    const v1::Job job = i % 2 == 0 ? Start("quick", "quick") : Start("other", "quick");
    EXPECT_TRUE(Wait(job.job_id()).finished());
    started.push_back(job.job_id());
  }
  EXPECT_EQ(started[1], "beta-0000000001");
  std::vector<std::string> listed;
  v1::ListJobsRequest request;
  request.set_page_size(2);
  int pages = 0;
  do {
    grpc::ClientContext context;
    v1::ListJobsResponse page;
    const grpc::Status status = stub_->ListJobs(&context, request, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_LE(page.jobs_size(), 2);
    for (const v1::Job& job : page.jobs()) listed.push_back(job.job_id());
    request.set_page_token(page.next_page_token());
    ASSERT_LT(++pages, 10);
  } while (!request.page_token().empty());
  EXPECT_EQ(listed, std::vector<std::string>(started.rbegin(), started.rend()));
  grpc::ClientContext context;
  request.set_page_token("alpha=beta-0000000001");
  v1::ListJobsResponse page;
  EXPECT_EQ(stub_->ListJobs(&context, request, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(JobServiceTest, ARetriedKeyIsTheNextAttemptAndCancelWorksThroughTheService) {
  const v1::Job first = Start("steps", "steps", "nightly");
  {
    grpc::ClientContext context;
    v1::CancelJobRequest request;
    request.set_job_id(first.job_id());
    v1::CancelJobResponse response;
    ASSERT_TRUE(stub_->CancelJob(&context, request, &response).ok());
    EXPECT_TRUE(response.job().cancel_requested());
  }
  EXPECT_EQ(Wait(first.job_id()).job().state(), v1::JOB_STATE_CANCELLED);
  const v1::Job second = Start("quick", "quick", "nightly");
  EXPECT_EQ(second.attempt(), 2);
  EXPECT_EQ(second.previous_attempt_job_id(), first.job_id());
  EXPECT_EQ(Wait(second.job_id()).job().state(), v1::JOB_STATE_SUCCEEDED);
  const v1::Job again = Start("quick", "quick", "nightly");
  EXPECT_EQ(again.job_id(), second.job_id());
}

TEST_F(JobServiceTest, AFailedJobKeepsItsStatusCodeInGetWaitWatchAndList) {
  const v1::Job started = Start("quick", "exhausted");
  const v1::WaitJobResponse waited = Wait(started.job_id());
  ASSERT_TRUE(waited.finished());
  EXPECT_EQ(waited.job().state(), v1::JOB_STATE_FAILED);
  EXPECT_EQ(waited.job().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(waited.job().error(), HasSubstr("--memory_budget"));
  EXPECT_EQ(ErrorCodeName(waited.job()), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(ErrorText(waited.job()), "RESOURCE_EXHAUSTED: the fit needs more than --memory_budget");
  {
    grpc::ClientContext context;
    v1::GetJobRequest request;
    request.set_job_id(started.job_id());
    v1::GetJobResponse response;
    ASSERT_TRUE(stub_->GetJob(&context, request, &response).ok());
    EXPECT_EQ(response.job().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  }
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::WatchJobRequest request;
    request.set_job_id(started.job_id());
    auto stream = stub_->WatchJob(&context, request);
    v1::WatchJobResponse update;
    ASSERT_TRUE(stream->Read(&update));
    EXPECT_EQ(update.job().state(), v1::JOB_STATE_FAILED);
    EXPECT_EQ(update.job().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    while (stream->Read(&update)) {
    }
    EXPECT_TRUE(stream->Finish().ok());
  }
  {
    grpc::ClientContext context;
    v1::ListJobsRequest request;
    v1::ListJobsResponse response;
    ASSERT_TRUE(stub_->ListJobs(&context, request, &response).ok());
    ASSERT_EQ(response.jobs_size(), 1);
    EXPECT_EQ(response.jobs(0).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  }
  // A job that has not failed has no code.
  const v1::Job quick = Start("quick", "quick");
  EXPECT_EQ(Wait(quick.job_id()).job().error_code(), 0);
  EXPECT_EQ(ErrorCodeName(Wait(quick.job_id()).job()), "");
}

TEST_F(JobServiceTest, AFailedJobStoredWithoutACodeReadsAsUnknown) {
  // As versions that kept only the message stored a failure.
  v1::Job old;
  old.set_job_id("alpha-0000000042");
  old.set_kind("quick");
  *old.mutable_spec() = Spec("quick");
  old.set_state(v1::JOB_STATE_FAILED);
  old.set_error("ease: over the budget");
  ASSERT_THAT(alpha_store_->Write(old), IsOk());
  grpc::ClientContext context;
  v1::GetJobRequest request;
  request.set_job_id(old.job_id());
  v1::GetJobResponse response;
  ASSERT_TRUE(stub_->GetJob(&context, request, &response).ok());
  EXPECT_EQ(response.job().state(), v1::JOB_STATE_FAILED);
  EXPECT_EQ(response.job().error(), "ease: over the budget");
  EXPECT_EQ(response.job().error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(ErrorText(response.job()), "UNKNOWN: ease: over the budget");
}

class JobServiceLimitTest : public JobServiceTest {
 protected:
  void SetUp() override { StartServer(/*max_waiters=*/1); }
};

TEST_F(JobServiceLimitTest, WaitersBeyondTheLimitAreResourceExhausted) {
  const v1::Job started = Start("steps", "steps");
  grpc::ClientContext first_context;
  first_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::WatchJobRequest request;
  request.set_job_id(started.job_id());
  auto first = stub_->WatchJob(&first_context, request);
  v1::WatchJobResponse update;
  ASSERT_TRUE(first->Read(&update));  // The first watcher holds the only slot now.
  grpc::ClientContext context;
  v1::WaitJobRequest wait;
  wait.set_job_id(started.job_id());
  v1::WaitJobResponse response;
  const grpc::Status status = stub_->WaitJob(&context, wait, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  alpha_runner_.Release(4);
  while (first->Read(&update)) {
  }
  EXPECT_TRUE(first->Finish().ok());
}

}  // namespace
}  // namespace clientele::jobs
