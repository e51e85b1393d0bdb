#include "common/storage/rocksdb_store.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "common/storage/key_encoding.h"
#include "common/testing/poll.h"
#include "common/testing/status_matchers.h"
#include "common/testing/store_scan.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::storage {
namespace {

using ::clientele::testing::CountFilesContaining;

using ::clientele::testing::IsOk;

TEST(KeyEncodingTest, BigEndianOrderEqualsNumericOrder) {
  const std::vector<uint64_t> values = {0,         1, 255, 256, 65535, 1ULL << 32, UINT64_MAX - 1,
                                        UINT64_MAX};
  for (size_t i = 0; i + 1 < values.size(); ++i) {
    EXPECT_LT(EncodeUint64(values[i]), EncodeUint64(values[i + 1]));
    EXPECT_EQ(DecodeUint64(EncodeUint64(values[i])), values[i]);
  }
  std::string k;
  AppendUint32(k, 0xdeadbeef);
  EXPECT_EQ(DecodeUint32(k), 0xdeadbeefu);
}

TEST(KeyEncodingTest, PrefixSuccessorBoundsEveryKeyWithThePrefix) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), "");
}

class RocksDbStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<KvStore> Open() {
    RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = {{"a"}, {"b", true}};
    return std::move(OpenRocksDbStore(options)).value();
  }
  // Flips 16 bytes inside the store's (only) table file.
  void DamageTheTableFile();

  clientele::testing::TempDir dir_;
};

TEST_F(RocksDbStoreTest, WriteBatchIsAtomicAcrossColumnFamiliesAndDurable) {
  {
    auto store = Open();
    auto batch = store->NewWriteBatch();
    batch->Put(0, "k1", "v1");
    batch->Put(1, "k1", "other");
    batch->Put(0, "k2", "v2");
    batch->Delete(0, "k2");
    EXPECT_EQ(batch->Count(), 4);
    ASSERT_THAT(store->Write(*batch), IsOk());
  }
  auto store = Open();
  EXPECT_EQ(store->Get(0, "k1")->value(), "v1");
  EXPECT_EQ(store->Get(1, "k1")->value(), "other");
  EXPECT_FALSE(store->Get(0, "k2")->has_value());
  auto many = store->MultiGet(0, {"k1", "nope"});
  ASSERT_EQ(many.size(), 2u);
  EXPECT_EQ(many[0]->value(), "v1");
  EXPECT_FALSE(many[1]->has_value());
}

TEST_F(RocksDbStoreTest, IteratorRespectsBoundsAndOrder) {
  auto store = Open();
  auto batch = store->NewWriteBatch();
  for (uint64_t i = 0; i < 10; ++i) batch->Put(0, EncodeUint64(i), std::to_string(i));
  ASSERT_THAT(store->Write(*batch), IsOk());
  auto it = store->NewIterator(0, {EncodeUint64(3), EncodeUint64(7)});
  std::vector<std::string> seen;
  for (it->Seek(EncodeUint64(0)); it->Valid(); it->Next()) seen.emplace_back(it->value());
  EXPECT_THAT(seen, ::testing::ElementsAre("3", "4", "5", "6"));
  it->SeekToLast();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->value(), "6");
  EXPECT_THAT(it->status(), IsOk());
  EXPECT_THAT(store->Flush(), IsOk());
}

TEST_F(RocksDbStoreTest, UnwritableDirectoryIsAClearError) {
  RocksDbOptions options;
  options.path = "/proc/clientele-cannot-be-here/db";
  options.column_families = {{"a"}};
  auto store = OpenRocksDbStore(options);
  EXPECT_FALSE(store.ok());
  EXPECT_THAT(std::string(store.status().message()),
              ::testing::HasSubstr("clientele-cannot-be-here"));
}

// Writes `n` batches of one key each to "a" (the WAL gets one record per batch).
void WriteKeys(KvStore& store, int n) {
  for (int i = 0; i < n; ++i) {
    auto batch = store.NewWriteBatch();
    batch->Put(0, EncodeUint64(i), std::string(100, 'v'));
    ASSERT_THAT(store.Write(*batch), IsOk());
  }
}

// The store's only WAL file (the test never flushes, so everything is in it).
std::string OnlyWalFile(const std::string& dir) {
  std::string wal;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log") wal = entry.path().string();
  }
  return wal;
}

void FlipBytes(const std::string& path, size_t offset, size_t count) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  std::string bytes(count, '\0');
  f.read(bytes.data(), static_cast<std::streamsize>(count));
  for (char& c : bytes) c = static_cast<char>(~c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(count));
}

