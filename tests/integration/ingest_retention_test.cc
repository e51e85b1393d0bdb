// Log retention through the gRPC service: GetLogInfo reports the first retained sequence, a
// subscriber that needs removed entries gets FAILED_PRECONDITION naming the consumer, the
// partition, the sequence it needs and the first retained one (and a metric counts it), and a
// LogConsumer that fell behind retention stops and reports it instead of skipping. Real
// RocksDB and real gRPC on 127.0.0.1:0; the sweeper's clock is injected.
#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/log/log_consumer.h"
#include "common/testing/poll.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/retention/retention_sweeper.h"
#include "tests/integration/ingest_server_fixture.h"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;

void IngestCustomers(ingest::v1::IngestService::Stub& stub, const std::string& prefix, int n) {
  grpc::ClientContext ctx;
  ingest::v1::IngestRequest req;
  for (int i = 0; i < n; ++i) {
    *req.add_events() = CustomerEvent(absl::StrCat(prefix, i), absl::StrCat(prefix, "c", i));
  }
  ingest::v1::IngestResponse resp;
  ASSERT_TRUE(stub.Ingest(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.accepted(), n);
}

void CommitProgress(ingest::v1::IngestService::Stub& stub, const std::string& consumer,
                    uint64_t applied) {
  grpc::ClientContext ctx;
  ingest::v1::CommitProgressRequest req;
  req.set_consumer(consumer);
  req.set_partition(0);
  req.set_applied_sequence(applied);
  ingest::v1::CommitProgressResponse resp;
  ASSERT_TRUE(stub.CommitProgress(&ctx, req, &resp).ok());
}

grpc::Status SubscribeOnce(ingest::v1::IngestService::Stub& stub, const std::string& consumer,
                           uint64_t from, int* entries) {
  grpc::ClientContext ctx;
  ingest::v1::SubscribeRequest req;
  req.set_partition(0);
  req.set_from_sequence(from);
  req.set_consumer(consumer);
  req.set_stop_at_end(true);
  auto reader = stub.Subscribe(&ctx, req);
  ingest::v1::SubscribeResponse resp;
  *entries = 0;
  while (reader->Read(&resp)) *entries += resp.entries_size();
  return reader->Finish();
}

ingest::v1::GetLogInfoResponse LogInfo(ingest::v1::IngestService::Stub& stub) {
  grpc::ClientContext ctx;
  ingest::v1::GetLogInfoResponse info;
  EXPECT_TRUE(stub.GetLogInfo(&ctx, ingest::v1::GetLogInfoRequest(), &info).ok());
  return info;
}

class IngestRetentionTest : public ::testing::Test {
 protected:
  IngestRetentionTest() : server_(dir_.Sub("ingest"), {}), stub_(server_.Stub()) {}

  // One sweep with every entry old enough (the events were ingested with the real clock).
  void SweepEverythingApplied() {
    ingest::RetentionOptions options;
    options.retention = absl::Seconds(1);
    options.clock = [] { return absl::Now() + absl::Hours(1); };
    ingest::RetentionSweeper sweeper(&server_.log(), &server_.consumers(), options,
                                     &server_.metrics());
    ASSERT_TRUE(sweeper.SweepOnce().ok());
  }

  TempDir dir_;
  IngestServer server_;
  std::unique_ptr<ingest::v1::IngestService::Stub> stub_;
};

TEST_F(IngestRetentionTest, GetLogInfoReportsTheFirstRetainedSequence) {
  IngestCustomers(*stub_, "a", 8);
  CommitProgress(*stub_, "identity", 5);
  SweepEverythingApplied();
  ingest::v1::GetLogInfoResponse info = LogInfo(*stub_);
  ASSERT_EQ(info.partitions_size(), 1);
  EXPECT_EQ(info.partitions(0).first_sequence(), 6u);
  EXPECT_EQ(info.partitions(0).last_sequence(), 8u);
  EXPECT_TRUE(info.partitions(0).data_loss().empty());
  EXPECT_THAT(server_.metrics().RenderText(),
              HasSubstr("clientele_ingest_log_retention_removed_total{partition=\"0\"} 5\n"));
  EXPECT_THAT(server_.metrics().RenderText(),
              HasSubstr("clientele_ingest_log_first_sequence{partition=\"0\"} 6\n"));
  int entries = 0;
  EXPECT_TRUE(SubscribeOnce(*stub_, "identity", 6, &entries).ok());
  EXPECT_EQ(entries, 3);
}

TEST_F(IngestRetentionTest, ASubscriberBehindRetentionGetsFailedPreconditionNamingEverything) {
  IngestCustomers(*stub_, "a", 8);
  CommitProgress(*stub_, "identity", 5);
  SweepEverythingApplied();
  int entries = -1;
  grpc::Status s = SubscribeOnce(*stub_, "analytics", 3, &entries);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("consumer 'analytics'"));
  EXPECT_THAT(s.error_message(), HasSubstr("needs sequence 3 of partition 0"));
  EXPECT_THAT(s.error_message(), HasSubstr("below sequence 6 (the first retained sequence)"));
  EXPECT_EQ(entries, 0);
  // "From the beginning" is below it too.
  EXPECT_EQ(SubscribeOnce(*stub_, "analytics", 0, &entries).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(server_.metrics().RenderText(),
              HasSubstr("clientele_ingest_subscribe_behind_retention_total{partition=\"0\"} 2\n"));
  // Not data loss: the partition still serves.
  EXPECT_TRUE(server_.log().Health().ok());
  EXPECT_TRUE(LogInfo(*stub_).partitions(0).data_loss().empty());
}

class CountingApplier final : public log::LogApplier {
 public:
  absl::Status Apply(uint32_t, absl::Span<const ingest::v1::LogEntry* const> entries,
                     storage::WriteBatch&) override {
    applied_ += static_cast<int>(entries.size());
    return absl::OkStatus();
  }
  int applied() const { return applied_; }

 private:
  std::atomic<int> applied_{0};
};

TEST_F(IngestRetentionTest, AConsumerBehindRetentionStopsAndReportsItInsteadOfSkipping) {
  IngestCustomers(*stub_, "a", 6);
  CommitProgress(*stub_, "identity", 4);
  SweepEverythingApplied();  // 1..4 are gone; "recommender" (below) never applied them.

  storage::RocksDbOptions db;
  db.path = dir_.Sub("consumer");
  db.column_families = {{"progress", false}};
  auto store = std::move(storage::OpenRocksDbStore(db)).value();
  CountingApplier applier;
  log::LogConsumerOptions options;
  options.name = "recommender";
  log::LogConsumer consumer(options, store.get(), &applier,
                            [&](uint32_t) { return server_.Channel(); });
  ASSERT_TRUE(consumer.Start().ok());
  ASSERT_TRUE(PollUntil([&] { return !consumer.Health().ok(); }, absl::Seconds(20)));
  EXPECT_EQ(consumer.Health().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(consumer.Health().message()),
              HasSubstr("consumer 'recommender' needs sequence 1 of partition 0"));
  // Reported to ingest, where `clientele sync` fails with it.
  ASSERT_TRUE(PollUntil(
      [&] {
        const ingest::v1::GetLogInfoResponse info = LogInfo(*stub_);
        for (const auto& c : info.consumers()) {
          if (c.consumer() == "recommender" && !c.error().empty()) return true;
        }
        return false;
      },
      absl::Seconds(20)));
  const ingest::v1::GetLogInfoResponse info = LogInfo(*stub_);
  for (const auto& c : info.consumers()) {
    if (c.consumer() != "recommender") continue;
    EXPECT_THAT(c.error(), HasSubstr("first retained sequence"));
    EXPECT_EQ(c.applied_sequence(), 0u);
  }
  consumer.Stop();
  EXPECT_EQ(applier.applied(), 0);  // Nothing skipped to: 5 and 6 were not applied either.
  EXPECT_EQ(consumer.applied_sequence(0), 0u);
}

}  // namespace
}  // namespace clientele::testing
