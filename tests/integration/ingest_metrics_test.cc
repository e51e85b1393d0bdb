// Ingest's metrics as Prometheus scrapes them: the consumer-lag gauge per consumer and
// partition, and the dead-letter counter. A real ingest server (RocksDB, gRPC on 127.0.0.1:0).
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log/log_consumer.h"
#include "common/testing/poll.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/ingest_server_fixture.h"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

void Ingest(ingest::v1::IngestService::Stub& stub, const std::vector<common::v1::Event>& events) {
  grpc::ClientContext ctx;
  ingest::v1::IngestRequest req;
  for (const auto& e : events) *req.add_events() = e;
  ingest::v1::IngestResponse resp;
  grpc::Status s = stub.Ingest(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
}

std::vector<common::v1::Event> Customers(int n, const std::string& prefix) {
  std::vector<common::v1::Event> events;
  for (int i = 0; i < n; ++i) {
    events.push_back(CustomerEvent(absl::StrCat(prefix, i), absl::StrCat(prefix, "c", i)));
  }
  return events;
}

void Commit(ingest::v1::IngestService::Stub& stub, const std::string& consumer, uint32_t partition,
            uint64_t applied) {
  grpc::ClientContext ctx;
  ingest::v1::CommitProgressRequest req;
  req.set_consumer(consumer);
  req.set_partition(partition);
  req.set_applied_sequence(applied);
  ingest::v1::CommitProgressResponse resp;
  grpc::Status s = stub.CommitProgress(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
}

std::string LagLine(const std::string& consumer, uint32_t partition, uint64_t lag) {
  return absl::StrCat("clientele_log_consumer_lag_events{consumer=\"", consumer, "\",partition=\"",
                      partition, "\"} ", lag, "\n");
}

class IngestMetricsTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(IngestMetricsTest, ConsumerLagIsEndOfPartitionMinusCommittedPosition) {
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  // No consumer yet: no series.
  EXPECT_THAT(server.metrics().RenderText(), Not(HasSubstr("clientele_log_consumer_lag_events")));

  Ingest(*stub, Customers(10, "a"));
  Commit(*stub, "identity", 0, 3);
  Commit(*stub, "analytics", 0, 10);
  std::string text = server.metrics().RenderText();
  EXPECT_THAT(text, HasSubstr("# TYPE clientele_log_consumer_lag_events gauge\n"));
  EXPECT_THAT(text, HasSubstr(LagLine("analytics", 0, 0) + LagLine("identity", 0, 7)));

  // Appends raise it, commits lower it: the value is current at every scrape.
  Ingest(*stub, Customers(5, "b"));
  text = server.metrics().RenderText();
  EXPECT_THAT(text, HasSubstr(LagLine("identity", 0, 12)));
  EXPECT_THAT(text, HasSubstr(LagLine("analytics", 0, 5)));
  Commit(*stub, "identity", 0, 15);
  EXPECT_THAT(server.metrics().RenderText(), HasSubstr(LagLine("identity", 0, 0)));

  // A removed consumer's series goes away.
  grpc::ClientContext ctx;
  ingest::v1::RemoveConsumerRequest remove;
  remove.set_consumer("analytics");
  ingest::v1::RemoveConsumerResponse removed;
  ASSERT_TRUE(stub->RemoveConsumer(&ctx, remove, &removed).ok());
  EXPECT_THAT(server.metrics().RenderText(), Not(HasSubstr("consumer=\"analytics\"")));
}

TEST_F(IngestMetricsTest, ConsumerLagHasASeriesPerOwnedPartition) {
  ingest::EventLogOptions options;
  options.partition_count = 2;
  IngestServer server(dir_.Sub("db"), options);
  auto stub = server.Stub();
  Ingest(*stub, Customers(40, "p"));
  const uint64_t end0 = server.log().LastSequence(0);
  const uint64_t end1 = server.log().LastSequence(1);
  ASSERT_GT(end0, 1u);
  ASSERT_GT(end1, 0u);
  Commit(*stub, "recommender", 0, 1);
  Commit(*stub, "recommender", 1, end1);
  const std::string text = server.metrics().RenderText();
  EXPECT_THAT(text, HasSubstr(LagLine("recommender", 0, end0 - 1)));
  EXPECT_THAT(text, HasSubstr(LagLine("recommender", 1, 0)));
}

// A real LogConsumer reports its progress: its lag falls to 0 once it has applied the log.
class CountingApplier final : public log::LogApplier {
 public:
  std::vector<common::v1::PayloadType> PayloadTypes() const override { return {}; }
  absl::Status Apply(uint32_t, absl::Span<const ingest::v1::LogEntry* const>,
                     storage::WriteBatch&) override {
    return absl::OkStatus();
  }
};

TEST_F(IngestMetricsTest, ConsumerLagOfARunningConsumerFallsToZero) {
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  Ingest(*stub, Customers(30, "r"));
  storage::RocksDbOptions db;
  db.path = dir_.Sub("consumer");
  db.column_families = {{"progress"}};
  std::unique_ptr<storage::KvStore> store = std::move(storage::OpenRocksDbStore(db)).value();
  CountingApplier applier;
  log::LogConsumerOptions options;
  options.name = "tester";
  options.progress_cf = 0;
  auto channel = server.Channel();
  log::LogConsumer consumer(options, store.get(), &applier,
                            [channel](uint32_t) { return channel; });
  ASSERT_TRUE(consumer.Start().ok());
  EXPECT_TRUE(PollUntil([&] {
    return absl::StrContains(server.metrics().RenderText(), LagLine("tester", 0, 0));
  })) << server.metrics().RenderText();
  consumer.Stop();
}

// An applier that holds every Apply until the gate opens.
class GatedApplier final : public log::LogApplier {
 public:
  absl::Status Apply(uint32_t, absl::Span<const ingest::v1::LogEntry* const> entries,
                     storage::WriteBatch&) override {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&open_));
    applied_ += static_cast<int>(entries.size());
    return absl::OkStatus();
  }
  void Open() {
    absl::MutexLock lock(&mu_);
    open_ = true;
  }

 private:
  absl::Mutex mu_;
  bool open_ ABSL_GUARDED_BY(mu_) = false;
  int applied_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST_F(IngestMetricsTest, AConsumerExportsItsOwnLagFromTheHeadItsStreamReports) {
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  Ingest(*stub, Customers(30, "h"));
  storage::RocksDbOptions db;
  db.path = dir_.Sub("consumer");
  db.column_families = {{"progress"}};
  std::unique_ptr<storage::KvStore> store = std::move(storage::OpenRocksDbStore(db)).value();
  GatedApplier applier;
  metrics::Registry consumer_metrics;  // The consumer's process, not ingest's.
  log::LogConsumerOptions options;
  options.name = "slow";
  options.progress_cf = 0;
  options.max_batch_events = 10;
  options.metrics = &consumer_metrics;
  auto channel = server.Channel();
  log::LogConsumer consumer(options, store.get(), &applier,
                            [channel](uint32_t) { return channel; });
  // No series before the first response.
  EXPECT_THAT(consumer_metrics.RenderText(), Not(HasSubstr("consumer=\"slow\"")));
  ASSERT_TRUE(consumer.Start().ok());
  // The applier holds the first batch: the whole log is behind.
  EXPECT_TRUE(PollUntil([&] {
    return absl::StrContains(consumer_metrics.RenderText(), LagLine("slow", 0, 30));
  })) << consumer_metrics.RenderText();
  EXPECT_EQ(consumer.lag(0), 30u);
  EXPECT_EQ(consumer.applied_sequence(0), 0u);
  applier.Open();
  EXPECT_TRUE(PollUntil([&] {
    return absl::StrContains(consumer_metrics.RenderText(), LagLine("slow", 0, 0));
  })) << consumer_metrics.RenderText();
  // Appends reach it through its stream: behind again until it applies them.
  Ingest(*stub, Customers(5, "later"));
  EXPECT_TRUE(PollUntil([&] { return consumer.applied_sequence(0) == 35; }));
  EXPECT_EQ(consumer.lag(0), 0u);
  consumer.Stop();
  // The series stays while the consumer exists (its last position), and goes with it.
  EXPECT_THAT(consumer_metrics.RenderText(), HasSubstr(LagLine("slow", 0, 0)));
}

TEST_F(IngestMetricsTest, DeadLettersAreACounter) {
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  std::vector<common::v1::Event> events = Customers(3, "d");
  events[1].clear_event_id();  // Rejected: kept as a dead letter.
  Ingest(*stub, events);
  const std::string text = server.metrics().RenderText();
  EXPECT_THAT(text, HasSubstr("# TYPE clientele_ingest_dead_letters_total counter\n"
                              "clientele_ingest_dead_letters_total 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("clientele_ingest_dead_letters ")));
}

}  // namespace
}  // namespace clientele::testing
