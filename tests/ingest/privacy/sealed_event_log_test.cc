// EventLog with a key store, over real RocksDB: entries of events with a subject are sealed,
// read back whole, read back `erased` once their subject is erased, and no file of either
// store holds their plaintext; suppression, lifting it, stores written before sealing, and
// restarts.
#include <algorithm>
#include <string>
#include <vector>

#include "clientele/ingest/v1/ingest.pb.h"
#include "common/log/partitioning.h"
#include "common/storage/key_encoding.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/store_scan.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "ingest/event_log.h"
#include "ingest/ingest_schema.h"
#include "ingest/log_entry_codec.h"
#include "ingest/privacy/subject_key_store.h"
#include "ingest/sealed_log_entry.h"

namespace clientele::ingest {
namespace {

using ::clientele::testing::FilesContaining;
using ::clientele::testing::IsOk;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using Outcome = AppendResult::Outcome;

const absl::Time kNow = absl::FromUnixSeconds(testing::kBaseTime) + absl::Hours(24);
const google::protobuf::RepeatedPtrField<v1::ClientRejection> kNoRejections;

common::v1::SourceKey Customer(const std::string& id) {
  common::v1::SourceKey key;
  key.set_system("web_shop");
  key.set_id(id);
  return key;
}

common::v1::Event ProductEvent(const std::string& event_id, const std::string& name) {
  common::v1::Event e;
  e.set_event_id(event_id);
  e.set_channel(common::v1::CHANNEL_ONLINE_SHOP);
  e.mutable_source()->set_system("catalog");
  e.mutable_source()->set_id(event_id);
  testing::SetTime(testing::kBaseTime, e.mutable_occurred_at());
  e.mutable_product_upsert()->set_sku("SKU-" + event_id);
  e.mutable_product_upsert()->set_name(name);
  return e;
}

class SealedEventLogTest : public ::testing::Test {
 protected:
  SealedEventLogTest() { Open(); }

  // Opens (again: a restart) both stores and the log.
  void Open() {
    log_.reset();
    keys_.reset();
    key_store_.reset();
    store_.reset();
    storage::RocksDbOptions db;
    db.path = dir_.Sub("ingest");
    db.column_families = IngestColumnFamilies();
    store_ = std::move(storage::OpenRocksDbStore(db)).value();
    storage::RocksDbOptions keys_db;
    keys_db.path = dir_.Sub(privacy::kKeyStoreDir);
    keys_db.column_families = privacy::KeyStoreColumnFamilies();
    keys_db.sync_writes = true;
    key_store_ = std::move(storage::OpenRocksDbStore(keys_db)).value();
    keys_ = std::move(privacy::SubjectKeyStore::Open(key_store_.get())).value();
    EventLogOptions options;
    options.keys = keys_.get();
    log_ = std::move(EventLog::Open(store_.get(), options)).value();
  }

  std::vector<AppendResult> Append(
      const std::vector<common::v1::Event>& events,
      const google::protobuf::RepeatedPtrField<v1::ClientRejection>& rejections = kNoRejections) {
    std::vector<const common::v1::Event*> pointers;
    for (const auto& e : events) pointers.push_back(&e);
    std::vector<AppendResult> results;
    EXPECT_THAT(log_->Append(pointers, rejections, kNow, &results), IsOk());
    return results;
  }

  absl::StatusOr<std::vector<v1::LogEntry>> ReadAll() {
    std::vector<v1::LogEntry> entries;
    absl::StatusOr<ReadResult> read =
        log_->Read(0, 1, 1000, {}, [&](uint64_t sequence, std::string_view bytes) {
          if (!IsStoredLogEntryOf(bytes, 0, sequence)) return false;
          entries.emplace_back();
          return entries.back().ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
        });
    if (!read.ok()) return read.status();
    return entries;
  }

