// The Kafka log backend against librdkafka's mock cluster (real Kafka protocol on TCP ports of
// 127.0.0.1): a broker down and back during an import loses no acknowledged event and applies
// none twice; injected produce errors come back as per-event UNAVAILABLE results (resent,
// then accepted, never lost, never recorded as seen before Kafka took them); sealed entries
// open on the consumer with the subject's key from ingest, and arrive erased once it is
// shredded. Consumer restarts from its stored offset are in log_consumer_test (Kafka variant).
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/log/log_consumer.h"
#include "common/storage/key_encoding.h"
#include "common/testing/poll.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/ingest_server_fixture.h"
#include "tests/integration/kafka_fixture.h"

namespace clientele::testing {
namespace {

constexpr int16_t kProduceApiKey = 0;  // Kafka protocol ApiKey of Produce.

// Counts how often each event id was applied (committed), and keeps the applied events.
class CountingApplier final : public log::LogApplier {
 public:
  absl::Status Apply(uint32_t partition, absl::Span<const ingest::v1::LogEntry* const> entries,
                     storage::WriteBatch& batch) override {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto* e : entries) {
      batch.Put(1, absl::StrCat(partition, "/", e->sequence()), e->event().event_id());
      pending_.push_back(*e);
    }
    return absl::OkStatus();
  }
  void OnCommitted(uint32_t, uint64_t) override {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& e : pending_) {
      ++counts_[e.event().event_id()];
      applied_.push_back(e);
    }
    pending_.clear();
  }
  void OnWriteFailed(uint32_t) override {
    std::lock_guard<std::mutex> l(mu_);
    pending_.clear();
  }
  std::map<std::string, int> counts() {
    std::lock_guard<std::mutex> l(mu_);
    return counts_;
  }
  std::vector<ingest::v1::LogEntry> applied() {
    std::lock_guard<std::mutex> l(mu_);
    return applied_;
  }

 private:
  std::mutex mu_;
  std::vector<ingest::v1::LogEntry> pending_, applied_;
  std::map<std::string, int> counts_;
};

std::unique_ptr<storage::KvStore> OpenConsumerStore(const std::string& path) {
  storage::RocksDbOptions db;
  db.path = path;
  db.column_families = {{"progress"}, {"state"}};
  return std::move(storage::OpenRocksDbStore(db)).value();
}

// Sends `events` until every one is accepted (or a duplicate of an earlier acceptance),
// resending those with OUTCOME_UNAVAILABLE; how many results were UNAVAILABLE.
// `attempts` (optional) counts the Ingest calls started.
int SendUntilAccepted(ingest::v1::IngestService::Stub& stub, std::vector<common::v1::Event> events,
                      std::atomic<int>* attempts = nullptr) {
  int unavailable = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(25);
  while (!events.empty() && absl::Now() < deadline) {
    if (attempts != nullptr) ++*attempts;
    ingest::v1::IngestResponse resp = Ingest(stub, events);
    std::vector<common::v1::Event> again;
    for (const ingest::v1::EventResult& r : resp.results()) {
      EXPECT_NE(r.outcome(), ingest::v1::EventResult::OUTCOME_REJECTED) << r.reason();
      if (r.outcome() == ingest::v1::EventResult::OUTCOME_UNAVAILABLE) {
        ++unavailable;
        again.push_back(events[static_cast<size_t>(r.index())]);
      }
    }
    events = std::move(again);
  }
  EXPECT_TRUE(events.empty()) << events.size() << " events never accepted";
  return unavailable;
}

