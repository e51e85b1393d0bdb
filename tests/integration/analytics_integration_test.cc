// The analytics service against a real ingest server: the Online Retail slice is imported
// through IngestService, the "analytics" LogConsumer applies it to a real RocksDB, and rfm and
// recluster jobs run and answer over a real gRPC server on 127.0.0.1:0.
#include <memory>
#include <string>

#include "analytics/analytics_applier.h"
#include "analytics/analytics_queries.h"
#include "analytics/analytics_schema.h"
#include "analytics/analytics_service.h"
#include "analytics/jobs/analytics_job_runner.h"
#include "analytics/jobs/job_manager.h"
#include "analytics/jobs/profile_directory.h"
#include "analytics/state/analytics_store.h"
#include "clientele/analytics/v1/analytics.grpc.pb.h"
#include "clientele/common/v1/jobs.grpc.pb.h"
#include "common/jobs/job_registry.h"
#include "common/jobs/job_service.h"
#include "common/log/log_consumer.h"
#include "common/testing/poll.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/import/importer.h"
#include "tests/integration/ingest_server_fixture.h"

namespace clientele {
namespace {

namespace v1 = analytics::v1;
using ::clientele::testing::IsOk;
using ::clientele::testing::PollUntil;
using ::testing::HasSubstr;

// The analytics component as clienteled wires it, serving on 127.0.0.1:0.
class AnalyticsServer {
 public:
  AnalyticsServer(const std::string& path, std::shared_ptr<grpc::Channel> ingest) {
    storage::RocksDbOptions db;
    db.path = path;
    db.column_families = analytics::AnalyticsColumnFamilies();
    kv_ = std::move(storage::OpenRocksDbStore(db)).value();
    store_ = std::make_unique<analytics::AnalyticsStore>(kv_.get());
    applier_ = std::make_unique<analytics::AnalyticsApplier>(store_.get());
    runner_ = std::make_unique<analytics::AnalyticsJobRunner>(store_.get(), &directory_, 1);
    job_store_ = analytics::NewAnalyticsJobStore(kv_.get());
    jobs_ = std::make_unique<analytics::JobManager>(job_store_.get(), runner_.get());
    EXPECT_THAT(job_registry_.Add(jobs_.get()), IsOk());
    job_service_ = std::make_unique<jobs::JobServiceImpl>(&job_registry_);
    queries_ = std::make_unique<analytics::AnalyticsQueries>(store_.get());
    service_ = std::make_unique<analytics::AnalyticsServiceImpl>(queries_.get());
    server::ServerOptions so;
    so.listen = "127.0.0.1:0";
    so.shutdown_grace = absl::Seconds(2);
    server_ = std::move(server::GrpcServer::Start(so, {service_.get(), job_service_.get()}, {},
                                                  &metrics_))
                  .value();
    log::LogConsumerOptions options;
    options.name = "analytics";
    options.progress_cf = analytics::kMetaCf;
    consumer_ = std::make_unique<log::LogConsumer>(options, kv_.get(), applier_.get(),
                                                   [ingest](uint32_t) { return ingest; });
    EXPECT_THAT(consumer_->Start(), IsOk());
    EXPECT_THAT(jobs_->Start(), IsOk());
  }
  ~AnalyticsServer() {
    consumer_->Stop();
    jobs_->Stop();
    server_->Shutdown();
  }

  std::unique_ptr<v1::AnalyticsService::Stub> Stub() const {
    return v1::AnalyticsService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials()));
  }
  std::unique_ptr<common::v1::JobService::Stub> JobStub() const {
    return common::v1::JobService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials()));
  }
  log::LogConsumer& consumer() { return *consumer_; }

 private:
  metrics::Registry metrics_;
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<analytics::AnalyticsStore> store_;
  std::unique_ptr<jobs::JobStore> job_store_;
  jobs::JobRegistry job_registry_;
  std::unique_ptr<jobs::JobServiceImpl> job_service_;
  std::unique_ptr<analytics::AnalyticsApplier> applier_;
  analytics::SourceKeyProfiles directory_;
  std::unique_ptr<analytics::AnalyticsJobRunner> runner_;
  std::unique_ptr<analytics::JobManager> jobs_;
  std::unique_ptr<analytics::AnalyticsQueries> queries_;
  std::unique_ptr<analytics::AnalyticsServiceImpl> service_;
  std::unique_ptr<server::GrpcServer> server_;
  std::unique_ptr<log::LogConsumer> consumer_;
};

