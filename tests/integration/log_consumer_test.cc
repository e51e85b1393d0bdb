// The reusable log consumer against a real ingest server: applies in order, filters,
// commits progress atomically with its state, and reconnects after the server restarts. Every
// test runs against both log backends: the embedded log (ingest's Subscribe) and Kafka
// (librdkafka's mock cluster, tests/integration/kafka_fixture.h).
#include "common/log/log_consumer.h"

#include <atomic>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/storage/key_encoding.h"
#include "common/testing/poll.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/ingest_server_fixture.h"
#include "tests/integration/kafka_fixture.h"

namespace clientele::testing {
namespace {

// Records applied event ids in its store (cf 1) and in memory.
class ListApplier final : public log::LogApplier {
 public:
  explicit ListApplier(std::vector<common::v1::PayloadType> types = {})
      : types_(std::move(types)) {}
  std::vector<common::v1::PayloadType> PayloadTypes() const override { return types_; }
  absl::Status Apply(uint32_t partition, absl::Span<const ingest::v1::LogEntry* const> entries,
                     storage::WriteBatch& batch) override {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto* e : entries) {
      batch.Put(1, absl::StrCat(partition, "/", e->sequence()), e->event().event_id());
      pending_.push_back(e->event().event_id());
    }
    return absl::OkStatus();
  }
  void OnCommitted(uint32_t, uint64_t) override {
    std::lock_guard<std::mutex> l(mu_);
    ids_.insert(ids_.end(), pending_.begin(), pending_.end());
    pending_.clear();
  }
  std::vector<std::string> ids() {
    std::lock_guard<std::mutex> l(mu_);
    return ids_;
  }

