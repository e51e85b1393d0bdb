// Issue 12, defect 12 (a): analytics and the recommender must not use the source key ->
// profile map of an identity that has not yet applied the log as far as they have (identity
// replaying the log after its store was rebuilt). Real ingest, identity and analytics
// (RocksDB in temp dirs, gRPC on 127.0.0.1:0); identity's consumer starts only when the test
// says, so identity is deterministically behind analytics until then.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "analytics/analytics_applier.h"
#include "analytics/analytics_schema.h"
#include "analytics/jobs/identity_profiles.h"
#include "analytics/jobs/profile_figures.h"
#include "analytics/state/analytics_store.h"
#include "common/log/log_consumer.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/client/grpc_identity_client.h"
#include "identity/identity_applier.h"
#include "identity/identity_service.h"
#include "tests/identity/resolution/resolver_test_util.h"
#include "tests/integration/ingest_server_fixture.h"
#include "tests/integration/kafka_fixture.h"

namespace clientele {
namespace {

using ::clientele::identity::testing::Key;
using ::clientele::identity::testing::OrderOf;
using ::clientele::identity::testing::Person;
using ::clientele::identity::testing::Upsert;
using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// identity::LogProgress over a LogConsumer, as identity/identity_component.cc provides it.
class ConsumerProgress final : public identity::LogProgress {
 public:
  explicit ConsumerProgress(const log::LogConsumer* consumer) : consumer_(consumer) {}
  std::vector<std::pair<uint32_t, uint64_t>> Applied() const override {
    return {{0, consumer_->applied_sequence(0)}};
  }
  bool WaitForApplied(uint32_t partition, uint64_t sequence, absl::Time deadline) const override {
    return consumer_->WaitForApplied(partition, sequence, deadline);
  }

 private:
  const log::LogConsumer* const consumer_;
};

// Identity with its consumer created but started only by StartConsumer().
class LaggingIdentity {
 public:
  // Reads `log` (either backend, tests/integration/kafka_fixture.h).
  LaggingIdentity(const std::string& dir, std::shared_ptr<grpc::Channel> ingest,
                  const clientele::testing::TestLog& log) {
    storage::RocksDbOptions db;
    db.path = dir;
    db.column_families = identity::IdentityColumnFamilies();
    store_ = std::move(storage::OpenRocksDbStore(db)).value();
    resolver_ = std::move(identity::Resolver::Open(
                              store_.get(), std::make_unique<identity::FellegiSunterMatcher>(),
                              identity::ResolverOptions()))
                    .value();
    applier_ = std::make_unique<identity::IdentityApplier>(resolver_.get());
    log::LogConsumerOptions options;
    options.name = "identity";
    options.progress_cf = identity::kProgressCf;
    consumer_ =
        log.Consumer(options, store_.get(), applier_.get(), [ingest](uint32_t) { return ingest; });
    progress_ = std::make_unique<ConsumerProgress>(consumer_.get());
    service_ = std::make_unique<identity::IdentityServiceImpl>(resolver_.get());
    service_->SetLogProgress(progress_.get());
    server::ServerOptions so;
    so.listen = "127.0.0.1:0";
    so.shutdown_grace = absl::Seconds(2);
    server_ = std::move(server::GrpcServer::Start(so, {service_.get()}, {}, nullptr)).value();
  }
  ~LaggingIdentity() {
    consumer_->Stop();
    server_->Shutdown();
  }
  void StartConsumer() { ASSERT_THAT(consumer_->Start(), IsOk()); }
  std::shared_ptr<grpc::Channel> Channel() const {
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                               grpc::InsecureChannelCredentials());
  }

 private:
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<identity::Resolver> resolver_;
  std::unique_ptr<identity::IdentityApplier> applier_;
  std::unique_ptr<log::LogConsumer> consumer_;
  std::unique_ptr<ConsumerProgress> progress_;
  std::unique_ptr<identity::IdentityServiceImpl> service_;
  std::unique_ptr<server::GrpcServer> server_;
};

class NoControl final : public analytics::JobControl {
 public:
  bool cancelled() const override { return false; }
  void SetProgress(double, const std::string&) override {}
};

// Every test runs against the embedded log and Kafka.
class IdentityCatchUpTest : public ::testing::TestWithParam<clientele::testing::LogBackendParam> {
 protected:
  IdentityCatchUpTest()
      : log_(GetParam()),
        ingest_(dir_.Sub("ingest"), log_.Options()),
        identity_(dir_.Sub("identity"), ingest_.Channel(), log_) {
    storage::RocksDbOptions db;
    db.path = dir_.Sub("analytics");
    db.column_families = analytics::AnalyticsColumnFamilies();
    kv_ = std::move(storage::OpenRocksDbStore(db)).value();
    store_ = std::make_unique<analytics::AnalyticsStore>(kv_.get());
    applier_ = std::make_unique<analytics::AnalyticsApplier>(store_.get());
    log::LogConsumerOptions options;
    options.name = "analytics";
    options.progress_cf = analytics::kMetaCf;
    std::shared_ptr<grpc::Channel> channel = ingest_.Channel();
    consumer_ =
        log_.Consumer(options, kv_.get(), applier_.get(), [channel](uint32_t) { return channel; });
    EXPECT_THAT(consumer_->Start(), IsOk());
  }
  ~IdentityCatchUpTest() override { consumer_->Stop(); }

