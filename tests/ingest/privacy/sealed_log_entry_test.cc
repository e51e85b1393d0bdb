// The AES-256-GCM cipher and the sealed stored form of log entries: round trip, the AAD that
// pins a payload to its position, tamper detection, and the erased form once the key is gone.
#include "ingest/sealed_log_entry.h"

#include "clientele/ingest/v1/ingest.pb.h"
#include "common/testing/test_events.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "ingest/log_entry_codec.h"
#include "ingest/privacy/data_key_cipher.h"

namespace clientele::ingest {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using privacy::DataKey;

const absl::Time kIngestedAt = absl::FromUnixSeconds(1704067200) + absl::Milliseconds(5);
const std::string kRef(32, 'r');

DataKey Key() {
  DataKey key;
  EXPECT_TRUE(privacy::NewDataKey(&key).ok());
  return key;
}

std::string Nonce() {
  std::string nonce;
  EXPECT_TRUE(privacy::RandomBytes(privacy::kNonceBytes, &nonce).ok());
  return nonce;
}

TEST(DataKeyCipherTest, OpensWhatItSealedAndRefusesAnyOtherKeyAadOrByte) {
  const DataKey key = Key();
  std::string sealed;
  ASSERT_TRUE(privacy::Seal(key, Nonce(), "aad", "secret payload", &sealed).ok());
  EXPECT_EQ(sealed.size(), std::string("secret payload").size() + privacy::kSealOverhead);
  EXPECT_EQ(sealed.find("secret"), std::string::npos);
  std::string plain = "prefix:";
  ASSERT_TRUE(privacy::Open(key, "aad", sealed, &plain).ok());
  EXPECT_EQ(plain, "prefix:secret payload");

  std::string out;
  EXPECT_EQ(privacy::Open(Key(), "aad", sealed, &out).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(privacy::Open(key, "other", sealed, &out).code(), absl::StatusCode::kDataLoss);
  for (size_t i = 0; i < sealed.size(); i += 5) {
    std::string damaged = sealed;
    damaged[i] ^= 0x01;
    EXPECT_EQ(privacy::Open(key, "aad", damaged, &out).code(), absl::StatusCode::kDataLoss) << i;
  }
  EXPECT_TRUE(out.empty());  // Nothing of a failed open is left behind.
  EXPECT_EQ(privacy::Open(key, "aad", "short", &out).code(), absl::StatusCode::kDataLoss);
}

TEST(DataKeyCipherTest, EachSealUsesAFreshNonce) {
  const DataKey key = Key();
  std::string a, b;
  ASSERT_TRUE(privacy::Seal(key, Nonce(), "", "same", &a).ok());
  ASSERT_TRUE(privacy::Seal(key, Nonce(), "", "same", &b).ok());
  EXPECT_NE(a, b);
}

TEST(SealedLogEntryTest, OpensToTheSameLogEntryAsThePlainForm) {
  const common::v1::Event event = testing::CustomerEvent("e1", "c1", "zeynep@example.org");
  const DataKey key = Key();
  std::string stored;
  ASSERT_TRUE(EncodeSealedLogEntry(3, 42, kIngestedAt, event, kRef, key, Nonce(), &stored).ok());
  EXPECT_TRUE(IsSealedStoredEntry(stored));
  EXPECT_EQ(StoredPayloadType(stored), common::v1::PAYLOAD_TYPE_CUSTOMER_UPSERT);
  EXPECT_EQ(stored.find("zeynep"), std::string::npos);
  EXPECT_EQ(stored.find("Ay\xC5\x9F"
                        "e"),
            std::string::npos);

  std::optional<SealedLogEntry> sealed = ParseSealedLogEntry(stored);
  ASSERT_TRUE(sealed.has_value());
  EXPECT_EQ(sealed->ref, kRef);
  std::string opened;
  ASSERT_TRUE(OpenSealedLogEntry(*sealed, 3, 42, key, &opened).ok());
  EXPECT_TRUE(IsStoredLogEntryOf(opened, 3, 42));
  std::string plain;
  EncodeStoredLogEntry(3, 42, kIngestedAt, event, &plain);
  v1::LogEntry from_sealed, from_plain;
  ASSERT_TRUE(from_sealed.ParseFromString(opened));
  ASSERT_TRUE(from_plain.ParseFromString(std::string(StoredLogEntryBytes(plain))));
  EXPECT_TRUE(MessageDifferencer::Equals(from_sealed, from_plain));
  EXPECT_FALSE(from_sealed.erased());
}

TEST(SealedLogEntryTest, WithoutItsKeyTheEntryIsErasedKeepingOnlyIdChannelAndTime) {
  const common::v1::Event event = testing::OrderEvent("o1", "o1", "c1");
  const DataKey key = Key();
  std::string stored;
  ASSERT_TRUE(EncodeSealedLogEntry(0, 7, kIngestedAt, event, kRef, key, Nonce(), &stored).ok());
  std::optional<SealedLogEntry> sealed = ParseSealedLogEntry(stored);
  ASSERT_TRUE(sealed.has_value());
  // No key (shredded), or the subject's newer key (a lifted suppression): erased either way.
  for (const std::optional<DataKey>& other : {std::optional<DataKey>(), std::optional(Key())}) {
    std::string out;
    ASSERT_TRUE(OpenSealedLogEntry(*sealed, 0, 7, other, &out).ok());
    EXPECT_TRUE(IsStoredLogEntryOf(out, 0, 7));
    v1::LogEntry entry;
    ASSERT_TRUE(entry.ParseFromString(out));
    EXPECT_TRUE(entry.erased());
    EXPECT_EQ(entry.sequence(), 7u);
    EXPECT_EQ(entry.ingested_at().seconds(), 1704067200);
    common::v1::Event stub;
    stub.set_event_id("o1");
    stub.set_channel(event.channel());
    *stub.mutable_occurred_at() = event.occurred_at();
    EXPECT_TRUE(MessageDifferencer::Equals(entry.event(), stub)) << entry.event().DebugString();
  }
}

TEST(SealedLogEntryTest, AnEntryMovedOrDamagedDoesNotOpen) {
  const common::v1::Event event = testing::CustomerEvent("e1", "c1");
  const DataKey key = Key();
  std::string stored;
  ASSERT_TRUE(EncodeSealedLogEntry(0, 5, kIngestedAt, event, kRef, key, Nonce(), &stored).ok());
  std::optional<SealedLogEntry> sealed = ParseSealedLogEntry(stored);
  ASSERT_TRUE(sealed.has_value());
  std::string out;
  EXPECT_EQ(OpenSealedLogEntry(*sealed, 0, 6, key, &out).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(OpenSealedLogEntry(*sealed, 1, 5, key, &out).code(), absl::StatusCode::kDataLoss);
  // A changed header byte (here the stub's event id) fails the tag as well.
  std::string damaged = stored;
  damaged[damaged.find("e1", 2 + 32 + 8)] = 'x';
  std::optional<SealedLogEntry> changed = ParseSealedLogEntry(damaged);
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ(OpenSealedLogEntry(*changed, 0, 5, key, &out).code(), absl::StatusCode::kDataLoss);
  // Truncations and unknown versions do not parse.
  for (size_t cut = 0; cut < 60; ++cut) {
    EXPECT_FALSE(ParseSealedLogEntry(std::string_view(stored).substr(0, cut)).has_value()) << cut;
  }
  std::string future = stored;
  future[1] = 2;
  EXPECT_FALSE(ParseSealedLogEntry(future).has_value());
  EXPECT_FALSE(ParseSealedLogEntry(std::string("\x0a\x08", 2)).has_value());
}

}  // namespace
}  // namespace clientele::ingest
