// Regression tests of issue 12's data-loss defects: a log that lost acknowledged events must
// not hand their sequence numbers out again (it fences the partition with DATA_LOSS until an
// operator decides), a damaged log entry is DATA_LOSS naming partition and sequence (never an
// empty event), and consumer progress cannot be forged beyond the log or left unremovable.
// Real RocksDB and real gRPC on 127.0.0.1:0.
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/log/log_consumer.h"
#include "common/storage/key_encoding.h"
#include "common/testing/poll.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/ingest_schema.h"
#include "tests/integration/ingest_server_fixture.h"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;

grpc::Status IngestCustomers(ingest::v1::IngestService::Stub& stub, const std::string& prefix,
                             int n, ingest::v1::IngestResponse* response = nullptr) {
  grpc::ClientContext ctx;
  ingest::v1::IngestRequest req;
  for (int i = 0; i < n; ++i) {
    *req.add_events() = CustomerEvent(absl::StrCat(prefix, i), absl::StrCat(prefix, "c", i));
  }
  ingest::v1::IngestResponse local;
  return stub.Ingest(&ctx, req, response ? response : &local);
}

grpc::Status CommitProgress(ingest::v1::IngestService::Stub& stub, const std::string& consumer,
                            uint64_t applied, const std::string& error = "") {
  grpc::ClientContext ctx;
  ingest::v1::CommitProgressRequest req;
  req.set_consumer(consumer);
  req.set_partition(0);
  req.set_applied_sequence(applied);
  req.set_error(error);
  ingest::v1::CommitProgressResponse resp;
  return stub.CommitProgress(&ctx, req, &resp);
}

grpc::Status SubscribeOnce(ingest::v1::IngestService::Stub& stub, const std::string& consumer,
                           uint64_t from, int* entries = nullptr) {
  grpc::ClientContext ctx;
  ingest::v1::SubscribeRequest req;
  req.set_partition(0);
  req.set_from_sequence(from);
  req.set_consumer(consumer);
  req.set_stop_at_end(true);
  auto reader = stub.Subscribe(&ctx, req);
  ingest::v1::SubscribeResponse resp;
  int n = 0;
  while (reader->Read(&resp)) n += resp.entries_size();
  if (entries) *entries = n;
  return reader->Finish();
}

ingest::v1::GetLogInfoResponse LogInfo(ingest::v1::IngestService::Stub& stub) {
  grpc::ClientContext ctx;
  ingest::v1::GetLogInfoResponse info;
  EXPECT_TRUE(stub.GetLogInfo(&ctx, ingest::v1::GetLogInfoRequest(), &info).ok());
  return info;
}

std::string LogKey(uint32_t partition, uint64_t sequence) {
  std::string key;
  storage::AppendUint32(key, partition);
  storage::AppendUint64(key, sequence);
  return key;
}

class IngestDataLossTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(IngestDataLossTest, ALogThatLostEventsFencesThePartitionInsteadOfReusingSequences) {
  const std::string path = dir_.path() + "/ingest";
  {
    IngestServer server(path, {});
    auto stub = server.Stub();
    ASSERT_TRUE(IngestCustomers(*stub, "a", 10).ok());
    ASSERT_TRUE(CommitProgress(*stub, "identity", 10).ok());
    // The store loses its last four entries (a lost WAL or SST file, an older backup).
    auto batch = server.store().NewWriteBatch();
    for (uint64_t seq = 7; seq <= 10; ++seq) batch->Delete(ingest::kLogCf, LogKey(0, seq));
    ASSERT_TRUE(server.store().Write(*batch).ok());
  }
  IngestServer server(path, {});
  auto stub = server.Stub();
  EXPECT_EQ(server.log().LastSequence(0), 6u);

