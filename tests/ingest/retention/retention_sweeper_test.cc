// Log retention over a real RocksDB: what the sweeper removes (old AND applied by every
// consumer), what it keeps, the first retained sequence across a restart, the data-loss fence
// after retention, and that removed entries leave no byte in the store's files. The sweeper's
// clock is injected; sweeps are run with SweepOnce (no waiting on time).
#include "ingest/retention/retention_sweeper.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/storage/key_encoding.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/poll.h"
#include "common/testing/status_matchers.h"
#include "common/testing/store_scan.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/consumer_registry.h"
#include "ingest/event_log.h"
#include "ingest/ingest_schema.h"
#include "ingest/log_fence.h"

namespace clientele::ingest {
namespace {

using ::clientele::testing::CountFilesContaining;

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

const absl::Time kDay1 = absl::FromUnixSeconds(testing::kBaseTime) + absl::Hours(24);
const google::protobuf::RepeatedPtrField<v1::ClientRejection> kNoRejections;

common::v1::Event ProductEvent(const std::string& sku, const std::string& name) {
  common::v1::Event e;
  e.set_event_id("product/" + sku);
  e.set_channel(common::v1::CHANNEL_ONLINE_SHOP);
  testing::SetTime(testing::kBaseTime, e.mutable_occurred_at());
  e.mutable_product_upsert()->set_sku(sku);
  e.mutable_product_upsert()->set_name(name);
  return e;
}

class RetentionSweeperTest : public ::testing::Test {
 protected:
  RetentionSweeperTest() { Reopen(); }

  // What a restart sees: the store, the log and the registry opened again, the fence checked.
  void Reopen() {
    sweeper_.reset();
    consumers_.reset();
    log_.reset();
    store_.reset();
    storage::RocksDbOptions db;
    db.path = dir_.Sub("ingest");
    db.column_families = IngestColumnFamilies();
    absl::StatusOr<std::unique_ptr<storage::KvStore>> store = storage::OpenRocksDbStore(db);
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
    absl::StatusOr<std::unique_ptr<EventLog>> log = EventLog::Open(store_.get(), {});
    ASSERT_THAT(log, IsOk());
    log_ = std::move(*log);
    absl::StatusOr<std::unique_ptr<ConsumerRegistry>> consumers =
        ConsumerRegistry::Open(store_.get());
    ASSERT_THAT(consumers, IsOk());
    consumers_ = std::move(*consumers);
    fenced_ = FenceConsumersAheadOfLog(*log_, *consumers_);
    RetentionOptions options;
    options.retention = absl::Hours(24) * 1e-6;  // --log_retention_days=1e-6 (86.4 ms).
    options.clock = [this] { return now_; };
    options.scan_batch = 3;  // Several read steps even for small logs.
    sweeper_ = std::make_unique<RetentionSweeper>(log_.get(), consumers_.get(), options, nullptr);
  }