TEST(KafkaLogTest, BrokerDownAndBackDuringAnImportLosesNothingAndAppliesNothingTwice) {
  TempDir dir;
  TestLog log(LogBackendParam::kKafka, /*partitions=*/1, /*brokers=*/3);
  // The partition's leader is broker 1: taking it down stops every produce until it is back.
  rd_kafka_mock_partition_set_leader(log.cluster().mock(), log.options().kafka_topic.c_str(), 0, 1);
  IngestServer server(dir.Sub("ingest"), log.Options());
  auto store = OpenConsumerStore(dir.Sub("consumer"));
  CountingApplier applier;
  log::LogConsumerOptions options;
  options.name = "counter";
  options.max_batch_events = 50;
  auto consumer =
      log.Consumer(options, store.get(), &applier, [&](uint32_t) { return server.Channel(); });
  ASSERT_TRUE(consumer->Start().ok());

  constexpr int kBatches = 40, kPerBatch = 25;
  std::atomic<int> batches_sent{0};
  std::atomic<int> unavailable{0};
  std::atomic<int> attempts{0};
  std::thread importer([&] {
    auto stub = server.Stub();
    for (int b = 0; b < kBatches; ++b) {
      std::vector<common::v1::Event> events;
      for (int i = 0; i < kPerBatch; ++i) {
        events.push_back(
            CustomerEvent(absl::StrCat("e", b, "_", i), absl::StrCat("c", b * kPerBatch + i)));
      }
      unavailable += SendUntilAccepted(*stub, events, &attempts);
      ++batches_sent;
    }
  });
  ASSERT_TRUE(PollUntil([&] { return batches_sent.load() >= 5; }));
  rd_kafka_mock_broker_set_down(log.cluster().mock(), 1);
  // The call in flight, or the next one, produces while the leader is down: it waits inside
  // librdkafka (for up to message.timeout.ms) until the leader is back.
  const int attempts_at_down = attempts.load();
  (void)PollUntil([&] { return attempts.load() > attempts_at_down; }, absl::Seconds(2));
  const int sent_while_down = batches_sent.load();
  rd_kafka_mock_broker_set_up(log.cluster().mock(), 1);
  importer.join();
  EXPECT_LT(sent_while_down, kBatches);  // The leader went down mid-import.
  ASSERT_EQ(batches_sent.load(), kBatches);

  const uint64_t end = server.log().LastSequence(0);
  ASSERT_GE(end, static_cast<uint64_t>(kBatches * kPerBatch));
  ASSERT_TRUE(consumer->WaitForApplied(0, end, absl::Now() + absl::Seconds(25)));
  consumer->Stop();
  std::map<std::string, int> counts = applier.counts();
  EXPECT_EQ(counts.size(), static_cast<size_t>(kBatches * kPerBatch));
  for (const auto& [id, n] : counts) EXPECT_EQ(n, 1) << id << " applied " << n << " times";
  // Kafka holds each event once (the idempotent producer's retries do not duplicate).
  EXPECT_EQ(end, static_cast<uint64_t>(kBatches * kPerBatch));
}

