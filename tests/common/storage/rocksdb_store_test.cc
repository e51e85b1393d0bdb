#include "common/storage/rocksdb_store.h"

#include "common/storage/key_encoding.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::storage {
namespace {

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

}  // namespace
}  // namespace clientele::storage
