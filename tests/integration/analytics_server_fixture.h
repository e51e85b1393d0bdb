// The analytics component as clienteled wires it for integration tests: a real RocksDB in a
// temp dir, the "analytics" LogConsumer reading a real ingest, jobs, and AnalyticsService,
// JobService and AnalyticsPrivacy on a gRPC server on 127.0.0.1:0.
#ifndef CLIENTELE_TESTS_INTEGRATION_ANALYTICS_SERVER_FIXTURE_H_
#define CLIENTELE_TESTS_INTEGRATION_ANALYTICS_SERVER_FIXTURE_H_

#include <memory>
#include <string>

#include "analytics/analytics_applier.h"
#include "analytics/analytics_queries.h"
#include "analytics/analytics_schema.h"
#include "analytics/analytics_service.h"
#include "analytics/jobs/analytics_job_runner.h"
#include "analytics/jobs/job_manager.h"
#include "analytics/jobs/profile_directory.h"
#include "analytics/privacy/analytics_privacy_service.h"
#include "analytics/privacy/analytics_subject_data.h"
#include "analytics/state/analytics_store.h"
#include "clientele/analytics/v1/analytics.grpc.pb.h"
#include "clientele/common/v1/jobs.grpc.pb.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "common/jobs/job_registry.h"
#include "common/jobs/job_service.h"
#include "common/log/log_consumer.h"
#include "common/metrics/registry.h"
#include "common/server/grpc_server.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/integration/kafka_fixture.h"

namespace clientele::testing {

class AnalyticsServer {
 public:
  // Reads the embedded log through `ingest`, or, with `test_log`, that log (either backend,
  // kafka_fixture.h; ingest still takes progress and serves keys).
  AnalyticsServer(const std::string& path, std::shared_ptr<grpc::Channel> ingest,
                  const TestLog* test_log = nullptr) {
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
    subject_data_ = std::make_unique<analytics::AnalyticsSubjectData>(store_.get());
    privacy_ = std::make_unique<analytics::AnalyticsPrivacyServiceImpl>(subject_data_.get());
    server::ServerOptions so;
    so.listen = "127.0.0.1:0";
    so.shutdown_grace = absl::Seconds(2);
    server_ =
        std::move(server::GrpcServer::Start(
                      so, {service_.get(), job_service_.get(), privacy_.get()}, {}, &metrics_))
            .value();
    log::LogConsumerOptions options;
    options.name = "analytics";
    options.progress_cf = analytics::kMetaCf;
    log::ChannelForPartition channels = [ingest](uint32_t) { return ingest; };
    consumer_ =
        test_log != nullptr
            ? test_log->Consumer(options, kv_.get(), applier_.get(), channels)
            : std::make_unique<log::LogConsumer>(options, kv_.get(), applier_.get(), channels);
    EXPECT_THAT(consumer_->Start(), IsOk());
    EXPECT_THAT(jobs_->Start(), IsOk());
  }
  ~AnalyticsServer() {
    consumer_->Stop();
    jobs_->Stop();
    server_->Shutdown();
  }

  std::unique_ptr<analytics::v1::AnalyticsService::Stub> Stub() const {
    return analytics::v1::AnalyticsService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials()));
  }
  std::unique_ptr<common::v1::JobService::Stub> JobStub() const {
    return common::v1::JobService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials()));
  }
  std::unique_ptr<privacy::v1::AnalyticsPrivacy::Stub> PrivacyStub() const {
    return privacy::v1::AnalyticsPrivacy::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials()));
  }
  log::LogConsumer& consumer() { return *consumer_; }
  // Flushes the store's memtables to files (tests that read the files).
  absl::Status Flush() { return kv_->Flush(); }
  const storage::KvStore& kv() const { return *kv_; }

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
  std::unique_ptr<analytics::AnalyticsSubjectData> subject_data_;
  std::unique_ptr<analytics::AnalyticsPrivacyServiceImpl> privacy_;
  std::unique_ptr<server::GrpcServer> server_;
  std::unique_ptr<log::LogConsumer> consumer_;
};

}  // namespace clientele::testing

#endif  // CLIENTELE_TESTS_INTEGRATION_ANALYTICS_SERVER_FIXTURE_H_