  // Appends would hand out 7..10 again, which identity has applied: refused.
  ingest::v1::IngestResponse response;
  grpc::Status append = IngestCustomers(*stub, "b", 3, &response);
  EXPECT_EQ(append.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(append.error_message(), HasSubstr("store ingest, partition 0"));
  EXPECT_THAT(append.error_message(), HasSubstr("through sequence 10"));
  EXPECT_THAT(append.error_message(), HasSubstr("log ends at 6"));
  EXPECT_EQ(server.log().LastSequence(0), 6u);
  EXPECT_EQ(SubscribeOnce(*stub, "analytics", 1).error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_FALSE(server.log().Health().ok());
  ingest::v1::GetLogInfoResponse info = LogInfo(*stub);
  ASSERT_EQ(info.partitions_size(), 1);
  EXPECT_THAT(info.partitions(0).data_loss(), HasSubstr("identity"));

  // The operator decides: identity will be rebuilt from the log, so it is removed.
  grpc::ClientContext ctx;
  ingest::v1::RemoveConsumerRequest remove;
  remove.set_consumer("identity");
  ingest::v1::RemoveConsumerResponse removed;
  ASSERT_TRUE(stub->RemoveConsumer(&ctx, remove, &removed).ok());
  EXPECT_EQ(removed.partitions_removed(), 1);
  EXPECT_TRUE(IngestCustomers(*stub, "b", 3).ok());
  EXPECT_EQ(server.log().LastSequence(0), 9u);
  EXPECT_TRUE(server.log().Health().ok());
}

TEST_F(IngestDataLossTest, ARegisteredConsumerSubscribingBeyondTheEndFencesThePartition) {
  IngestServer server(dir_.path(), {});
  auto stub = server.Stub();
  ASSERT_TRUE(IngestCustomers(*stub, "a", 5).ok());
  ASSERT_TRUE(CommitProgress(*stub, "identity", 5).ok());
  // identity's own store says 30,278 applied; this log has 5 (restored from an old copy).
  grpc::Status s = SubscribeOnce(*stub, "identity", 30279);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(s.error_message(), HasSubstr("through sequence 30278"));
  EXPECT_THAT(s.error_message(), HasSubstr("log ends at 5"));
  EXPECT_EQ(IngestCustomers(*stub, "b", 1).error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_EQ(server.log().LastSequence(0), 5u);
}

TEST_F(IngestDataLossTest, AnUnknownSubscriberBeyondTheEndIsRefusedButFencesNothing) {
  IngestServer server(dir_.path(), {});
  auto stub = server.Stub();
  ASSERT_TRUE(IngestCustomers(*stub, "a", 5).ok());
  EXPECT_EQ(SubscribeOnce(*stub, "someone", 100).error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_TRUE(IngestCustomers(*stub, "b", 1).ok());
}

TEST_F(IngestDataLossTest, ADamagedLogEntryIsDataLossNamingPartitionAndSequence) {
  IngestServer server(dir_.path(), {});
  auto stub = server.Stub();
  ASSERT_TRUE(IngestCustomers(*stub, "a", 5).ok());
  // Entry 3 keeps a valid payload type byte but its LogEntry bytes are garbage.
  auto batch = server.store().NewWriteBatch();
  batch->Put(ingest::kLogCf, LogKey(0, 3), std::string("\x0a\xff\xff\xff\xff\x0f\x12", 7));
  ASSERT_TRUE(server.store().Write(*batch).ok());

  int entries = 0;
  grpc::Status s = SubscribeOnce(*stub, "reader", 1, &entries);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(s.error_message(), HasSubstr("partition 0"));
  EXPECT_THAT(s.error_message(), HasSubstr("sequence 3"));
  EXPECT_LE(entries, 2);  // Never an empty event in place of entry 3, never entry 4 or 5.
  EXPECT_EQ(server.store().Health().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(server.log().Health().code(), absl::StatusCode::kDataLoss);
}

TEST_F(IngestDataLossTest, AnEntryStoredUnderAnotherSequenceIsDataLoss) {
  IngestServer server(dir_.path(), {});
  auto stub = server.Stub();
  ASSERT_TRUE(IngestCustomers(*stub, "a", 3).ok());
  // Entry 1's bytes copied to position 2: parses, but is not the entry of sequence 2.
  std::optional<std::string> first = server.store().Get(ingest::kLogCf, LogKey(0, 1)).value();
  ASSERT_TRUE(first.has_value());
  auto batch = server.store().NewWriteBatch();
  batch->Put(ingest::kLogCf, LogKey(0, 2), *first);
  ASSERT_TRUE(server.store().Write(*batch).ok());
  grpc::Status s = SubscribeOnce(*stub, "reader", 1);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(s.error_message(), HasSubstr("sequence 2"));
}

TEST_F(IngestDataLossTest, ProgressBeyondTheLogIsOutOfRange) {
  IngestServer server(dir_.path(), {});
  auto stub = server.Stub();
  ASSERT_TRUE(IngestCustomers(*stub, "a", 5).ok());
  grpc::Status s = CommitProgress(*stub, "identity", 1000000000000);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_THAT(s.error_message(), HasSubstr("applied_sequence"));
  EXPECT_TRUE(CommitProgress(*stub, "identity", 5).ok());
  ingest::v1::GetLogInfoResponse info = LogInfo(*stub);
  ASSERT_EQ(info.consumers_size(), 1);
  EXPECT_EQ(info.consumers(0).applied_sequence(), 5u);
}

TEST_F(IngestDataLossTest, AMadeUpConsumerCanBeRemovedAndStaysRemovedAfterRestart) {
  const std::string path = dir_.path() + "/ingest";
  {
    IngestServer server(path, {});
    auto stub = server.Stub();
    ASSERT_TRUE(IngestCustomers(*stub, "a", 5).ok());
    ASSERT_TRUE(CommitProgress(*stub, "made-up", 0).ok());
    ASSERT_TRUE(CommitProgress(*stub, "identity", 5).ok());
    grpc::ClientContext ctx;
    ingest::v1::RemoveConsumerRequest remove;
    remove.set_consumer("made-up");
    ingest::v1::RemoveConsumerResponse removed;
    ASSERT_TRUE(stub->RemoveConsumer(&ctx, remove, &removed).ok());
    grpc::ClientContext again;
    EXPECT_EQ(stub->RemoveConsumer(&again, remove, &removed).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  IngestServer server(path, {});
  auto stub = server.Stub();
  ingest::v1::GetLogInfoResponse info = LogInfo(*stub);
  ASSERT_EQ(info.consumers_size(), 1);
  EXPECT_EQ(info.consumers(0).consumer(), "identity");
}

TEST_F(IngestDataLossTest, AConsumerReportsTheErrorItStoppedOn) {
  IngestServer server(dir_.path(), {});
  auto stub = server.Stub();
  ASSERT_TRUE(IngestCustomers(*stub, "a", 2).ok());
  ASSERT_TRUE(CommitProgress(*stub, "identity", 2, "consumer identity stopped: boom").ok());
  ingest::v1::GetLogInfoResponse info = LogInfo(*stub);
  ASSERT_EQ(info.consumers_size(), 1);
  EXPECT_THAT(info.consumers(0).error(), HasSubstr("boom"));
  ASSERT_TRUE(CommitProgress(*stub, "identity", 2).ok());  // Restarted and healthy.
  EXPECT_EQ(LogInfo(*stub).consumers(0).error(), "");
}

// A consumer whose log entry is damaged stops on that partition (it neither skips the entry
// nor retries forever), reports DATA_LOSS in Health() and to ingest.
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

TEST_F(IngestDataLossTest, AConsumerStopsAtADamagedEntryAndReportsIt) {
  IngestServer server(dir_.path() + "/ingest", {});
  auto stub = server.Stub();
  ASSERT_TRUE(IngestCustomers(*stub, "a", 5).ok());
  auto batch = server.store().NewWriteBatch();
  batch->Put(ingest::kLogCf, LogKey(0, 4), std::string("\x0a\x08", 2));
  ASSERT_TRUE(server.store().Write(*batch).ok());

  storage::RocksDbOptions db;
  db.path = dir_.path() + "/consumer";
  db.column_families = {{"progress", false}};
  auto store = std::move(storage::OpenRocksDbStore(db)).value();
  CountingApplier applier;
  log::LogConsumerOptions options;
  options.name = "identity";
  log::LogConsumer consumer(options, store.get(), &applier,
                            [&](uint32_t) { return server.Channel(); });
  ASSERT_TRUE(consumer.Start().ok());
  ASSERT_TRUE(PollUntil([&] { return !consumer.Health().ok(); }, absl::Seconds(20)));
  EXPECT_EQ(consumer.Health().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(consumer.Health().message()), HasSubstr("sequence 4"));
  EXPECT_EQ(consumer.applied_sequence(0), 3u);
  ASSERT_TRUE(PollUntil(
      [&] {
        auto info = LogInfo(*stub);
        return info.consumers_size() == 1 && !info.consumers(0).error().empty();
      },
      absl::Seconds(20)));
  consumer.Stop();
  EXPECT_EQ(applier.applied(), 3);
}

}  // namespace
}  // namespace clientele::testing