TEST(KafkaLogTest, InjectedProduceErrorsAreUnavailableResultsThatAResendDelivers) {
  TempDir dir;
  TestLog log(LogBackendParam::kKafka, /*partitions=*/1, /*brokers=*/1);
  IngestServer server(dir.Sub("ingest"), log.Options());
  auto stub = server.Stub();
  // Warm up: the producer has its idempotence state and the partition's leader.
  ASSERT_EQ(SendUntilAccepted(*stub, {CustomerEvent("warm", "c0")}), 0);
  // The broker refuses the next produce requests with an error librdkafka does not retry
  // (a topic-level one, e.g. authorization, would fail the topic until its metadata refresh).
  rd_kafka_mock_push_request_errors(
      log.cluster().mock(), kProduceApiKey, 3, RD_KAFKA_RESP_ERR_INVALID_RECORD,
      RD_KAFKA_RESP_ERR_INVALID_RECORD, RD_KAFKA_RESP_ERR_INVALID_RECORD);
  std::vector<common::v1::Event> events;
  for (int i = 0; i < 10; ++i) {
    events.push_back(CustomerEvent(absl::StrCat("e", i), absl::StrCat("c", i + 1)));
  }
  ingest::v1::IngestResponse first = Ingest(*stub, events);
  ASSERT_EQ(first.results_size(), 10);
  EXPECT_GT(first.unavailable(), 0);
  for (const ingest::v1::EventResult& r : first.results()) {
    if (r.outcome() != ingest::v1::EventResult::OUTCOME_UNAVAILABLE) continue;
    EXPECT_EQ(r.code(), "unavailable");
    EXPECT_THAT(r.reason(), ::testing::HasSubstr("resend"));
  }
  // Resent, they are accepted (not duplicates: an event Kafka did not take was not recorded).
  rd_kafka_mock_clear_request_errors(log.cluster().mock(), kProduceApiKey);
  std::vector<common::v1::Event> again;
  for (const ingest::v1::EventResult& r : first.results()) {
    if (r.outcome() == ingest::v1::EventResult::OUTCOME_UNAVAILABLE) {
      again.push_back(events[static_cast<size_t>(r.index())]);
    }
  }
  ingest::v1::IngestResponse second = Ingest(*stub, again);
  EXPECT_EQ(second.accepted(), static_cast<int64_t>(again.size()))
      << (second.results_size() > 0 ? second.results(0).reason() : "");
  EXPECT_EQ(second.duplicates(), 0);
  // A resend of everything now: all duplicates, with their Kafka positions.
  ingest::v1::IngestResponse third = Ingest(*stub, events);
  EXPECT_EQ(third.duplicates(), 10);

  auto store = OpenConsumerStore(dir.Sub("consumer"));
  CountingApplier applier;
  log::LogConsumerOptions options;
  options.name = "counter";
  auto consumer =
      log.Consumer(options, store.get(), &applier, [&](uint32_t) { return server.Channel(); });
  ASSERT_TRUE(consumer->Start().ok());
  const uint64_t end = server.log().LastSequence(0);
  EXPECT_EQ(end, 11u);
  ASSERT_TRUE(consumer->WaitForApplied(0, end, absl::Now() + absl::Seconds(25)));
  consumer->Stop();
  std::map<std::string, int> counts = applier.counts();
  EXPECT_EQ(counts.size(), 11u);
  for (const auto& [id, n] : counts) EXPECT_EQ(n, 1) << id;
  // The results named the positions the consumer saw.
  for (const ingest::v1::EventResult& r : third.results()) {
    bool found = false;
    for (const ingest::v1::LogEntry& e : applier.applied()) {
      if (e.event().event_id() == r.event_id()) {
        EXPECT_EQ(e.sequence(), r.sequence()) << r.event_id();
        found = true;
      }
    }
    EXPECT_TRUE(found) << r.event_id();
  }
}

TEST(KafkaLogTest, SealedEntriesOpenWithTheSubjectsKeyAndArriveErasedOnceItIsShredded) {
  TempDir dir;
  TestLog log(LogBackendParam::kKafka, /*partitions=*/1, /*brokers=*/1);
  IngestServer server(dir.Sub("ingest"), log.Options(), 0, dir.Sub("keys"));
  auto stub = server.Stub();
  ASSERT_EQ(SendUntilAccepted(*stub, {CustomerEvent("a", "c1", "ayse@example.com"),
                                      CustomerEvent("b", "c2", "mehmet@example.com")}),
            0);
  auto read_all = [&](const std::string& name) {
    auto store = OpenConsumerStore(dir.Sub(name));
    CountingApplier applier;
    log::LogConsumerOptions options;
    options.name = name;
    auto consumer =
        log.Consumer(options, store.get(), &applier, [&](uint32_t) { return server.Channel(); });
    EXPECT_TRUE(consumer->Start().ok());
    EXPECT_TRUE(consumer->WaitForApplied(0, 2, absl::Now() + absl::Seconds(25)));
    consumer->Stop();
    return applier.applied();
  };
  std::vector<ingest::v1::LogEntry> before = read_all("before");
  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(before[0].event().customer_upsert().email(), "ayse@example.com");
  EXPECT_EQ(before[0].sequence(), 1u);
  EXPECT_EQ(before[1].event().customer_upsert().email(), "mehmet@example.com");
  common::v1::SourceKey c1;
  c1.set_system("web_shop");
  c1.set_id("c1");
  ASSERT_TRUE(server.log().EraseSubjects({c1}, "req-1", absl::Now()).ok());
  std::vector<ingest::v1::LogEntry> after = read_all("after");
  ASSERT_EQ(after.size(), 1u);  // c1's entry arrives erased: never applied.
  EXPECT_EQ(after[0].event().event_id(), "b");
  EXPECT_EQ(after[0].sequence(), 2u);
}

}  // namespace
}  // namespace clientele::testing
