// The stored form of log entries (ingest/log_entry_codec.h) and its cheap wire check.
#include "ingest/log_entry_codec.h"

#include <string>

#include "clientele/ingest/v1/ingest.pb.h"
#include "common/testing/test_events.h"
#include "common/time/proto_time.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace clientele::ingest {
namespace {

using google::protobuf::util::MessageDifferencer;

const absl::Time kIngestedAt = absl::FromUnixSeconds(1704067200) + absl::Nanoseconds(42);

std::string Stored(uint32_t partition, uint64_t sequence, const common::v1::Event& event) {
  std::string stored;
  EncodeStoredLogEntry(partition, sequence, kIngestedAt, event, &stored);
  return stored;
}

TEST(LogEntryCodecTest, StoredEntryIsThePayloadTypeThenTheLogEntryBytes) {
  const common::v1::Event event = testing::OrderEvent("o-1", "1001", "c-7");
  const std::string stored = Stored(3, 17, event);
  EXPECT_EQ(StoredPayloadType(stored), common::v1::PAYLOAD_TYPE_ORDER);
  v1::LogEntry entry;
  const std::string_view bytes = StoredLogEntryBytes(stored);
  ASSERT_TRUE(entry.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
  EXPECT_EQ(entry.partition(), 3u);
  EXPECT_EQ(entry.sequence(), 17u);
  EXPECT_EQ(FromProtoTimestamp(entry.ingested_at()), kIngestedAt);
  EXPECT_TRUE(MessageDifferencer::Equals(entry.event(), event));
}

TEST(LogEntryCodecTest, StoredBytesEqualProtobufsOwnSerialization) {
  const common::v1::Event event = testing::CustomerEvent("c-1", "7");
  v1::LogEntry entry;
  entry.set_partition(0);
  entry.set_sequence(1);
  ToProtoTimestamp(kIngestedAt, entry.mutable_ingested_at());
  *entry.mutable_event() = event;
  EXPECT_EQ(StoredLogEntryBytes(Stored(0, 1, event)), entry.SerializeAsString());
}

TEST(LogEntryCodecTest, EmptyStoredValueHasNoTypeAndNoBytes) {
  EXPECT_EQ(StoredPayloadType(""), common::v1::PAYLOAD_TYPE_UNSPECIFIED);
  EXPECT_TRUE(StoredLogEntryBytes("").empty());
}

TEST(LogEntryCodecTest, CheckAcceptsTheEntryOfItsPosition) {
  const std::string stored = Stored(2, 9, testing::CustomerEvent("c-1", "7"));
  EXPECT_TRUE(IsStoredLogEntryOf(StoredLogEntryBytes(stored), 2, 9));
  const std::string first = Stored(0, 1, testing::CustomerEvent("c-1", "7"));
  EXPECT_TRUE(IsStoredLogEntryOf(StoredLogEntryBytes(first), 0, 1));
}

TEST(LogEntryCodecTest, CheckRefusesAnEntryOfAnotherPosition) {
  const std::string stored = Stored(2, 9, testing::CustomerEvent("c-1", "7"));
  const std::string_view bytes = StoredLogEntryBytes(stored);
  EXPECT_FALSE(IsStoredLogEntryOf(bytes, 2, 10));
  EXPECT_FALSE(IsStoredLogEntryOf(bytes, 1, 9));
}

TEST(LogEntryCodecTest, CheckRefusesDamagedBytes) {
  const std::string stored = Stored(2, 9, testing::OrderEvent("o-1", "1001", "c-7"));
  const std::string bytes(StoredLogEntryBytes(stored));
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(IsStoredLogEntryOf(std::string_view(bytes).substr(0, cut), 2, 9)) << cut;
  }
  // A length far beyond the bytes, a truncated varint, field number 0, wire type 7.
  EXPECT_FALSE(IsStoredLogEntryOf(std::string("\x0a\xff\xff\xff\xff\x0f\x12", 7), 0, 3));
  EXPECT_FALSE(IsStoredLogEntryOf(std::string("\x0a\x08", 2), 0, 4));
  EXPECT_FALSE(IsStoredLogEntryOf(std::string("\x10\x80", 2), 0, 0));
  EXPECT_FALSE(IsStoredLogEntryOf(std::string("\x00\x01", 2), 0, 0));
  EXPECT_FALSE(IsStoredLogEntryOf(std::string("\x10\x09\x27", 3), 0, 9));
  // Sequence written as a length-delimited field: not the declared wire type.
  EXPECT_FALSE(IsStoredLogEntryOf(std::string("\x12\x01\x09\x22\x00", 5), 0, 9));
}

TEST(LogEntryCodecTest, CheckRefusesAnEntryWithoutEvent) {
  v1::LogEntry entry;
  entry.set_sequence(5);
  EXPECT_FALSE(IsStoredLogEntryOf(entry.SerializeAsString(), 0, 5));
  entry.mutable_event();  // An empty event is present on the wire (length 0).
  EXPECT_TRUE(IsStoredLogEntryOf(entry.SerializeAsString(), 0, 5));
}

}  // namespace
}  // namespace clientele::ingest