  // Appends `events` as ingested at `at`; their sequences.
  std::vector<uint64_t> AppendAt(absl::Time at, const std::vector<common::v1::Event>& events) {
    std::vector<const common::v1::Event*> pointers;
    for (const auto& e : events) pointers.push_back(&e);
    std::vector<AppendResult> results;
    EXPECT_THAT(log_->Append(pointers, kNoRejections, at, &results), IsOk());
    std::vector<uint64_t> sequences;
    for (const AppendResult& r : results) sequences.push_back(r.sequence);
    return sequences;
  }
  std::vector<uint64_t> AppendCustomers(absl::Time at, int n, const std::string& prefix) {
    std::vector<common::v1::Event> events;
    for (int i = 0; i < n; ++i) {
      events.push_back(testing::CustomerEvent(absl::StrCat(prefix, i), absl::StrCat(prefix, i)));
    }
    return AppendAt(at, events);
  }
  void Applied(const std::string& consumer, uint64_t sequence) {
    ASSERT_THAT(consumers_->Commit(consumer, 0, sequence, "", now_), IsOk());
  }
  // Sequences Read hands out from `from`, or its error.
  absl::StatusOr<std::vector<uint64_t>> ReadFrom(uint64_t from) {
    std::vector<uint64_t> sequences;
    absl::StatusOr<ReadResult> read =
        log_->Read(0, from, 1000, {}, [&](uint64_t sequence, std::string_view) {
          sequences.push_back(sequence);
          return true;
        });
    if (!read.ok()) return read.status();
    return sequences;
  }
  std::map<uint32_t, uint64_t> Sweep() {
    absl::StatusOr<SweepResult> swept = sweeper_->SweepOnce();
    EXPECT_THAT(swept, IsOk());
    return swept.ok() ? swept->removed : std::map<uint32_t, uint64_t>();
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<ConsumerRegistry> consumers_;
  std::unique_ptr<RetentionSweeper> sweeper_;
  int fenced_ = 0;
  absl::Time now_ = kDay1;
};

TEST_F(RetentionSweeperTest, RemovesEntriesOlderThanRetentionThatEveryConsumerApplied) {
  AppendCustomers(kDay1, 6, "c");
  Applied("identity", 6);
  Applied("analytics", 6);
  now_ = kDay1 + absl::Seconds(1);  // Older than 86.4 ms now.

  EXPECT_THAT(Sweep(), ElementsAre(Pair(0u, 6u)));
  EXPECT_EQ(log_->FirstSequence(0), 7u);
  EXPECT_EQ(log_->FirstRetained(0), 7u);
  EXPECT_EQ(log_->LastSequence(0), 6u);  // Retention never lowers the end.
  EXPECT_THAT(ReadFrom(7), IsOk());
  EXPECT_TRUE(ReadFrom(7)->empty());
  // New events continue the numbering.
  EXPECT_THAT(AppendCustomers(now_, 1, "d"), ElementsAre(7u));
  EXPECT_THAT(*ReadFrom(7), ElementsAre(7u));
  EXPECT_THAT(Sweep(), ElementsAre());  // 7 is neither old nor applied.
}

TEST_F(RetentionSweeperTest, KeepsEntriesThatOneConsumerHasNotAppliedYet) {
  AppendCustomers(kDay1, 8, "c");
  Applied("identity", 8);
  Applied("analytics", 3);  // Behind.
  now_ = kDay1 + absl::Hours(1);

  EXPECT_THAT(Sweep(), ElementsAre(Pair(0u, 3u)));
  EXPECT_EQ(log_->FirstSequence(0), 4u);
  EXPECT_THAT(*ReadFrom(4), ElementsAre(4u, 5u, 6u, 7u, 8u));

  Applied("analytics", 8);
  EXPECT_THAT(Sweep(), ElementsAre(Pair(0u, 5u)));
  EXPECT_EQ(log_->FirstSequence(0), 9u);
}

TEST_F(RetentionSweeperTest, KeepsEntriesYoungerThanRetentionAndEverythingWithoutConsumers) {
  AppendCustomers(kDay1, 3, "old");
  AppendCustomers(kDay1 + absl::Minutes(10), 3, "young");
  now_ = kDay1 + absl::Minutes(10);     // "young" is 0 s old; "old" 10 minutes.
  EXPECT_THAT(Sweep(), ElementsAre());  // No consumer registered: nothing is removed.
  EXPECT_EQ(log_->FirstSequence(0), 1u);

  Applied("identity", 6);
  EXPECT_THAT(Sweep(), ElementsAre(Pair(0u, 3u)));
  EXPECT_EQ(log_->FirstSequence(0), 4u);
  EXPECT_THAT(*ReadFrom(4), ElementsAre(4u, 5u, 6u));
}

TEST_F(RetentionSweeperTest, OnlyAPrefixGoesEvenWhenALaterEntryIsOlder) {
  AppendCustomers(kDay1, 2, "a");
  AppendCustomers(kDay1 + absl::Hours(2), 1, "b");  // A young entry in between.
  AppendCustomers(kDay1, 2, "c");                   // Clock stepped back: old again.
  Applied("identity", 5);
  now_ = kDay1 + absl::Hours(2);
  EXPECT_THAT(Sweep(), ElementsAre(Pair(0u, 2u)));
  EXPECT_THAT(*ReadFrom(3), ElementsAre(3u, 4u, 5u));
}

TEST_F(RetentionSweeperTest, AReadBelowTheFirstRetainedSequenceIsFailedPrecondition) {
  AppendCustomers(kDay1, 5, "c");
  Applied("identity", 5);
  now_ = kDay1 + absl::Hours(1);
  ASSERT_THAT(Sweep(), ElementsAre(Pair(0u, 5u)));
  EXPECT_THAT(ReadFrom(1), StatusIs(absl::StatusCode::kFailedPrecondition,
                                    HasSubstr("needs sequence 1 of partition 0")));
  EXPECT_THAT(ReadFrom(5),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("below sequence 6")));
  EXPECT_THAT(log_->Health(), IsOk());  // Not damage.
  EXPECT_THAT(store_->Health(), IsOk());
}

TEST_F(RetentionSweeperTest, ARetryOfARemovedEventIsStillADuplicate) {
  AppendCustomers(kDay1, 2, "c");
  Applied("identity", 2);
  now_ = kDay1 + absl::Hours(1);
  ASSERT_THAT(Sweep(), ElementsAre(Pair(0u, 2u)));
  std::vector<common::v1::Event> retry = {testing::CustomerEvent("c0", "c0")};
  std::vector<const common::v1::Event*> pointers = {&retry[0]};
  std::vector<AppendResult> results;
  ASSERT_THAT(log_->Append(pointers, kNoRejections, now_, &results), IsOk());
  EXPECT_EQ(results[0].outcome, AppendResult::Outcome::kDuplicate);
  EXPECT_EQ(results[0].sequence, 1u);
  EXPECT_EQ(log_->LastSequence(0), 2u);
}

TEST_F(RetentionSweeperTest, ARestartKeepsTheFirstRetainedSequenceAndSeesNoDataLoss) {
  AppendCustomers(kDay1, 4, "c");
  Applied("identity", 4);
  now_ = kDay1 + absl::Hours(1);
  ASSERT_THAT(Sweep(), ElementsAre(Pair(0u, 4u)));  // Every entry.

  Reopen();
  EXPECT_EQ(fenced_, 0);
  EXPECT_THAT(log_->Health(), IsOk());
  EXPECT_EQ(log_->FirstSequence(0), 5u);
  EXPECT_EQ(log_->LastSequence(0), 4u);
  EXPECT_THAT(ReadFrom(2),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("first retained")));
  // Numbering goes on after the removed entries (never reuses 1..4, which identity applied).
  EXPECT_THAT(AppendCustomers(now_, 2, "d"), ElementsAre(5u, 6u));

