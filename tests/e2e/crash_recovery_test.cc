// Crash safety with real processes: a server killed with SIGKILL after acknowledging loses
// nothing; a consumer killed mid-batch resumes with no gap and no repeat; SIGTERM drains.
#include <signal.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "common/storage/key_encoding.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/child_process.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace clientele::testing {
namespace {

std::unique_ptr<ingest::v1::IngestService::Stub> StubFor(const std::string& address) {
  return ingest::v1::IngestService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

int64_t IngestBatches(ingest::v1::IngestService::Stub& stub, int batches, int per_batch) {
  int64_t accepted = 0;
  for (int b = 0; b < batches; ++b) {
    grpc::ClientContext ctx;
    ingest::v1::IngestRequest req;
    for (int i = 0; i < per_batch; ++i) {
      *req.add_events() = OrderEvent(absl::StrCat("k", b, "-", i), absl::StrCat("o", b, "-", i),
                                     absl::StrCat("c", i % 7), 3);
    }
    ingest::v1::IngestResponse resp;
    grpc::Status s = stub.Ingest(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    accepted += resp.accepted();
  }
  return accepted;
}

uint64_t LastSequence(ingest::v1::IngestService::Stub& stub) {
  grpc::ClientContext ctx;
  ingest::v1::GetLogInfoResponse info;
  EXPECT_TRUE(stub.GetLogInfo(&ctx, {}, &info).ok());
  return info.partitions_size() ? info.partitions(0).last_sequence() : 0;
}

TEST(CrashRecoveryTest, ServerKilledWithSigkillLosesNoAcknowledgedEvent) {
  TempDir dir;
  ServerProcess server = StartServer(CLT_BIN_DIR, dir.Sub("data"));
  ASSERT_FALSE(server.address.empty()) << "clienteled did not start";
  const int64_t acknowledged = IngestBatches(*StubFor(server.address), 20, 50);
  ASSERT_EQ(acknowledged, 1000);
  server.process->Signal(SIGKILL);
  EXPECT_EQ(server.process->Wait(), 128 + SIGKILL);

  ServerProcess restarted = StartServer(CLT_BIN_DIR, dir.Sub("data"));
  ASSERT_FALSE(restarted.address.empty());
  auto stub = StubFor(restarted.address);
  EXPECT_EQ(LastSequence(*stub), 1000u);
  grpc::ClientContext ctx;
  ingest::v1::SubscribeRequest req;
  req.set_stop_at_end(true);
  auto reader = stub->Subscribe(&ctx, req);
  ingest::v1::SubscribeResponse resp;
  uint64_t expected = 1;
  while (reader->Read(&resp)) {
    for (const auto& e : resp.entries()) EXPECT_EQ(e.sequence(), expected++);
  }
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(expected, 1001u);
  // And the dedup index survived too: a retry after the crash is all duplicates.
  EXPECT_EQ(IngestBatches(*stub, 20, 50), 0);
}

TEST(CrashRecoveryTest, ConsumerKilledMidBatchResumesWithNoGapAndNoRepeat) {
  TempDir dir;
  // Ingest only: the test expects its recorder to be the log's only consumer.
  ServerProcess server = StartServer(CLT_BIN_DIR, dir.Sub("data"), {"--services=ingest"});
  ASSERT_FALSE(server.address.empty());
  auto stub = StubFor(server.address);
  ASSERT_EQ(IngestBatches(*stub, 10, 100), 1000);
  const std::string consumer_bin = std::string(CLT_BIN_DIR) + "/../tests/recording_consumer";
  const std::string consumer_dir = dir.Sub("consumer");

  // First run dies in the middle of a batch (batches of 50; the 130th event is mid-batch).
  CommandResult crashed =
      RunCommand({consumer_bin, "--server=" + server.address, "--data_dir=" + consumer_dir,
                  "--until=1000", "--crash_after=130", "--batch=50"});
  ASSERT_EQ(crashed.exit_code, 128 + SIGKILL) << crashed.err;
  // Second run dies again, later.
  CommandResult crashed_again =
      RunCommand({consumer_bin, "--server=" + server.address, "--data_dir=" + consumer_dir,
                  "--until=1000", "--crash_after=333", "--batch=50"});
  ASSERT_EQ(crashed_again.exit_code, 128 + SIGKILL) << crashed_again.err;
  CommandResult finished = RunCommand({consumer_bin, "--server=" + server.address,
                                       "--data_dir=" + consumer_dir, "--until=1000", "--batch=50"});
  ASSERT_EQ(finished.exit_code, 0) << finished.err;

  storage::RocksDbOptions db;
  db.path = consumer_dir;
  db.column_families = {{"progress"}, {"seen"}};
  auto store = std::move(storage::OpenRocksDbStore(db)).value();
  auto it = store->NewIterator(1);
  uint64_t expected = 1;
  int repeats = 0;
  for (it->Seek(""); it->Valid(); it->Next()) {
    std::string_view key = it->key();
    if (key.substr(0, 7) == "repeat/") {
      ++repeats;
    } else {
      ASSERT_EQ(key.substr(0, 5), "seen/");
      EXPECT_EQ(storage::DecodeUint64(key.substr(5)), expected++);
    }
  }
  EXPECT_EQ(expected, 1001u);  // No gap: 1..1000 each present.
  EXPECT_EQ(repeats, 0);       // No repeat.

  // The consumer reported its progress to ingest.
  grpc::ClientContext ctx;
  ingest::v1::GetLogInfoResponse info;
  ASSERT_TRUE(stub->GetLogInfo(&ctx, {}, &info).ok());
  ASSERT_EQ(info.consumers_size(), 1);
  EXPECT_EQ(info.consumers(0).consumer(), "recorder");
  EXPECT_EQ(info.consumers(0).applied_sequence(), 1000u);
}

TEST(CrashRecoveryTest, SigtermDrainsFlushesAndExitsCleanly) {
  TempDir dir;
  ServerProcess server = StartServer(CLT_BIN_DIR, dir.Sub("data"));
  ASSERT_FALSE(server.address.empty());
  ASSERT_EQ(IngestBatches(*StubFor(server.address), 3, 10), 30);
  // A tailing subscriber must not hold the shutdown up.
  auto stub = StubFor(server.address);
  grpc::ClientContext ctx;
  auto reader = stub->Subscribe(&ctx, ingest::v1::SubscribeRequest());
  ingest::v1::SubscribeResponse resp;
  ASSERT_TRUE(reader->Read(&resp));
  std::thread drain([&] {
    while (reader->Read(&resp)) {
    }
  });
  server.process->Signal(SIGTERM);
  EXPECT_EQ(server.process->Wait(), 0);
  drain.join();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);

  ServerProcess restarted = StartServer(CLT_BIN_DIR, dir.Sub("data"));
  ASSERT_FALSE(restarted.address.empty());
  EXPECT_EQ(LastSequence(*StubFor(restarted.address)), 30u);
}

}  // namespace
}  // namespace clientele::testing
