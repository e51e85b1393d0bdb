// SubscribeBatch: stored LogEntry bytes spliced into SubscribeResponse wire bytes.
#include "ingest/subscribe_batch.h"

#include <string>

#include "clientele/ingest/v1/ingest.pb.h"
#include "common/testing/test_events.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "ingest/log_entry_codec.h"

namespace clientele::ingest {
namespace {

using google::protobuf::util::MessageDifferencer;

std::string EntryBytes(uint32_t partition, uint64_t sequence, const common::v1::Event& event) {
  std::string stored;
  EncodeStoredLogEntry(partition, sequence, absl::FromUnixSeconds(1704067200), event, &stored);
  return std::string(StoredLogEntryBytes(stored));
}

v1::SubscribeResponse Parse(const std::string& wire) {
  v1::SubscribeResponse response;
  EXPECT_TRUE(response.ParseFromString(wire));
  return response;
}

TEST(SubscribeBatchTest, SplicedEntriesParseAsTheSubscribeResponse) {
  SubscribeBatch batch(1 << 20);
  const std::string a = EntryBytes(1, 7, testing::CustomerEvent("c-1", "7"));
  const std::string b = EntryBytes(1, 8, testing::OrderEvent("o-1", "1001", "7"));
  ASSERT_TRUE(batch.TryAdd(7, a));
  ASSERT_TRUE(batch.TryAdd(8, b));
  EXPECT_EQ(batch.entries(), 2);
  EXPECT_EQ(batch.last_sequence(), 8u);

  const v1::SubscribeResponse response = Parse(batch.Finish(9, 1));
  ASSERT_EQ(response.entries_size(), 2);
  v1::LogEntry expected;
  ASSERT_TRUE(expected.ParseFromString(b));
  EXPECT_TRUE(MessageDifferencer::Equals(response.entries(1), expected));
  EXPECT_EQ(response.entries(0).sequence(), 7u);
  EXPECT_EQ(response.through_sequence(), 9u);
  EXPECT_EQ(response.partition(), 1u);

  // The same bytes protobuf would write for that message.
  v1::SubscribeResponse built;
  ASSERT_TRUE(built.add_entries()->ParseFromString(a));
  ASSERT_TRUE(built.add_entries()->ParseFromString(b));
  built.set_through_sequence(9);
  built.set_partition(1);
  SubscribeBatch again(1 << 20);
  again.TryAdd(7, a);
  again.TryAdd(8, b);
  EXPECT_EQ(again.Finish(9, 1), built.SerializeAsString());
  // With the partition's last sequence (the subscriber's lag).
  built.set_last_sequence(300);
  again.TryAdd(7, a);
  again.TryAdd(8, b);
  const std::string with_head = again.Finish(9, 1, 300);
  EXPECT_EQ(with_head, built.SerializeAsString());
  EXPECT_EQ(Parse(with_head).last_sequence(), 300u);
}

TEST(SubscribeBatchTest, AnEmptyBatchIsTheCaughtUpResponse) {
  SubscribeBatch batch(1 << 20);
  const v1::SubscribeResponse response = Parse(batch.Finish(41, 0));
  EXPECT_EQ(response.entries_size(), 0);
  EXPECT_EQ(response.through_sequence(), 41u);
  EXPECT_EQ(response.partition(), 0u);
  EXPECT_TRUE(batch.Finish(0, 0).empty());
}

TEST(SubscribeBatchTest, TheFirstEntryAlwaysGoesAndTheBoundFillsTheBatch) {
  const std::string big = EntryBytes(0, 1, testing::OrderEvent("o-1", "1001", "7", 50));
  SubscribeBatch batch(big.size() / 2);
  EXPECT_TRUE(batch.TryAdd(1, big));  // Larger than the bound, but first.
  EXPECT_FALSE(batch.full());
  const std::string small = EntryBytes(0, 2, testing::CustomerEvent("c-1", "7"));
  EXPECT_FALSE(batch.TryAdd(2, small));
  EXPECT_TRUE(batch.full());
  EXPECT_FALSE(batch.TryAdd(3, ""));  // Full stays full.
  EXPECT_EQ(batch.entries(), 1);
  EXPECT_EQ(batch.last_sequence(), 1u);
  EXPECT_EQ(Parse(batch.Finish(1, 0)).entries_size(), 1);
  // Finish starts a new batch.
  EXPECT_FALSE(batch.full());
  EXPECT_EQ(batch.entries(), 0);
  EXPECT_TRUE(batch.TryAdd(2, small));
}

}  // namespace
}  // namespace clientele::ingest