  Applied("identity", 5);
  now_ += absl::Hours(1);
  ASSERT_THAT(Sweep(), ElementsAre(Pair(0u, 1u)));
  Reopen();
  EXPECT_EQ(fenced_, 0);
  EXPECT_EQ(log_->FirstSequence(0), 6u);
  EXPECT_EQ(log_->LastSequence(0), 6u);
  EXPECT_THAT(*ReadFrom(6), ElementsAre(6u));
}

TEST_F(RetentionSweeperTest, TheFenceStillDetectsALogThatLostEntriesAConsumerApplied) {
  AppendCustomers(kDay1, 10, "c");
  Applied("identity", 10);
  now_ = kDay1 + absl::Hours(1);
  // Remove 1..4 only (a second consumer is at 4), then lose 8..10 (a lost WAL or SST file).
  Applied("analytics", 4);
  ASSERT_THAT(Sweep(), ElementsAre(Pair(0u, 4u)));
  auto batch = store_->NewWriteBatch();
  for (uint64_t seq = 8; seq <= 10; ++seq) {
    std::string key;
    storage::AppendUint32(key, 0);
    storage::AppendUint64(key, seq);
    batch->Delete(kLogCf, key);
  }
  ASSERT_THAT(store_->Write(*batch), IsOk());

  Reopen();
  EXPECT_EQ(fenced_, 1);
  EXPECT_THAT(log_->Health(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("applied through sequence 10")));
  EXPECT_EQ(log_->LastSequence(0), 7u);
  // A fenced partition is left alone.
  EXPECT_THAT(Sweep(), ElementsAre());
  EXPECT_EQ(log_->FirstSequence(0), 5u);
}

TEST_F(RetentionSweeperTest, RemovedEntriesLeaveNoByteInTheStoreFiles) {
  const std::string removed_name = "Quokka-Teapot-7f3a9c";
  const std::string kept_name = "Zebu-Kettle-2b8e41";
  AppendAt(kDay1, {ProductEvent("sku-removed", removed_name)});
  ASSERT_THAT(store_->Flush(), IsOk());                                       // In an SST file.
  AppendAt(kDay1, {ProductEvent("sku-removed-2", removed_name + "-again")});  // In the WAL.
  AppendAt(kDay1 + absl::Hours(2), {ProductEvent("sku-kept", kept_name)});
  ASSERT_THAT(store_->Flush(), IsOk());
  Applied("recommender", 3);
  // The scan is not blind: the name is in the files before the sweep.
  ASSERT_GE(CountFilesContaining(dir_.path(), removed_name), 1);

  now_ = kDay1 + absl::Hours(2);
  ASSERT_THAT(Sweep(), ElementsAre(Pair(0u, 2u)));
  EXPECT_EQ(CountFilesContaining(dir_.path(), removed_name), 0);
  EXPECT_GE(CountFilesContaining(dir_.path(), kept_name), 1);
  Reopen();
  EXPECT_EQ(CountFilesContaining(dir_.path(), removed_name), 0);
  EXPECT_THAT(*ReadFrom(3), ElementsAre(3u));
}

TEST_F(RetentionSweeperTest, TheThreadSweepsAtStartAndStopsWithoutWaitingForTheInterval) {
  AppendCustomers(kDay1, 3, "c");
  Applied("identity", 3);
  now_ = kDay1 + absl::Hours(1);
  RetentionOptions options;
  options.retention = absl::Minutes(1);
  options.interval = absl::Hours(24);  // Stop must not wait for the next sweep.
  options.clock = [this] { return now_; };
  RetentionSweeper sweeper(log_.get(), consumers_.get(), options, nullptr);
  sweeper.Start();
  EXPECT_TRUE(testing::PollUntil([&] { return sweeper.sweeps() >= 1; }));
  EXPECT_EQ(log_->FirstSequence(0), 4u);
  sweeper.Stop();  // Returns now, not in 24 hours (the test would time out).
  EXPECT_EQ(sweeper.sweeps(), 1);
}

}  // namespace
}  // namespace clientele::ingest
