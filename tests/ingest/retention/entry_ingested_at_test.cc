// EntryIngestedAt: ingested_at read off the stored bytes without parsing the event.
#include "ingest/retention/entry_ingested_at.h"

#include <string>

#include "clientele/ingest/v1/ingest.pb.h"
#include "common/testing/test_events.h"
#include "gtest/gtest.h"
#include "ingest/log_entry_codec.h"

namespace clientele::ingest {
namespace {

TEST(EntryIngestedAtTest, ReadsTheTimeOfAStoredEntry) {
  const absl::Time at = absl::FromUnixSeconds(1704067200) + absl::Nanoseconds(123456789);
  std::string stored;
  EncodeStoredLogEntry(3, 42, at, testing::CustomerEvent("e", "c"), &stored);
  EXPECT_EQ(EntryIngestedAt(StoredLogEntryBytes(stored)), at);
}

TEST(EntryIngestedAtTest, FieldsInAnyOrderAndUnknownFieldsAreSkipped) {
  v1::LogEntry entry;
  *entry.mutable_event() = testing::OrderEvent("o", "1", "c");
  entry.set_erased(true);
  entry.mutable_ingested_at()->set_seconds(1000);
  std::string bytes = entry.SerializeAsString();
  bytes += std::string("\xa8\x06\x01", 3);  // Field 101, varint 1: unknown.
  EXPECT_EQ(EntryIngestedAt(bytes), absl::FromUnixSeconds(1000));
}

TEST(EntryIngestedAtTest, NothingForBytesThatDoNotParseOrHoldNoTime) {
  EXPECT_EQ(EntryIngestedAt(""), std::nullopt);
  v1::LogEntry entry;
  entry.set_sequence(7);
  EXPECT_EQ(EntryIngestedAt(entry.SerializeAsString()), std::nullopt);
  std::string stored;
  EncodeStoredLogEntry(0, 1, absl::FromUnixSeconds(5), testing::CustomerEvent("e", "c"), &stored);
  const std::string truncated(StoredLogEntryBytes(stored).substr(0, 12));
  EXPECT_EQ(EntryIngestedAt(truncated), std::nullopt);
  EXPECT_EQ(EntryIngestedAt(std::string("\x1a\x05\x08", 3)), std::nullopt);  // Short length.
}

}  // namespace
}  // namespace clientele::ingest
