// EventLog over a real RocksDB: appends, deduplication, dead letters, reads, fences.
#include "ingest/event_log.h"

#include <string>
#include <vector>

#include "clientele/ingest/v1/ingest.pb.h"
#include "common/log/partitioning.h"
#include "common/testing/status_matchers.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/ingest_schema.h"
#include "ingest/log_entry_codec.h"
#include "tests/ingest/ingest_test_store.h"

namespace clientele::ingest {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;
using Outcome = AppendResult::Outcome;

const absl::Time kNow = absl::FromUnixSeconds(testing::kBaseTime) + absl::Hours(24);
const google::protobuf::RepeatedPtrField<v1::ClientRejection> kNoRejections;

class EventLogTest : public ::testing::Test {
 protected:
  EventLogTest() { Open(); }
  void Open(uint32_t partition_count = 1) {
    log_.reset();
    EventLogOptions options;
    options.partition_count = partition_count;
    absl::StatusOr<std::unique_ptr<EventLog>> log = EventLog::Open(store_.get(), options);
    ASSERT_THAT(log, IsOk());
    log_ = std::move(*log);
  }
  std::vector<AppendResult> Append(const std::vector<common::v1::Event>& events) {
    std::vector<const common::v1::Event*> pointers;
    for (const auto& e : events) pointers.push_back(&e);
    std::vector<AppendResult> results;
    EXPECT_THAT(log_->Append(pointers, kNoRejections, kNow, &results), IsOk());
    return results;
  }
  // The entries Read hands out, parsed.
  absl::StatusOr<std::vector<v1::LogEntry>> ReadAll(
      uint32_t partition, uint64_t from, std::vector<common::v1::PayloadType> types = {}) {
    std::vector<v1::LogEntry> entries;
    absl::StatusOr<ReadResult> read =
        log_->Read(partition, from, 1000, types, [&](uint64_t sequence, std::string_view bytes) {
          if (!IsStoredLogEntryOf(bytes, partition, sequence)) return false;
          entries.emplace_back();
          return entries.back().ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
        });
    if (!read.ok()) return read.status();
    return entries;
  }

  IngestTestStore store_;
  std::unique_ptr<EventLog> log_;
};

TEST_F(EventLogTest, AcceptedEventsGetSequencesWithoutGaps) {
  const std::vector<AppendResult> results =
      Append({testing::CustomerEvent("c-1", "1"), testing::CustomerEvent("c-2", "2"),
              testing::OrderEvent("o-1", "1001", "1")});
  ASSERT_EQ(results.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(results[i].outcome, Outcome::kAccepted);
    EXPECT_EQ(results[i].sequence, static_cast<uint64_t>(i + 1));
  }
  EXPECT_EQ(log_->FirstSequence(0), 1u);
  EXPECT_EQ(log_->LastSequence(0), 3u);
}

TEST_F(EventLogTest, ARetryIsADuplicateAndAnotherPayloadUnderTheSameIdIsAConflict) {
  Append({testing::CustomerEvent("c-1", "1")});
  std::vector<AppendResult> again = Append({testing::CustomerEvent("c-1", "1")});
  EXPECT_EQ(again[0].outcome, Outcome::kDuplicate);
  EXPECT_EQ(again[0].sequence, 1u);
  std::vector<AppendResult> other =
      Append({testing::CustomerEvent("c-1", "1", "someone.else@example.com")});
  EXPECT_EQ(other[0].outcome, Outcome::kConflict);
  EXPECT_EQ(other[0].sequence, 1u);
  EXPECT_EQ(log_->LastSequence(0), 1u);
  EXPECT_EQ(log_->dead_letters().last_id(), 1u);  // The conflict is kept.
}

TEST_F(EventLogTest, AnInvalidEventIsRejectedIntoTheDeadLettersAndTakesNoSequence) {
  common::v1::Event bad = testing::CustomerEvent("c-bad", "1");
  bad.clear_event_id();
  std::vector<AppendResult> results = Append({bad, testing::CustomerEvent("c-2", "2")});
  EXPECT_EQ(results[0].outcome, Outcome::kRejected);
  EXPECT_EQ(results[0].rejection.field, "event_id");
  EXPECT_EQ(results[1].outcome, Outcome::kAccepted);
  EXPECT_EQ(results[1].sequence, 1u);
  absl::StatusOr<v1::ListRejectedResponse> letters = log_->dead_letters().List(10, "");
  ASSERT_THAT(letters, IsOk());
  ASSERT_EQ(letters->dead_letters_size(), 1);
  EXPECT_EQ(letters->dead_letters(0).field(), "event_id");
}

TEST_F(EventLogTest, ReadHandsOutEntriesInOrderAndFiltersByPayloadType) {
  Append({testing::CustomerEvent("c-1", "1"), testing::OrderEvent("o-1", "1001", "1"),
          testing::CustomerEvent("c-2", "2")});
  absl::StatusOr<std::vector<v1::LogEntry>> all = ReadAll(0, 1);
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[1].sequence(), 2u);
  EXPECT_EQ((*all)[1].event().event_id(), "o-1");
  absl::StatusOr<std::vector<v1::LogEntry>> orders =
      ReadAll(0, 1, {common::v1::PAYLOAD_TYPE_ORDER});
  ASSERT_THAT(orders, IsOk());
  ASSERT_EQ(orders->size(), 1u);
  EXPECT_EQ((*orders)[0].sequence(), 2u);
  absl::StatusOr<std::vector<v1::LogEntry>> tail = ReadAll(0, 3);
  ASSERT_THAT(tail, IsOk());
  ASSERT_EQ(tail->size(), 1u);
  EXPECT_EQ((*tail)[0].event().event_id(), "c-2");
}