  EraseResult Erase(const std::vector<std::string>& ids) {
    std::vector<common::v1::SourceKey> keys;
    for (const auto& id : ids) keys.push_back(Customer(id));
    absl::StatusOr<EraseResult> result = log_->EraseSubjects(keys, "privacy-1", kNow);
    EXPECT_THAT(result, IsOk());
    return result.ok() ? *result : EraseResult();
  }

  std::string StoredValue(uint64_t sequence) {
    std::string key;
    storage::AppendUint32(key, 0);
    storage::AppendUint64(key, sequence);
    return store_->Get(kLogCf, key).value().value_or("");
  }

  std::vector<v1::DeadLetter> DeadLetters() {
    absl::StatusOr<v1::ListRejectedResponse> page = log_->dead_letters().List(1000, "");
    EXPECT_THAT(page, IsOk());
    if (!page.ok()) return {};
    return {page->dead_letters().begin(), page->dead_letters().end()};
  }

  // Flushes both stores' memtables into SST files, so a file scan sees everything.
  void Flush() {
    ASSERT_THAT(store_->Flush(), IsOk());
    ASSERT_THAT(key_store_->Flush(), IsOk());
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<storage::KvStore> key_store_;
  std::unique_ptr<privacy::SubjectKeyStore> keys_;
  std::unique_ptr<EventLog> log_;
};

TEST_F(SealedEventLogTest, EventsWithASubjectAreSealedAndReadBackWhole) {
  common::v1::Event consent = testing::CustomerEvent("consent-1", "c1");
  consent.mutable_consent_change()->set_purpose(common::v1::CONSENT_PURPOSE_MARKETING_EMAIL);
  consent.mutable_consent_change()->set_status(common::v1::CONSENT_STATUS_GRANTED);
  common::v1::Event interaction = testing::CustomerEvent("view-1", "c1");
  interaction.mutable_interaction()->set_type(common::v1::INTERACTION_TYPE_VIEW);
  interaction.mutable_interaction()->set_sku("SKU-1");
  const std::vector<common::v1::Event> events = {testing::CustomerEvent("cust-1", "c1"),
                                                 testing::OrderEvent("ord-1", "o1", "c1"),
                                                 testing::OrderEvent("guest-1", "o2", ""),
                                                 ProductEvent("prod-1", "Brass Samovar"),
                                                 consent,
                                                 interaction};
  for (const AppendResult& r : Append(events)) EXPECT_EQ(r.outcome, Outcome::kAccepted);

  // Subject events are stored sealed, guest orders and products plain.
  const std::vector<bool> sealed = {true, true, false, false, true, true};
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(IsSealedStoredEntry(StoredValue(i + 1)), sealed[i]) << i;
    EXPECT_EQ(StoredPayloadType(StoredValue(i + 1)), PayloadTypeOf(events[i])) << i;
  }
  absl::StatusOr<std::vector<v1::LogEntry>> entries = ReadAll();
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_FALSE((*entries)[i].erased());
    EXPECT_EQ((*entries)[i].sequence(), i + 1);
    EXPECT_TRUE(MessageDifferencer::Equals((*entries)[i].event(), events[i]))
        << (*entries)[i].event().DebugString();
  }
}

TEST_F(SealedEventLogTest, ErasureMakesExactlyThatSubjectsEntriesErased) {
  Append({testing::CustomerEvent("a-1", "c1"), testing::CustomerEvent("b-1", "c2"),
          testing::OrderEvent("a-2", "o1", "c1"), testing::OrderEvent("b-2", "o2", "c2"),
          ProductEvent("p-1", "Samovar")});
  absl::StatusOr<std::vector<v1::LogEntry>> before = ReadAll();
  ASSERT_THAT(before, IsOk());

  const EraseResult erased = Erase({"c1"});
  EXPECT_EQ(erased.keys_deleted, 1);  // c1's data key (c1 has no dead letters).
  EXPECT_THAT(erased.last_sequences, ElementsAre(std::make_pair(0u, 5u)));

  absl::StatusOr<std::vector<v1::LogEntry>> after = ReadAll();
  ASSERT_THAT(after, IsOk());
  ASSERT_EQ(after->size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    const v1::LogEntry& entry = (*after)[i];
    const bool of_c1 = entry.event().event_id().rfind("a-", 0) == 0;
    EXPECT_EQ(entry.erased(), of_c1) << i;
    if (!of_c1) {
      EXPECT_TRUE(MessageDifferencer::Equals(entry, (*before)[i])) << i;
      continue;
    }
    // Only event_id, channel and occurred_at are left.
    common::v1::Event stub;
    stub.set_event_id((*before)[i].event().event_id());
    stub.set_channel((*before)[i].event().channel());
    *stub.mutable_occurred_at() = (*before)[i].event().occurred_at();
    EXPECT_TRUE(MessageDifferencer::Equals(entry.event(), stub)) << entry.DebugString();
    EXPECT_EQ(entry.sequence(), (*before)[i].sequence());
  }
  // Idempotent: nothing left to delete, the same entries erased.
  EXPECT_EQ(Erase({"c1"}).keys_deleted, 0);
  absl::StatusOr<std::vector<v1::LogEntry>> again = ReadAll();
  ASSERT_THAT(again, IsOk());
  for (size_t i = 0; i < 5; ++i) EXPECT_TRUE(MessageDifferencer::Equals((*again)[i], (*after)[i]));
}

TEST_F(SealedEventLogTest, NoFileOfEitherStoreHoldsASealedEventsPlaintext) {
  // Needles without repeated parts, so that LZ4/ZSTD blocks cannot hide them.
  const std::string email = "zeynepkaya4711@example.org";
  const std::string product = "Antique Brass Samovar 4711";
  Append({testing::CustomerEvent("cust-1", "c1", email), ProductEvent("prod-1", product)});
  Flush();
  EXPECT_THAT(FilesContaining(dir_.Sub("ingest"), "zeynepkaya4711"), IsEmpty());
  EXPECT_THAT(FilesContaining(dir_.Sub(privacy::kKeyStoreDir), "zeynepkaya4711"), IsEmpty());
  // The scan is not blind: an unsealed product's name is there.
  EXPECT_THAT(FilesContaining(dir_.Sub("ingest"), product), Not(IsEmpty()));
}

TEST_F(SealedEventLogTest, ErasureDeletesTheSubjectsDeadLettersFromEveryFile) {
  // The needles have no repeated parts, so that LZ4/ZSTD blocks cannot hide them.
  const std::string bad_email = "zeynepkaya4711.example.org";
  const std::string other_bad = "mehmetdemir4712.example.org";
  google::protobuf::RepeatedPtrField<v1::ClientRejection> rejections;
  v1::ClientRejection* row = rejections.Add();
  row->set_source_name("customers.csv");
  row->set_row(7);
  row->set_field("email");
  row->set_raw("c1,Zeynep,Kaya,zk.raw.4711@example");
  v1::ClientRejection* other_row = rejections.Add();
  other_row->set_source_name("customers.csv");
  other_row->set_row(8);
  other_row->set_raw("c12,Mehmet,Demir,mehmet.raw.4712@example");
  std::vector<AppendResult> results = Append({testing::CustomerEvent("bad-1", "c1", bad_email),
                                              testing::CustomerEvent("bad-2", "c2", other_bad)},
                                             rejections);
  EXPECT_EQ(results[0].outcome, Outcome::kRejected);
  ASSERT_EQ(DeadLetters().size(), 4u);
  Flush();
  ASSERT_THAT(FilesContaining(dir_.path(), "zeynepkaya4711"), Not(IsEmpty()));
  ASSERT_THAT(FilesContaining(dir_.path(), "zk.raw.4711"), Not(IsEmpty()));

  // c1 never had an accepted event: no data key, but two letters (and their dedup keys).
  EXPECT_EQ(Erase({"c1"}).keys_deleted, 4);
  std::vector<std::string> left;
  for (const v1::DeadLetter& letter : DeadLetters()) {
    left.push_back(letter.has_event() ? letter.event().event_id() : letter.raw());
  }
  EXPECT_THAT(left, ElementsAre("bad-2", "c12,Mehmet,Demir,mehmet.raw.4712@example"));
  // The purge rewrote the dead-letter files compressed (ZSTD at the bottom level hides text
  // from a byte scan), so what is kept is checked above through the store; the key store
  // test below checks kept bytes in the files themselves (random keys do not compress).
  EXPECT_THAT(FilesContaining(dir_.path(), "zeynepkaya4711"), IsEmpty());
  EXPECT_THAT(FilesContaining(dir_.path(), "zk.raw.4711"), IsEmpty());
}

TEST_F(SealedEventLogTest, NoFileOfTheKeyStoreKeepsAShreddedKey) {
  Append({testing::CustomerEvent("a-1", "c1"), testing::CustomerEvent("b-1", "c2")});
  auto key_of = [&](const std::string& id) {
    return key_store_->Get(privacy::kDataKeysCf, keys_->Reference(Customer(id)))
        .value()
        .value_or("");
  };
  const std::string shredded = key_of("c1");
  const std::string kept = key_of("c2");
  ASSERT_EQ(shredded.size(), privacy::kDataKeyBytes);
  ASSERT_EQ(kept.size(), privacy::kDataKeyBytes);
  Flush();
  ASSERT_THAT(FilesContaining(dir_.Sub(privacy::kKeyStoreDir), shredded), Not(IsEmpty()));
  Erase({"c1"});
  EXPECT_THAT(FilesContaining(dir_.Sub(privacy::kKeyStoreDir), shredded), IsEmpty());
  EXPECT_THAT(FilesContaining(dir_.Sub(privacy::kKeyStoreDir), kept), Not(IsEmpty()));
  EXPECT_EQ(key_of("c1"), "");
  EXPECT_EQ(key_of("c2"), kept);
}

TEST_F(SealedEventLogTest, ASuppressedSubjectsEventsAreRejectedKeepingNoPayload) {
  Append({testing::CustomerEvent("a-1", "c1")});
  Erase({"c1"});
  common::v1::Event invalid = testing::CustomerEvent("a-4", "c1", "not-an-email.zeynep");
  std::vector<AppendResult> results = Append(
      {testing::CustomerEvent("a-2", "c1", "zeynep.new@example.org"),
       testing::OrderEvent("a-3", "o9", "c1"), invalid, testing::CustomerEvent("b-1", "c2")});
  ASSERT_EQ(results.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(results[i].outcome, Outcome::kRejected) << i;
    EXPECT_EQ(results[i].rejection.code, kErasedSubjectCode) << i;
    EXPECT_THAT(results[i].rejection.reason, Not(::testing::HasSubstr("c1")));
  }
  EXPECT_EQ(results[0].rejection.field, "source");
  EXPECT_EQ(results[1].rejection.field, "order.customer");
  EXPECT_EQ(results[3].outcome, Outcome::kAccepted);
  const std::vector<v1::DeadLetter> letters = DeadLetters();
  ASSERT_EQ(letters.size(), 3u);
  for (const v1::DeadLetter& letter : letters) {
    v1::DeadLetter expected;
    expected.set_id(letter.id());
    *expected.mutable_rejected_at() = letter.rejected_at();
    expected.set_event_id(letter.event_id());
    expected.set_code(kErasedSubjectCode);
    expected.set_field(letter.event_id() == "a-3" ? "order.customer" : "source");
    EXPECT_TRUE(MessageDifferencer::Equals(letter, expected)) << letter.DebugString();
  }
  // The suppression is listed as a salted hash, not the key.
  absl::StatusOr<privacy::privacy_v1::ListSuppressionsResponse> listed =
      keys_->ListSuppressions(0, "");
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->suppressions_size(), 1);
  EXPECT_EQ(listed->suppressions(0).hash().size(), 64u);
  EXPECT_EQ(listed->suppressions(0).request_id(), "privacy-1");
  EXPECT_EQ(listed->suppressions(0).since().seconds(), absl::ToUnixSeconds(kNow));
}