// Issue 12, defect 1: RocksDB's default recovery (point in time) opened a WAL damaged in the
// middle without a word, keeping only the records before the damage.
TEST_F(RocksDbStoreTest, AWalDamagedInTheMiddleFailsTheOpenWithDataLossNamingTheStore) {
  {
    auto store = Open();
    WriteKeys(*store, 2000);
  }  // Closed without a flush: the data lives in the WAL only.
  const std::string wal = OnlyWalFile(dir_.Sub("db"));
  ASSERT_FALSE(wal.empty());
  const size_t size = std::filesystem::file_size(wal);
  ASSERT_GT(size, 100000u);
  FlipBytes(wal, size / 2, 16);

  RocksDbOptions options;
  options.path = dir_.Sub("db");
  options.column_families = {{"a"}, {"b", true}};
  absl::StatusOr<std::unique_ptr<KvStore>> reopened = OpenRocksDbStore(options);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(reopened.status().message()), ::testing::HasSubstr("store db"));
}

// A record torn by the crash itself (never acknowledged) is the one thing recovery drops.
TEST_F(RocksDbStoreTest, ATornTailRecordIsDroppedAndEverythingBeforeItKept) {
  {
    auto store = Open();
    WriteKeys(*store, 50);
  }
  const std::string wal = OnlyWalFile(dir_.Sub("db"));
  ASSERT_FALSE(wal.empty());
  std::filesystem::resize_file(wal, std::filesystem::file_size(wal) - 30);
  auto store = Open();
  int keys = 0;
  auto it = store->NewIterator(0);
  for (it->Seek(""); it->Valid(); it->Next()) ++keys;
  EXPECT_EQ(keys, 49);
  EXPECT_THAT(store->Health(), IsOk());
}

void RocksDbStoreTest::DamageTheTableFile() {
  std::string sst;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.Sub("db"))) {
    if (entry.path().extension() == ".sst") sst = entry.path().string();
  }
  ASSERT_FALSE(sst.empty());
  FlipBytes(sst, 4096, 16);
}

TEST_F(RocksDbStoreTest, VerifyChecksumsFindsADamagedTableFile) {
  {
    auto store = Open();
    WriteKeys(*store, 2000);
    ASSERT_THAT(store->Flush(), IsOk());
    EXPECT_THAT(store->VerifyChecksums(), IsOk());
  }
  ASSERT_NO_FATAL_FAILURE(DamageTheTableFile());
  auto store = Open();
  absl::Status verified = store->VerifyChecksums();
  EXPECT_EQ(verified.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(verified.message()), ::testing::HasSubstr("store db"));
  EXPECT_EQ(store->Health().code(), absl::StatusCode::kDataLoss);
}