 private:
  const std::vector<common::v1::PayloadType> types_;
  std::mutex mu_;
  std::vector<std::string> pending_, ids_;
};

void Ingest(ingest::v1::IngestService::Stub& stub, const std::vector<common::v1::Event>& events) {
  grpc::ClientContext ctx;
  ingest::v1::IngestRequest req;
  for (const auto& e : events) *req.add_events() = e;
  ingest::v1::IngestResponse resp;
  ASSERT_TRUE(stub.Ingest(&ctx, req, &resp).ok());
}

std::unique_ptr<storage::KvStore> OpenConsumerStore(const std::string& path) {
  storage::RocksDbOptions db;
  db.path = path;
  db.column_families = {{"progress"}, {"state"}};
  return std::move(storage::OpenRocksDbStore(db)).value();
}

class LogConsumerTest : public ::testing::TestWithParam<LogBackendParam> {
 protected:
  TestLog log_{GetParam()};
};

TEST_P(LogConsumerTest, AppliesEveryEventInOrderAndResumesFromStoredProgress) {
  TempDir dir;
  IngestServer server(dir.Sub("ingest"), log_.Options());
  auto stub = server.Stub();
  std::vector<std::string> expected;
  std::vector<common::v1::Event> events;
  for (int i = 0; i < 30; ++i) {
    events.push_back(CustomerEvent(absl::StrCat("e", i), absl::StrCat("c", i)));
    expected.push_back(absl::StrCat("e", i));
  }
  Ingest(*stub, events);
  auto store = OpenConsumerStore(dir.Sub("consumer"));
  log::LogConsumerOptions options;
  options.name = "lister";
  options.max_batch_events = 8;
  {
    ListApplier applier;
    auto consumer =
        log_.Consumer(options, store.get(), &applier, [&](uint32_t) { return server.Channel(); });
    ASSERT_TRUE(consumer->Start().ok());
    ASSERT_TRUE(consumer->WaitForApplied(0, 30, absl::Now() + absl::Seconds(30)));
    consumer->Stop();
    EXPECT_EQ(applier.ids(), expected);
  }
  // A new consumer on the same store continues after 30: it sees only new events.
  Ingest(*stub, {CustomerEvent("late", "c99")});
  ListApplier applier;
  auto consumer =
      log_.Consumer(options, store.get(), &applier, [&](uint32_t) { return server.Channel(); });
  ASSERT_TRUE(consumer->Start().ok());
  ASSERT_TRUE(consumer->WaitForApplied(0, 31, absl::Now() + absl::Seconds(30)));
  EXPECT_THAT(applier.ids(), ::testing::ElementsAre("late"));
  auto stored = store->Get(0, log::LogConsumer::ProgressKey("lister", 0));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ(storage::DecodeUint64(**stored), 31u);
}

TEST_P(LogConsumerTest, FilteredConsumerStillAdvancesToTheEnd) {
  TempDir dir;
  IngestServer server(dir.Sub("ingest"), log_.Options());
  Ingest(*server.Stub(), {CustomerEvent("c", "c1"), OrderEvent("o1", "o1", "c1"),
                          OrderEvent("o2", "o2", ""), CustomerEvent("d", "c2")});
  auto store = OpenConsumerStore(dir.Sub("consumer"));
  ListApplier applier({common::v1::PAYLOAD_TYPE_ORDER});
  log::LogConsumerOptions options;
  options.name = "orders";
  auto consumer =
      log_.Consumer(options, store.get(), &applier, [&](uint32_t) { return server.Channel(); });
  ASSERT_TRUE(consumer->Start().ok());
  ASSERT_TRUE(consumer->WaitForApplied(0, 4, absl::Now() + absl::Seconds(30)));
  EXPECT_THAT(applier.ids(), ::testing::ElementsAre("o1", "o2"));
}

TEST_P(LogConsumerTest, ReconnectsWithBackoffWhenTheServerComesBack) {
  TempDir dir;
  auto store = OpenConsumerStore(dir.Sub("consumer"));
  ListApplier applier;
  log::LogConsumerOptions options;
  options.name = "survivor";
  options.initial_backoff = absl::Milliseconds(5);
  options.max_backoff = absl::Milliseconds(100);
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<log::LogConsumer> consumer;
  {
    IngestServer server(dir.Sub("ingest"), log_.Options());
    address = server.address();
    channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    consumer = log_.Consumer(options, store.get(), &applier, [&](uint32_t) { return channel; });
    ASSERT_TRUE(consumer->Start().ok());
    Ingest(*server.Stub(), {CustomerEvent("a", "c1"), CustomerEvent("b", "c2")});
    ASSERT_TRUE(consumer->WaitForApplied(0, 2, absl::Now() + absl::Seconds(30)));
  }  // The server goes away; the consumer keeps retrying.
  // Same data, same port.
  ingest::EventLogOptions log_options = log_.Options();
  std::unique_ptr<IngestServer> again;
  ASSERT_TRUE(PollUntil([&] {
    // The old port may linger for a moment; retry binding it.
    try {
      again = std::make_unique<IngestServer>(dir.Sub("ingest"), log_options,
                                             std::stoi(address.substr(address.rfind(':') + 1)));
      return true;
    } catch (...) {
      return false;
    }
  }));
  Ingest(*again->Stub(), {CustomerEvent("c", "c3")});
  ASSERT_TRUE(consumer->WaitForApplied(0, 3, absl::Now() + absl::Seconds(30)));
  consumer->Stop();
  EXPECT_THAT(applier.ids(), ::testing::ElementsAre("a", "b", "c"));
}

// Fails every third Write (without writing anything); otherwise the wrapped store.
class FlakyStore final : public storage::KvStore {
 public:
  explicit FlakyStore(storage::KvStore* store) : store_(store) {}
  std::unique_ptr<storage::WriteBatch> NewWriteBatch() const override {
    return store_->NewWriteBatch();
  }
  absl::Status Write(storage::WriteBatch& batch) override {
    if (++writes_ % 3 == 0) return absl::UnavailableError("injected write failure");
    return store_->Write(batch);
  }
  absl::StatusOr<std::optional<std::string>> Get(storage::ColumnFamilyId cf,
                                                 std::string_view key) const override {
    return store_->Get(cf, key);
  }
  std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      storage::ColumnFamilyId cf, const std::vector<std::string>& keys) const override {
    return store_->MultiGet(cf, keys);
  }
  std::unique_ptr<storage::KvIterator> NewIterator(storage::ColumnFamilyId cf,
                                                   storage::IteratorBounds bounds) const override {
    return store_->NewIterator(cf, std::move(bounds));
  }
  absl::Status Flush() override { return store_->Flush(); }
  int failures() const { return writes_ / 3; }

