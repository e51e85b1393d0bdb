// The analytics service against a real ingest server: the Online Retail slice is imported
// through IngestService, the "analytics" LogConsumer applies it to a real RocksDB, and rfm and
// recluster jobs run and answer over a real gRPC server on 127.0.0.1:0.
#include <filesystem>
#include <fstream>
#include <iterator>
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
#include "common/testing/store_scan.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/import/importer.h"
#include "nlohmann/json.hpp"
#include "tests/integration/analytics_server_fixture.h"
#include "tests/integration/ingest_server_fixture.h"

namespace clientele {
namespace {

using ::clientele::testing::CountFilesContaining;
using ::clientele::testing::RowsContaining;

namespace v1 = analytics::v1;
using ::clientele::testing::IsOk;
using ::clientele::testing::PollUntil;
using ::testing::HasSubstr;

using ::clientele::testing::AnalyticsServer;

// Every test runs against the embedded log and Kafka.
class AnalyticsIntegrationTest
    : public ::testing::TestWithParam<::clientele::testing::LogBackendParam> {
 protected:
  AnalyticsIntegrationTest()
      : log_(GetParam()),
        ingest_(dir_.Sub("ingest"), log_.Options()),
        analytics_(dir_.Sub("analytics"), ingest_.Channel(), &log_),
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

  void RunJob(const std::string& kind, const v1::JobSpec& spec) {
    common::v1::StartJobResponse started;
    grpc::ClientContext context;
    ASSERT_TRUE(jobs_->StartJob(&context, Start(kind, spec), &started).ok());
    v1::JobResult result;
    const common::v1::Job job = WaitFinished(started.job().job_id(), &result);
    ASSERT_EQ(job.state(), common::v1::JOB_STATE_SUCCEEDED) << job.error();
  }

  grpc::Status Analytics(const std::string& id, v1::GetCustomerAnalyticsResponse* response) {
    v1::GetCustomerAnalyticsRequest request;
    request.mutable_source_key()->set_system("online_retail");
    request.mutable_source_key()->set_id(id);
    grpc::ClientContext context;
    return stub_->GetCustomerAnalytics(&context, request, response);
  }

  int OrderCount(const std::string& id) {
    v1::ListCustomerOrdersRequest request;
    request.set_limit(1000);
    request.add_source_keys()->set_system("online_retail");
    request.mutable_source_keys(0)->set_id(id);
    grpc::ClientContext context;
    v1::ListCustomerOrdersResponse response;
    EXPECT_TRUE(stub_->ListCustomerOrders(&context, request, &response).ok());
    return response.orders_size();
  }

  // A subject as identity resolves a source key without a profile of several members.
  static privacy::v1::Subject Subject(const std::string& id) {
    privacy::v1::Subject subject;
    subject.add_source_keys()->set_system("online_retail");
    subject.mutable_source_keys(0)->set_id(id);
    subject.add_profile_ids("online_retail/" + id);
    return subject;
  }

  ::clientele::testing::TempDir dir_;
  ::clientele::testing::TestLog log_;
  ::clientele::testing::IngestServer ingest_;
  AnalyticsServer analytics_;
  std::unique_ptr<v1::AnalyticsService::Stub> stub_;
  std::unique_ptr<common::v1::JobService::Stub> jobs_;
};

TEST_P(AnalyticsIntegrationTest, ImportConsumeScoreClusterAndQuery) {
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

// Erasure of one customer: every row of theirs in every column family and model version is
// gone (NOT_FOUND, no orders, no byte in any file of the store), the others are unchanged, and
// erasing again deletes nothing. The export before erasure has every part.
TEST_P(AnalyticsIntegrationTest, EraseSubjectDataLeavesNothingOfTheCustomer) {
  ImportSample();
  // Attributes of the erased customer (analytics keeps the attributes, not the e-mail).
  const std::string email = "erase.me@example.com", attribute = "tangerine-velvet";
  {
    ingest::v1::IngestRequest request;
    common::v1::Event* event = request.add_events();
    event->set_event_id("customer/online_retail/12431");
    event->set_channel(common::v1::CHANNEL_ONLINE_SHOP);
    event->mutable_source()->set_system("online_retail");
    event->mutable_source()->set_id("12431");
    event->mutable_occurred_at()->set_seconds(1300000000);
    event->mutable_customer_upsert()->set_email(email);
    (*event->mutable_customer_upsert()->mutable_attributes())["favourite_colour"].set_string_value(
        attribute);
    grpc::ClientContext context;
    ingest::v1::IngestResponse response;
    ASSERT_TRUE(ingest_.Stub()->Ingest(&context, request, &response).ok());
    ASSERT_EQ(response.accepted(), 1) << response.DebugString();
  }
  const uint64_t last = ingest_.log().LastSequence(0);
  ASSERT_TRUE(analytics_.consumer().WaitForApplied(0, last, absl::Now() + absl::Seconds(60)));
  v1::JobSpec rfm;
  rfm.mutable_rfm();
  ASSERT_NO_FATAL_FAILURE(RunJob("rfm", rfm));
  v1::JobSpec recluster;
  recluster.mutable_recluster()->set_k(3);
  recluster.mutable_recluster()->set_n_init(2);
  ASSERT_NO_FATAL_FAILURE(RunJob("recluster", recluster));
  // A second RFM version: rows of older versions are erased too.
  ASSERT_NO_FATAL_FAILURE(RunJob("rfm", rfm));

  const std::string erased = "12431", kept = "17850";
  v1::GetCustomerAnalyticsResponse kept_before;
  ASSERT_TRUE(Analytics(kept, &kept_before).ok());
  v1::GetCustomerAnalyticsResponse erased_before;
  ASSERT_TRUE(Analytics(erased, &erased_before).ok());
  ASSERT_GE(erased_before.cluster(), 0);
  ASSERT_EQ(OrderCount(erased), 2);
  const int kept_orders = OrderCount(kept);
  ASSERT_GT(kept_orders, 0);

  auto privacy = analytics_.PrivacyStub();
  {
    grpc::ClientContext context;
    privacy::v1::ExportSubjectDataRequest request;
    *request.mutable_subject() = Subject(erased);
    privacy::v1::ExportSubjectDataResponse response;
    ASSERT_TRUE(privacy->ExportSubjectData(&context, request, &response).ok());
    const nlohmann::json json = nlohmann::json::parse(response.json());
    ASSERT_EQ(json["orders"].size(), 2u);
    EXPECT_EQ(json["orders"][0]["customer"]["id"], erased);
    EXPECT_EQ(json["rfm"]["profile_id"], "online_retail/" + erased);
    EXPECT_EQ(json["rfm"]["frequency"], "2");  // int64: a JSON string.
    EXPECT_EQ(json["segment"]["segment"], erased_before.rfm().segment());
    EXPECT_EQ(json["cluster"].value("cluster", -1), erased_before.cluster());
  }
  ASSERT_THAT(analytics_.Flush(), IsOk());
  const std::string store_dir = dir_.Sub("analytics");
  const int cfs = static_cast<int>(analytics::AnalyticsColumnFamilies().size());
  // The scans are not blind: before erasure the customer's id is in the files and the rows.
  ASSERT_GE(CountFilesContaining(store_dir, erased), 1);
  ASSERT_GE(RowsContaining(analytics_.kv(), cfs, erased), 1);
  ASSERT_EQ(RowsContaining(analytics_.kv(), cfs, attribute), 1);

  privacy::v1::EraseSubjectDataRequest erase;
  erase.set_request_id("privacy-1");
  *erase.add_subjects() = Subject(erased);
  {
    grpc::ClientContext context;
    privacy::v1::EraseSubjectDataResponse response;
    const grpc::Status status = privacy->EraseSubjectData(&context, erase, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    // Aggregate, attributes, 2 orders, and RFM rows of 2 versions and a cluster row.
    EXPECT_EQ(response.keys_deleted(), 7);
  }
  v1::GetCustomerAnalyticsResponse after;
  const grpc::Status gone = Analytics(erased, &after);
  EXPECT_EQ(gone.error_code(), grpc::StatusCode::NOT_FOUND) << gone.error_message();
  EXPECT_EQ(OrderCount(erased), 0);
  v1::GetCustomerAnalyticsResponse kept_after;
  ASSERT_TRUE(Analytics(kept, &kept_after).ok());
  EXPECT_EQ(kept_after.SerializeAsString(), kept_before.SerializeAsString());
  EXPECT_EQ(OrderCount(kept), kept_orders);

  // No file holds a byte of the id (write-ahead log, SST files, MANIFEST; the scan of
  // compressed blocks is weak, hence the rows too), and no row of any column family has it.
  EXPECT_EQ(CountFilesContaining(store_dir, erased), 0);
  EXPECT_EQ(RowsContaining(analytics_.kv(), cfs, erased), 0);
  EXPECT_GE(RowsContaining(analytics_.kv(), cfs, kept), 1);
  for (const std::string& value : {attribute, email}) {
    EXPECT_EQ(CountFilesContaining(store_dir, value), 0) << value;
    EXPECT_EQ(RowsContaining(analytics_.kv(), cfs, value), 0) << value;
  }

  // Idempotent: nothing left to delete.
  {
    grpc::ClientContext context;
    privacy::v1::EraseSubjectDataResponse response;
    ASSERT_TRUE(privacy->EraseSubjectData(&context, erase, &response).ok());
    EXPECT_EQ(response.keys_deleted(), 0);
  }
  {
    grpc::ClientContext context;
    privacy::v1::ExportSubjectDataRequest request;
    *request.mutable_subject() = Subject(erased);
    privacy::v1::ExportSubjectDataResponse response;
    ASSERT_TRUE(privacy->ExportSubjectData(&context, request, &response).ok());
    EXPECT_EQ(nlohmann::json::parse(response.json()),
              nlohmann::json::parse(R"({"orders": [], "rfm": {}, "segment": {}, "cluster": {}})"));
  }
  // A source key without an id is refused, naming the field.
  {
    grpc::ClientContext context;
    privacy::v1::EraseSubjectDataRequest bad;
    bad.add_subjects()->add_source_keys()->set_system("online_retail");
    privacy::v1::EraseSubjectDataResponse response;
    const grpc::Status status = privacy->EraseSubjectData(&context, bad, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("subjects[0].source_keys[0]"));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, AnalyticsIntegrationTest,
                         ::testing::Values(::clientele::testing::LogBackendParam::kEmbedded,
                                           ::clientele::testing::LogBackendParam::kKafka),
                         ::clientele::testing::LogBackendName);

}  // namespace
}  // namespace clientele