TEST_F(SealedEventLogTest, LiftingASuppressionLetsNewEventsInUnderANewKey) {
  Append({testing::CustomerEvent("a-1", "c1")});
  Erase({"c1"});
  EXPECT_EQ(log_->LiftSuppression(Customer("c1")).value(), true);
  EXPECT_EQ(log_->LiftSuppression(Customer("c1")).value(), false);
  EXPECT_EQ(log_->LiftSuppression(Customer("c9")).value(), false);
  std::vector<AppendResult> results = Append({testing::CustomerEvent("a-2", "c1")});
  EXPECT_EQ(results[0].outcome, Outcome::kAccepted);
  absl::StatusOr<std::vector<v1::LogEntry>> entries = ReadAll();
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_TRUE((*entries)[0].erased());  // The old key stays shredded.
  EXPECT_FALSE((*entries)[1].erased());
  EXPECT_EQ((*entries)[1].event().customer_upsert().email(), "ayse@example.com");
}

TEST_F(SealedEventLogTest, EntriesWrittenBeforeSealingStillRead) {
  // What the log stored before sealing existed: plain entries of subject events.
  const std::vector<common::v1::Event> old = {testing::CustomerEvent("old-1", "c1"),
                                              testing::OrderEvent("old-2", "o1", "c1")};
  auto batch = store_->NewWriteBatch();
  std::string value;
  for (size_t i = 0; i < old.size(); ++i) {
    EncodeStoredLogEntry(0, i + 1, kNow, old[i], &value);
    std::string key;
    storage::AppendUint32(key, 0);
    storage::AppendUint64(key, i + 1);
    batch->Put(kLogCf, key, value);
  }
  ASSERT_THAT(store_->Write(*batch), IsOk());
  Open();
  std::vector<AppendResult> results = Append({testing::CustomerEvent("new-1", "c1")});
  EXPECT_EQ(results[0].sequence, 3u);
  EXPECT_FALSE(IsSealedStoredEntry(StoredValue(1)));
  EXPECT_TRUE(IsSealedStoredEntry(StoredValue(3)));
  absl::StatusOr<std::vector<v1::LogEntry>> entries = ReadAll();
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_TRUE(MessageDifferencer::Equals((*entries)[0].event(), old[0]));
  EXPECT_TRUE(MessageDifferencer::Equals((*entries)[1].event(), old[1]));
  EXPECT_EQ((*entries)[2].event().event_id(), "new-1");
  EXPECT_FALSE((*entries)[2].erased());
}