 private:
  storage::KvStore* const store_;
  std::atomic<int> writes_{0};
};

// A pipelined applier that keeps in memory what it applied (committed or not) and reloads
// from the store on OnWriteFailed, as the identity applier does.
class PipelinedListApplier final : public log::LogApplier {
 public:
  explicit PipelinedListApplier(const storage::KvStore* store) : store_(store) {}
  bool pipelined() const override { return true; }
  absl::Status Apply(uint32_t partition, absl::Span<const ingest::v1::LogEntry* const> entries,
                     storage::WriteBatch& batch) override {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto* e : entries) {
      // Sequences are zero-padded so that the store's key order is the log's order.
      batch.Put(1, absl::StrFormat("%u/%08u", partition, e->sequence()), e->event().event_id());
      applied_.push_back(e->event().event_id());
    }
    return absl::OkStatus();
  }
  void OnCommitted(uint32_t, uint64_t) override {
    std::lock_guard<std::mutex> l(mu_);
    committed_ = applied_;
  }
  void OnWriteFailed(uint32_t) override {
    std::lock_guard<std::mutex> l(mu_);
    applied_.clear();
    auto it = store_->NewIterator(1);
    for (it->Seek(""); it->Valid(); it->Next()) applied_.emplace_back(it->value());
    committed_ = applied_;
    ++reloads_;
  }
  std::vector<std::string> committed() {
    std::lock_guard<std::mutex> l(mu_);
    return committed_;
  }
  int reloads() {
    std::lock_guard<std::mutex> l(mu_);
    return reloads_;
  }

 private:
  const storage::KvStore* const store_;
  std::mutex mu_;
  std::vector<std::string> applied_, committed_;
  int reloads_ = 0;
};

TEST_P(LogConsumerTest, PipelinedApplierSurvivesFailedWritesWithEveryEventAppliedOnce) {
  TempDir dir;
  IngestServer server(dir.Sub("ingest"), log_.Options());
  std::vector<common::v1::Event> events;
  std::vector<std::string> expected;
  for (int i = 0; i < 60; ++i) {
    events.push_back(CustomerEvent(absl::StrCat("e", i), absl::StrCat("c", i)));
    expected.push_back(absl::StrCat("e", i));
  }
  Ingest(*server.Stub(), events);
  auto rocks = OpenConsumerStore(dir.Sub("consumer"));
  FlakyStore store(rocks.get());
  PipelinedListApplier applier(&store);
  log::LogConsumerOptions options;
  options.name = "pipelined";
  options.max_batch_events = 4;
  options.initial_backoff = absl::Milliseconds(1);
  options.max_backoff = absl::Milliseconds(10);
  auto consumer =
      log_.Consumer(options, &store, &applier, [&](uint32_t) { return server.Channel(); });
  ASSERT_TRUE(consumer->Start().ok());
  ASSERT_TRUE(consumer->WaitForApplied(0, 60, absl::Now() + absl::Seconds(60)));
  consumer->Stop();
  EXPECT_GT(store.failures(), 0);
  EXPECT_GT(applier.reloads(), 0);
  // Memory and store agree, and hold each event once, in log order.
  EXPECT_EQ(applier.committed(), expected);
  std::vector<std::string> stored;
  auto it = rocks->NewIterator(1);
  for (it->Seek(""); it->Valid(); it->Next()) stored.emplace_back(it->value());
  EXPECT_EQ(stored, expected);
  auto progress = rocks->Get(0, log::LogConsumer::ProgressKey("pipelined", 0));
  ASSERT_TRUE(progress.ok() && progress->has_value());
  EXPECT_EQ(storage::DecodeUint64(**progress), 60u);
}

INSTANTIATE_TEST_SUITE_P(Backends, LogConsumerTest,
                         ::testing::Values(LogBackendParam::kEmbedded, LogBackendParam::kKafka),
                         LogBackendName);

}  // namespace
}  // namespace clientele::testing
