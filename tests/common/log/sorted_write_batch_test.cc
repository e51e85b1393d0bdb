#include "common/log/sorted_write_batch.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::log {
namespace {

using ::testing::ElementsAre;

// Records the changes it receives as "cf:P:key=value" / "cf:D:key".
class RecordingBatch final : public storage::WriteBatch {
 public:
  void Put(storage::ColumnFamilyId cf, std::string_view key, std::string_view value) override {
    ops.push_back(std::to_string(cf) + ":P:" + std::string(key) + "=" + std::string(value));
  }
  void Delete(storage::ColumnFamilyId cf, std::string_view key) override {
    ops.push_back(std::to_string(cf) + ":D:" + std::string(key));
  }
  int Count() const override { return static_cast<int>(ops.size()); }
  size_t ByteSize() const override { return 0; }
  void Clear() override { ops.clear(); }

  std::vector<std::string> ops;
};

TEST(SortedWriteBatchTest, AppendsInColumnFamilyAndKeyOrder) {
  SortedWriteBatch sorted;
  sorted.Put(2, "b", "1");
  sorted.Put(1, "z", "2");
  sorted.Delete(2, "a");
  sorted.Put(1, "y", "3");
  EXPECT_EQ(sorted.Count(), 4);
  RecordingBatch out;
  sorted.AppendTo(out);
  EXPECT_THAT(out.ops, ElementsAre("1:P:y=3", "1:P:z=2", "2:D:a", "2:P:b=1"));
}

TEST(SortedWriteBatchTest, KeepsTheOrderOfChangesToOneKey) {
  SortedWriteBatch sorted;
  sorted.Put(0, "k", "first");
  sorted.Put(0, "a", "x");
  sorted.Delete(0, "k");
  sorted.Put(0, "k", "last");
  RecordingBatch out;
  sorted.AppendTo(out);
  EXPECT_THAT(out.ops, ElementsAre("0:P:a=x", "0:P:k=first", "0:D:k", "0:P:k=last"));
}

TEST(SortedWriteBatchTest, ComparesKeysAsUnsignedBytesLikeRocksDb) {
  SortedWriteBatch sorted;
  sorted.Put(0, std::string("\xff", 1), "high");
  sorted.Put(0, std::string("\x01\x00", 2), "low");
  sorted.Put(0, std::string("\x01", 1), "prefix");
  RecordingBatch out;
  sorted.AppendTo(out);
  ASSERT_EQ(out.ops.size(), 3u);
  EXPECT_EQ(out.ops[0], "0:P:\x01=prefix");
  EXPECT_EQ(out.ops[1], std::string("0:P:\x01\x00=low", 10));
  EXPECT_EQ(out.ops[2], "0:P:\xff=high");
}

TEST(SortedWriteBatchTest, ClearEmptiesIt) {
  SortedWriteBatch sorted;
  sorted.Put(0, "k", "v");
  sorted.Clear();
  EXPECT_EQ(sorted.Count(), 0);
  EXPECT_EQ(sorted.ByteSize(), 0u);
  RecordingBatch out;
  sorted.AppendTo(out);
  EXPECT_TRUE(out.ops.empty());
}

}  // namespace
}  // namespace clientele::log