class AnalyticsIntegrationTest : public ::testing::Test {
 protected:
  AnalyticsIntegrationTest()
      : ingest_(dir_.Sub("ingest"), ingest::EventLogOptions()),
        analytics_(dir_.Sub("analytics"), ingest_.Channel()),
        stub_(analytics_.Stub()),
        jobs_(analytics_.JobStub()) {}

  // Imports the committed Online Retail slice; returns the last sequence of partition 0.
  uint64_t ImportSample() {
    auto format = ingest::ParseImportFormat("online-retail");
    auto importer =
        ingest::OpenImporter(*format, std::string(CLT_TEST_DATA_DIR) + "/online_retail_sample.csv",
                             ingest::ImportOptions());
    EXPECT_THAT(importer, IsOk());
    auto ingest_stub = ingest_.Stub();
    ingest::ImportBatch batch;
    while (true) {
      batch.Clear();
      auto more = (*importer)->Next(200, &batch);
      EXPECT_THAT(more, IsOk());
      if (!more.ok() || !*more) break;
      ingest::v1::IngestRequest request;
      for (auto& e : batch.events) *request.add_events() = std::move(e);
      for (auto& r : batch.rejections) *request.add_client_rejections() = std::move(r);
      request.set_omit_accepted_results(true);
      grpc::ClientContext context;
      ingest::v1::IngestResponse response;
      const grpc::Status status = ingest_stub->Ingest(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    return ingest_.log().LastSequence(0);
  }

  // Waits with WatchJob: the stream ends once the job has finished.
  common::v1::Job WaitFinished(const std::string& job_id, v1::JobResult* result) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    common::v1::WatchJobRequest request;
    request.set_job_id(job_id);
    auto stream = jobs_->WatchJob(&context, request);
    common::v1::WatchJobResponse update;
    common::v1::Job job;
    while (stream->Read(&update)) job = update.job();
    const grpc::Status status = stream->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (job.has_result()) EXPECT_TRUE(job.result().UnpackTo(result));
    return job;
  }

  static common::v1::StartJobRequest Start(const std::string& kind, const v1::JobSpec& spec) {
    common::v1::StartJobRequest start;
    start.set_kind(kind);
    start.mutable_spec()->PackFrom(spec);
    return start;
  }

  ::clientele::testing::TempDir dir_;
  ::clientele::testing::IngestServer ingest_;
  AnalyticsServer analytics_;
  std::unique_ptr<v1::AnalyticsService::Stub> stub_;
  std::unique_ptr<common::v1::JobService::Stub> jobs_;
};

TEST_F(AnalyticsIntegrationTest, ImportConsumeScoreClusterAndQuery) {
  const uint64_t last = ImportSample();
  ASSERT_GT(last, 0u);
  ASSERT_TRUE(analytics_.consumer().WaitForApplied(0, last, absl::Now() + absl::Seconds(60)));

  // rfm job, idempotent by key.
  v1::JobSpec rfm_spec;
  rfm_spec.mutable_rfm();
  common::v1::StartJobRequest start = Start("rfm", rfm_spec);
  start.set_idempotency_key("nightly-rfm");
  common::v1::StartJobResponse started;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(jobs_->StartJob(&context, start, &started).ok());
  }
  EXPECT_FALSE(started.existing());
  v1::JobResult rfm_result;
  const common::v1::Job rfm = WaitFinished(started.job().job_id(), &rfm_result);
  ASSERT_EQ(rfm.state(), common::v1::JOB_STATE_SUCCEEDED) << rfm.error();
  {
    grpc::ClientContext context;
    common::v1::StartJobResponse again;
    ASSERT_TRUE(jobs_->StartJob(&context, start, &again).ok());
    EXPECT_TRUE(again.existing());
    EXPECT_EQ(again.job().job_id(), started.job().job_id());
  }