TEST_F(RocksDbStoreTest, AReadOfADamagedTableFileTurnsHealthToDataLoss) {
  {
    auto store = Open();
    WriteKeys(*store, 2000);
    ASSERT_THAT(store->Flush(), IsOk());
  }
  ASSERT_NO_FATAL_FAILURE(DamageTheTableFile());
  auto store = Open();
  EXPECT_THAT(store->Health(), IsOk());
  absl::Status scanned;
  auto it = store->NewIterator(0);
  for (it->Seek(""); it->Valid(); it->Next()) {
  }
  scanned = it->status();
  EXPECT_EQ(scanned.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(store->Health().code(), absl::StatusCode::kDataLoss);
}

// Issue 12, defect 11: memtables of every store share one bound; before, each column family
// held up to two 64 MiB memtables and RSS grew by hundreds of MB under ingest load.
TEST_F(RocksDbStoreTest, StoresFlushOnceTheProcessMemtableBudgetIsReached) {
  const size_t before = ProcessMemtableBudget();
  SetProcessMemtableBudget(4 << 20);
  {
    auto store = Open();
    for (int i = 0; i < 400; ++i) {  // ~20 MB, well below one 64 MiB write buffer.
      auto batch = store->NewWriteBatch();
      for (int k = 0; k < 10; ++k) {
        batch->Put(0, EncodeUint64(i * 10 + k), std::string(5000, static_cast<char>('a' + k)));
      }
      ASSERT_THAT(store->Write(*batch), IsOk());
    }
    auto has_table_file = [&] {
      for (const auto& entry : std::filesystem::directory_iterator(dir_.Sub("db"))) {
        if (entry.path().extension() == ".sst") return true;
      }
      return false;
    };
    EXPECT_TRUE(clientele::testing::PollUntil(has_table_file, absl::Seconds(30)));
  }
  SetProcessMemtableBudget(before);
}

TEST_F(RocksDbStoreTest, PurgeDeletedLeavesNoByteOfTheDeletedValueInAnyFile) {
  const std::string erased = "erased-person@example.com";
  const std::string kept = "kept-person@example.com";
  {
    auto store = Open();
    // In an SST file (flushed) and, written again, in the write-ahead log.
    auto batch = store->NewWriteBatch();
    batch->Put(0, "p1", erased);
    batch->Put(1, "p2", kept);
    ASSERT_THAT(store->Write(*batch), IsOk());
    ASSERT_THAT(store->Flush(), IsOk());
    batch->Clear();
    batch->Put(1, "p1-copy", erased);
    ASSERT_THAT(store->Write(*batch), IsOk());
    batch->Clear();
    batch->Delete(0, "p1");
    batch->Delete(1, "p1-copy");
    ASSERT_THAT(store->Write(*batch), IsOk());
    // A delete alone leaves the bytes behind: the scan is not blind.
    ASSERT_GE(CountFilesContaining(dir_.Sub("db"), erased), 1);

    ASSERT_THAT(store->PurgeDeleted({0, 1}), IsOk());
    EXPECT_EQ(CountFilesContaining(dir_.Sub("db"), erased), 0);
    EXPECT_GE(CountFilesContaining(dir_.Sub("db"), kept), 1);
    EXPECT_EQ(*store->Get(1, "p2").value(), kept);
  }
  EXPECT_EQ(CountFilesContaining(dir_.Sub("db"), erased), 0);
  auto reopened = Open();
  EXPECT_FALSE(reopened->Get(0, "p1").value().has_value());
  EXPECT_EQ(*reopened->Get(1, "p2").value(), kept);
}

TEST_F(RocksDbStoreTest, DeleteRangeRemovesTheRangeAndPurgeDeletedRangeLeavesNoByteOfIt) {
  RocksDbOptions options;
  options.path = dir_.Sub("db");
  options.column_families = {{"ranges", false, /*range_deletions=*/true}, {"points"}};
  auto store = std::move(OpenRocksDbStore(options)).value();
  {
    // A family not declared for range deletions refuses them (see ColumnFamilySpec).
    auto refused = store->NewWriteBatch();
    EXPECT_EQ(refused->DeleteRange(1, "a", "z").code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(refused->Count(), 0);
  }
  // Values without a common substring, so that compression keeps each one whole.
  const std::map<std::string, std::string> values = {{"a", "apricot-91zq"},
                                                     {"b", "bluefin-x7t"},
                                                     {"c", "cormorant-m2"},
                                                     {"d", "dodecagon-5h"},
                                                     {"e", "emuwalrus-k8"}};
  auto batch = store->NewWriteBatch();
  for (const auto& [key, value] : values) batch->Put(0, key, value);
  ASSERT_THAT(store->Write(*batch), IsOk());
  ASSERT_THAT(store->Flush(), IsOk());
  batch->Clear();
  // [b, d): b and c go, with another change in the same write.
  ASSERT_THAT(batch->DeleteRange(0, "b", "d"), IsOk());
  batch->Put(1, "marker", "d");
  ASSERT_THAT(store->Write(*batch), IsOk());
  EXPECT_TRUE(store->Get(0, "a").value().has_value());
  EXPECT_FALSE(store->Get(0, "b").value().has_value());
  EXPECT_FALSE(store->Get(0, "c").value().has_value());
  EXPECT_TRUE(store->Get(0, "d").value().has_value());
  EXPECT_EQ(*store->Get(1, "marker").value(), "d");
  ASSERT_GE(CountFilesContaining(dir_.Sub("db"), values.at("b")), 1);  // The scan is not blind.

  ASSERT_THAT(store->PurgeDeletedRange(0, "b", "d"), IsOk());
  EXPECT_EQ(CountFilesContaining(dir_.Sub("db"), values.at("b")), 0);
  EXPECT_EQ(CountFilesContaining(dir_.Sub("db"), values.at("c")), 0);
  EXPECT_GE(CountFilesContaining(dir_.Sub("db"), values.at("a")), 1);
  EXPECT_GE(CountFilesContaining(dir_.Sub("db"), values.at("e")), 1);
  EXPECT_TRUE(store->Get(0, "e").value().has_value());
}

// A deleted key that bounded an SST file is recorded in the MANIFEST too (each file's smallest
// and largest key): PurgeDeleted leaves it there neither.
TEST_F(RocksDbStoreTest, PurgeDeletedLeavesNoDeletedKeyInTheManifest) {
  const std::string erased = "a-erased-person-key";  // The smallest key of its file.
  {
    auto store = Open();
    auto batch = store->NewWriteBatch();
    batch->Put(0, erased, "v");
    batch->Put(0, "m-kept-person-key", "v");
    batch->Put(0, "z-kept-person-key", "v");
    ASSERT_THAT(store->Write(*batch), IsOk());
    ASSERT_THAT(store->Flush(), IsOk());
    batch->Clear();
    batch->Delete(0, erased);
    ASSERT_THAT(store->Write(*batch), IsOk());
    ASSERT_THAT(store->PurgeDeleted({0}), IsOk());
    EXPECT_EQ(CountFilesContaining(dir_.Sub("db"), erased), 0);
    EXPECT_FALSE(store->Get(0, erased).value().has_value());
    EXPECT_TRUE(store->Get(0, "m-kept-person-key").value().has_value());
  }
  EXPECT_EQ(CountFilesContaining(dir_.Sub("db"), erased), 0);
}

}  // namespace
}  // namespace clientele::storage