TEST_F(EventLogTest, EventsRouteToTheirPartitions) {
  Open(4);
  const common::v1::Event event = testing::CustomerEvent("c-1", "1");
  const uint32_t partition = log::PartitionOf(event, 4);
  std::vector<AppendResult> results = Append({event});
  EXPECT_EQ(results[0].partition, partition);
  EXPECT_EQ(log_->LastSequence(partition), 1u);
  absl::StatusOr<std::vector<v1::LogEntry>> entries = ReadAll(partition, 0);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].partition(), partition);
  EXPECT_THAT(log_->Read(4, 1, 10, {}, [](uint64_t, std::string_view) { return true; }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("partition: 4")));
}

TEST_F(EventLogTest, ADamagedEntryIsDataLossNamingPartitionAndSequence) {
  Append({testing::CustomerEvent("c-1", "1"), testing::CustomerEvent("c-2", "2")});
  // Entry 2 stored as the bytes of entry 1: a LogEntry, but not of its position.
  absl::StatusOr<std::optional<std::string>> first =
      store_.get()->Get(kLogCf, std::string("\0\0\0\0\0\0\0\0\0\0\0\1", 12));
  ASSERT_THAT(first, IsOk());
  ASSERT_TRUE(first->has_value());
  auto batch = store_.get()->NewWriteBatch();
  batch->Put(kLogCf, std::string("\0\0\0\0\0\0\0\0\0\0\0\2", 12), **first);
  ASSERT_THAT(store_.get()->Write(*batch), IsOk());
  // What came before is delivered; the next read stops at the damage.
  absl::StatusOr<std::vector<v1::LogEntry>> before = ReadAll(0, 1);
  ASSERT_THAT(before, IsOk());
  EXPECT_EQ(before->size(), 1u);
  EXPECT_THAT(ReadAll(0, 2), StatusIs(absl::StatusCode::kDataLoss,
                                      HasSubstr("partition 0: the entry at sequence 2")));
}

TEST_F(EventLogTest, AFencedPartitionRefusesAppendsAndReadsUntilCleared) {
  Append({testing::CustomerEvent("c-1", "1")});
  log_->FenceDataLoss(0, absl::DataLossError("store ingest, partition 0: lost events"));
  EXPECT_THAT(log_->DataLossFence(0), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("lost")));
  std::vector<const common::v1::Event*> events;
  const common::v1::Event event = testing::CustomerEvent("c-2", "2");
  events.push_back(&event);
  std::vector<AppendResult> results;
  EXPECT_THAT(log_->Append(events, kNoRejections, kNow, &results),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("lost events")));
  EXPECT_THAT(ReadAll(0, 1), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("lost events")));
  log_->ClearDataLossFence(0);
  EXPECT_THAT(ReadAll(0, 1), IsOk());
  EXPECT_EQ(Append({event})[0].sequence, 2u);
}

TEST_F(EventLogTest, SequencesContinueAfterAReopen) {
  Append({testing::CustomerEvent("c-1", "1"), testing::CustomerEvent("c-2", "2")});
  log_.reset();
  store_.Reopen();
  Open();
  EXPECT_EQ(log_->LastSequence(0), 2u);
  EXPECT_EQ(Append({testing::CustomerEvent("c-1", "1")})[0].outcome, Outcome::kDuplicate);
  EXPECT_EQ(Append({testing::CustomerEvent("c-3", "3")})[0].sequence, 3u);
}

TEST_F(EventLogTest, WaitForSequenceReturnsAtTheDeadlineOrOnClose) {
  Append({testing::CustomerEvent("c-1", "1")});
  EXPECT_EQ(log_->WaitForSequence(0, 1, absl::InfinitePast()), 1u);
  EXPECT_EQ(log_->WaitForSequence(0, 2, absl::Now() + absl::Milliseconds(1)), 1u);
  log_->Close();
  EXPECT_TRUE(log_->closed());
  EXPECT_EQ(log_->WaitForSequence(0, 2, absl::InfiniteFuture()), 1u);
}

}  // namespace
}  // namespace clientele::ingest