  // One person on two channels (web_shop:w1 and pos:p1, same e-mail and name), another on
  // one (web_shop:w2); an order for each source key. Waits until analytics applied them.
  void IngestCustomers() {
    const Person ayse{"ayse.yilmaz@example.com", "+90 532 111 2233", "Ayşe", "Yılmaz", 1980, 5, 17};
    const Person emre{"emre.kaya@example.com", "+90 533 444 5566", "Emre", "Kaya", 1975, 2, 3};
    std::vector<common::v1::Event> events = {
        Upsert("web_shop", "w1", ayse), Upsert("pos", "p1", ayse),
        Upsert("web_shop", "w2", emre), OrderOf("web_shop", "w1", "o1"),
        OrderOf("pos", "p1", "o2"),     OrderOf("web_shop", "w2", "o3")};
    ingest::v1::IngestRequest request;
    for (const auto& e : events) *request.add_events() = e;
    grpc::ClientContext context;
    ingest::v1::IngestResponse response;
    ASSERT_TRUE(ingest_.Stub()->Ingest(&context, request, &response).ok());
    ASSERT_EQ(response.accepted(), static_cast<int64_t>(events.size()));
    end_ = ingest_.log().LastSequence(0);
    ASSERT_TRUE(consumer_->WaitForApplied(0, end_, absl::Now() + absl::Seconds(30)));
  }

  analytics::IdentityProfiles Directory(absl::Duration catch_up_wait) {
    const log::LogConsumer* consumer = consumer_.get();
    identity::GrpcIdentityClientOptions options;
    options.map_timeout = absl::Seconds(30);
    return analytics::IdentityProfiles(
        std::make_shared<identity::GrpcIdentityClient>(identity_.Channel(), options),
        [consumer]() -> absl::StatusOr<identity::LogPositions> {
          return identity::LogPositions{{0, consumer->applied_sequence(0)}};
        },
        catch_up_wait);
  }

  absl::StatusOr<std::vector<analytics::ProfileFigures>> Collect(
      analytics::ProfileDirectory& directory) {
    NoControl control;
    return analytics::CollectProfiles(*store_, directory, analytics::RfmConvention::kNotebook,
                                      control, 0, 1);
  }

  clientele::testing::TempDir dir_;
  clientele::testing::TestLog log_;
  clientele::testing::IngestServer ingest_;
  LaggingIdentity identity_;
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<analytics::AnalyticsStore> store_;
  std::unique_ptr<analytics::AnalyticsApplier> applier_;
  std::unique_ptr<log::LogConsumer> consumer_;
  uint64_t end_ = 0;
};

TEST_P(IdentityCatchUpTest, RfmFailsUnavailableWhileIdentityIsBehindInsteadOfRawSourceKeys) {
  IngestCustomers();
  // Identity has applied nothing: the old code answered with three profiles keyed by raw
  // source keys ("web_shop/w1", "pos/p1", "web_shop/w2").
  analytics::IdentityProfiles directory = Directory(absl::Milliseconds(200));
  EXPECT_THAT(Collect(directory),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("identity"), HasSubstr("partition 0"),
                             HasSubstr("applied through sequence 0"),
                             HasSubstr("the caller through " + std::to_string(end_)))));
}

TEST_P(IdentityCatchUpTest, RfmWaitsForIdentityToCatchUpAndKeysRowsByProfile) {
  IngestCustomers();
  analytics::IdentityProfiles directory = Directory(absl::Seconds(60));
  absl::StatusOr<std::vector<analytics::ProfileFigures>> profiles;
  std::thread job([&] { profiles = Collect(directory); });
  identity_.StartConsumer();  // Identity replays the log while the job waits for it.
  job.join();
  ASSERT_THAT(profiles, IsOk());
  ASSERT_THAT(*profiles, SizeIs(2));
  for (const analytics::ProfileFigures& p : *profiles) {
    EXPECT_THAT(p.profile_id, ::testing::Not(HasSubstr(":"))) << "a raw source key";
    EXPECT_TRUE(p.rfm.has_value()) << p.profile_id;
  }
  const analytics::ProfileFigures& pair =
      profiles->at(0).members.size() == 2 ? profiles->at(0) : profiles->at(1);
  ASSERT_THAT(pair.members, SizeIs(2));
  EXPECT_EQ(pair.members[0].system(), "pos");
  EXPECT_EQ(pair.members[1].id(), "w1");
}

TEST_P(IdentityCatchUpTest, ACancelledJobStopsWaitingForIdentity) {
  IngestCustomers();
  analytics::IdentityProfiles directory = Directory(absl::Minutes(10));
  std::atomic<bool> cancel{false};
  absl::StatusOr<analytics::ProfileMap> map;
  std::thread job([&] { map = directory.GetProfileMap([&cancel] { return cancel.load(); }); });
  cancel = true;  // As JobManager::Stop or CancelJob would; the wait ends within a slice.
  job.join();
  EXPECT_THAT(map, StatusIs(absl::StatusCode::kCancelled, HasSubstr("catching up")));
}

TEST_P(IdentityCatchUpTest, CaughtUpCheckNamesBothPositionsThenPasses) {
  IngestCustomers();
  const identity::LogPositions caller = {{0, end_}};
  identity::GrpcIdentityClient client(identity_.Channel());
  EXPECT_THAT(client.CheckCaughtUp(caller, absl::ZeroDuration()),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("identity"), HasSubstr("partition 0"),
                             HasSubstr("the caller through " + std::to_string(end_)))));
  identity_.StartConsumer();
  EXPECT_THAT(client.CheckCaughtUp(caller, absl::Seconds(60)), IsOk());
}

INSTANTIATE_TEST_SUITE_P(Backends, IdentityCatchUpTest,
                         ::testing::Values(clientele::testing::LogBackendParam::kEmbedded,
                                           clientele::testing::LogBackendParam::kKafka),
                         clientele::testing::LogBackendName);

}  // namespace
}  // namespace clientele
