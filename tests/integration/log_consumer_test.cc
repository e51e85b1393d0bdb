// The reusable log consumer against a real ingest server: applies in order, filters,
// commits progress atomically with its state, and reconnects after the server restarts.
#include "common/log/log_consumer.h"

#include <mutex>

#include "absl/strings/str_cat.h"
#include "common/storage/key_encoding.h"
#include "common/testing/poll.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/ingest_server_fixture.h"
#include "tests/testutil/test_events.h"

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

TEST(LogConsumerTest, AppliesEveryEventInOrderAndResumesFromStoredProgress) {
  TempDir dir;
  IngestServer server(dir.Sub("ingest"), {});
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
    log::LogConsumer consumer(options, store.get(), &applier,
                              [&](uint32_t) { return server.Channel(); });
    ASSERT_TRUE(consumer.Start().ok());
    ASSERT_TRUE(consumer.WaitForApplied(0, 30, absl::Now() + absl::Seconds(30)));
    consumer.Stop();
    EXPECT_EQ(applier.ids(), expected);
  }
  // A new consumer on the same store continues after 30: it sees only new events.
  Ingest(*stub, {CustomerEvent("late", "c99")});
  ListApplier applier;
  log::LogConsumer consumer(options, store.get(), &applier,
                            [&](uint32_t) { return server.Channel(); });
  ASSERT_TRUE(consumer.Start().ok());
  ASSERT_TRUE(consumer.WaitForApplied(0, 31, absl::Now() + absl::Seconds(30)));
  EXPECT_THAT(applier.ids(), ::testing::ElementsAre("late"));
  auto stored = store->Get(0, log::LogConsumer::ProgressKey("lister", 0));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ(storage::DecodeUint64(**stored), 31u);
}

TEST(LogConsumerTest, FilteredConsumerStillAdvancesToTheEnd) {
  TempDir dir;
  IngestServer server(dir.Sub("ingest"), {});
  Ingest(*server.Stub(), {CustomerEvent("c", "c1"), OrderEvent("o1", "o1", "c1"),
                          OrderEvent("o2", "o2", ""), CustomerEvent("d", "c2")});
  auto store = OpenConsumerStore(dir.Sub("consumer"));
  ListApplier applier({common::v1::PAYLOAD_TYPE_ORDER});
  log::LogConsumerOptions options;
  options.name = "orders";
  log::LogConsumer consumer(options, store.get(), &applier,
                            [&](uint32_t) { return server.Channel(); });
  ASSERT_TRUE(consumer.Start().ok());
  ASSERT_TRUE(consumer.WaitForApplied(0, 4, absl::Now() + absl::Seconds(30)));
  EXPECT_THAT(applier.ids(), ::testing::ElementsAre("o1", "o2"));
}

TEST(LogConsumerTest, ReconnectsWithBackoffWhenTheServerComesBack) {
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
    IngestServer server(dir.Sub("ingest"), {});
    address = server.address();
    channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    consumer = std::make_unique<log::LogConsumer>(options, store.get(), &applier,
                                                  [&](uint32_t) { return channel; });
    ASSERT_TRUE(consumer->Start().ok());
    Ingest(*server.Stub(), {CustomerEvent("a", "c1"), CustomerEvent("b", "c2")});
    ASSERT_TRUE(consumer->WaitForApplied(0, 2, absl::Now() + absl::Seconds(30)));
  }  // The server goes away; the consumer keeps retrying.
  // Same data, same port.
  ingest::EventLogOptions log_options;
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

}  // namespace
}  // namespace clientele::testing