  // Every scored profile once, across pages; segment sizes add up.
  int64_t rows = 0;
  v1::ListRfmRequest list;
  list.set_page_size(50);
  do {
    grpc::ClientContext context;
    v1::ListRfmResponse page;
    ASSERT_TRUE(stub_->ListRfm(&context, list, &page).ok());
    rows += page.rows_size();
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  EXPECT_EQ(rows, rfm_result.profiles());
  EXPECT_GT(rows, 100);
  {
    grpc::ClientContext context;
    v1::ListSegmentsResponse segments;
    ASSERT_TRUE(stub_->ListSegments(&context, v1::ListSegmentsRequest(), &segments).ok());
    int64_t total = 0;
    double share = 0;
    for (const auto& s : segments.segments()) {
      total += s.customers();
      share += s.revenue_share();
      EXPECT_FALSE(s.strategy().empty());
    }
    EXPECT_EQ(total, rows);
    EXPECT_NEAR(share, 1.0, 1e-9);
  }

  // Customer 12431 bought in Australia (536389) and in Belgium (544193): two invoices.
  v1::GetCustomerAnalyticsRequest who;
  who.mutable_source_key()->set_system("online_retail");
  who.mutable_source_key()->set_id("12431");
  {
    grpc::ClientContext context;
    v1::GetCustomerAnalyticsResponse response;
    const grpc::Status status = stub_->GetCustomerAnalytics(&context, who, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.rfm().frequency(), 2);
    EXPECT_FALSE(response.rfm().segment().empty());
  }
  {
    grpc::ClientContext context;
    who.mutable_source_key()->set_id("99999");
    v1::GetCustomerAnalyticsResponse response;
    const grpc::Status status = stub_->GetCustomerAnalytics(&context, who, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_THAT(status.error_message(), HasSubstr("source_key"));
  }

  // recluster over k = 2..4.
  v1::JobSpec recluster;
  recluster.mutable_recluster()->set_k_min(2);
  recluster.mutable_recluster()->set_k_max(4);
  recluster.mutable_recluster()->set_n_init(2);
  {
    grpc::ClientContext context;
    ASSERT_TRUE(jobs_->StartJob(&context, Start("recluster", recluster), &started).ok());
  }
  v1::JobResult clustered_result;
  const common::v1::Job clustered = WaitFinished(started.job().job_id(), &clustered_result);
  ASSERT_EQ(clustered.state(), common::v1::JOB_STATE_SUCCEEDED) << clustered.error();
  EXPECT_EQ(clustered_result.k_scores_size(), 3);
  {
    grpc::ClientContext context;
    v1::GetModelResponse model;
    ASSERT_TRUE(stub_->GetModel(&context, v1::GetModelRequest(), &model).ok());
    EXPECT_TRUE(model.model().active());
    EXPECT_EQ(model.model().cluster().k(), clustered_result.k());
    EXPECT_GT(model.model().cluster().pca_sample_size(), 0);
  }
  {
    grpc::ClientContext context;
    v1::PredictClusterRequest predict;
    (*predict.mutable_features())["recency_days"] = 10;
    (*predict.mutable_features())["frequency"] = 3;
    (*predict.mutable_features())["monetary"] = 900;
    v1::PredictClusterResponse response;
    const grpc::Status status = stub_->PredictCluster(&context, predict, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_GE(response.cluster(), 0);
    EXPECT_LT(response.cluster(), clustered_result.k());
    EXPECT_FALSE(response.segment().empty());
  }

  // Errors name the field.
  {
    grpc::ClientContext context;
    v1::JobSpec bad;
    bad.mutable_recluster()->set_k_min(1);
    common::v1::StartJobResponse response;
    const grpc::Status status = jobs_->StartJob(&context, Start("recluster", bad), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("spec.recluster.k_min"));
  }
  {
    grpc::ClientContext context;
    common::v1::CancelJobRequest cancel;
    cancel.set_job_id("analytics-9999999999");
    common::v1::CancelJobResponse response;
    EXPECT_EQ(jobs_->CancelJob(&context, cancel, &response).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext context;
    common::v1::ListJobsResponse jobs;
    ASSERT_TRUE(jobs_->ListJobs(&context, common::v1::ListJobsRequest(), &jobs).ok());
    ASSERT_EQ(jobs.jobs_size(), 2);
    EXPECT_EQ(jobs.jobs(0).kind(), "recluster");
  }
}

}  // namespace
}  // namespace clientele