TEST_F(SealedEventLogTest, KeysAndSuppressionsSurviveARestart) {
  Append({testing::CustomerEvent("a-1", "c1"), testing::CustomerEvent("b-1", "c2")});
  Erase({"c2"});
  Open();
  absl::StatusOr<std::vector<v1::LogEntry>> entries = ReadAll();
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_FALSE((*entries)[0].erased());
  EXPECT_EQ((*entries)[0].event().customer_upsert().email(), "ayse@example.com");
  EXPECT_TRUE((*entries)[1].erased());
  // The same subject gets the same key after the restart (its next event opens too), and
  // the suppression holds (the salt is kept).
  std::vector<AppendResult> results =
      Append({testing::CustomerEvent("a-2", "c1"), testing::CustomerEvent("b-2", "c2")});
  EXPECT_EQ(results[0].outcome, Outcome::kAccepted);
  EXPECT_EQ(results[1].rejection.code, kErasedSubjectCode);
  entries = ReadAll();
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_FALSE((*entries)[2].erased());
}

TEST_F(SealedEventLogTest, ADamagedOrMovedSealedEntryIsDataLoss) {
  Append({testing::CustomerEvent("a-1", "c1"), testing::CustomerEvent("a-2", "c1"),
          testing::CustomerEvent("a-3", "c1")});
  std::string damaged = StoredValue(3);
  damaged[damaged.size() - 20] ^= 0x01;
  auto batch = store_->NewWriteBatch();
  std::string key;
  storage::AppendUint32(key, 0);
  storage::AppendUint64(key, 3);
  batch->Put(kLogCf, key, damaged);
  ASSERT_THAT(store_->Write(*batch), IsOk());
  absl::StatusOr<std::vector<v1::LogEntry>> read = ReadAll();
  ASSERT_THAT(read, IsOk());  // What comes before the damage is delivered.
  EXPECT_EQ(read->size(), 2u);
  std::vector<v1::LogEntry> from_three;
  absl::StatusOr<ReadResult> at_damage =
      log_->Read(0, 3, 10, {}, [&](uint64_t, std::string_view) { return true; });
  EXPECT_EQ(at_damage.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(at_damage.status().message(), ::testing::HasSubstr("sequence 3"));

  // Entry 1 stored at position 2: it does not authenticate there.
  batch = store_->NewWriteBatch();
  std::string key2;
  storage::AppendUint32(key2, 0);
  storage::AppendUint64(key2, 2);
  batch->Put(kLogCf, key2, StoredValue(1));
  ASSERT_THAT(store_->Write(*batch), IsOk());
  absl::StatusOr<ReadResult> moved =
      log_->Read(0, 2, 10, {}, [&](uint64_t, std::string_view) { return true; });
  EXPECT_EQ(moved.status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(SealedEventLogTest, SubjectsOfPartitionsThisNodeDoesNotOwnAreLeftAlone) {
  log_.reset();
  EventLogOptions options;
  options.partition_count = 8;
  options.keys = keys_.get();
  // Find a customer of partition 0 and one of another partition.
  std::string mine, theirs;
  for (int i = 0; mine.empty() || theirs.empty(); ++i) {
    const std::string id = "c" + std::to_string(i);
    (log::PartitionOf(Customer(id), 8) == 0 ? mine : theirs) = id;
  }
  options.owned_partitions = {0};
  log_ = std::move(EventLog::Open(store_.get(), options)).value();
  Append({testing::CustomerEvent("m-1", mine)});
  const EraseResult erased = Erase({mine, theirs});
  EXPECT_EQ(erased.keys_deleted, 1);
  EXPECT_THAT(erased.last_sequences, ElementsAre(std::make_pair(0u, 1u)));
  absl::StatusOr<privacy::privacy_v1::ListSuppressionsResponse> listed =
      keys_->ListSuppressions(0, "");
  ASSERT_THAT(listed, IsOk());
  EXPECT_EQ(listed->suppressions_size(), 1);  // Only the owned one.
}

TEST(SubjectKeyStoreTest, ListsSuppressionsInPages) {
  testing::TempDir dir;
  storage::RocksDbOptions db;
  db.path = dir.Sub("keys");
  db.column_families = privacy::KeyStoreColumnFamilies();
  auto store = std::move(storage::OpenRocksDbStore(db)).value();
  auto keys = std::move(privacy::SubjectKeyStore::Open(store.get())).value();
  std::vector<std::pair<std::string, uint32_t>> subjects;
  for (int i = 0; i < 5; ++i) {
    subjects.emplace_back(keys->Reference(Customer("c" + std::to_string(i))), 0);
  }
  ASSERT_THAT(keys->Shred(subjects, "privacy-7", kNow), IsOk());
  std::vector<std::string> hashes;
  std::string token;
  do {
    absl::StatusOr<privacy::privacy_v1::ListSuppressionsResponse> page =
        keys->ListSuppressions(2, token);
    ASSERT_THAT(page, IsOk());
    EXPECT_LE(page->suppressions_size(), 2);
    for (const auto& s : page->suppressions()) hashes.push_back(s.hash());
    token = page->next_page_token();
  } while (!token.empty());
  EXPECT_EQ(hashes.size(), 5u);
  EXPECT_TRUE(std::is_sorted(hashes.begin(), hashes.end()));
  EXPECT_EQ(keys->ListSuppressions(0, "zz").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(keys->ListSuppressions(1001, "").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace clientele::ingest
