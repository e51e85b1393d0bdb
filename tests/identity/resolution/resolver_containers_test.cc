// The resolver's in-memory containers: the blocking index and the chunked record sequence.
#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/resolution/internal/blocking_index.h"
#include "identity/resolution/internal/chunked_vector.h"

namespace clientele::identity::resolution_internal {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<uint32_t> ListOf(const BlockingIndex& index, const std::string& key) {
  const BlockingIndex::Postings* list = index.Find(key);
  if (list == nullptr) return {};
  return {list->begin(), list->end()};
}

TEST(BlockingIndexTest, KeepsOneListPerKeyInInsertionOrder) {
  BlockingIndex index;
  index.Add("e:ayse@example.com", 7);
  index.Add("p:+905321234567", 7);
  index.Add("e:ayse@example.com", 3);
  for (uint32_t r = 10; r < 20; ++r) index.Add("gf:A200Y250", r);  // Past the inline size.

  EXPECT_THAT(ListOf(index, "e:ayse@example.com"), ElementsAre(7, 3));
  EXPECT_THAT(ListOf(index, "p:+905321234567"), ElementsAre(7));
  EXPECT_EQ(ListOf(index, "gf:A200Y250").size(), 10u);
  EXPECT_EQ(index.Find("e:other@example.com"), nullptr);
  EXPECT_EQ(index.KeyCount(), 3u);
}

TEST(BlockingIndexTest, RemoveDropsTheRecordAndEmptyLists) {
  BlockingIndex index;
  index.Add("d:19800101", 1);
  index.Add("d:19800101", 2);
  index.Add("e:x@example.com", 1);

  index.Remove("d:19800101", 1);
  index.Remove("e:x@example.com", 1);
  index.Remove("e:never@example.com", 1);  // Unknown key: nothing happens.
  index.Remove("d:19800101", 9);           // Record not in the list: nothing happens.

  EXPECT_THAT(ListOf(index, "d:19800101"), ElementsAre(2));
  EXPECT_EQ(index.Find("e:x@example.com"), nullptr);
  EXPECT_EQ(index.KeyCount(), 1u);
  index.Clear();
  EXPECT_EQ(index.Find("d:19800101"), nullptr);
}

TEST(BlockingIndexTest, HashIsFixedAndSeparatesNearKeys) {
  // The same key hashes alike in every process (collisions must not vary between runs).
  EXPECT_EQ(BlockingIndex::HashKey("e:ayse@example.com"),
            BlockingIndex::HashKey(std::string("e:ayse@") + "example.com"));
  std::vector<uint64_t> hashes;
  for (int i = 0; i < 100000; ++i)
    hashes.push_back(BlockingIndex::HashKey("d:" + std::to_string(i)));
  std::sort(hashes.begin(), hashes.end());
  EXPECT_EQ(std::adjacent_find(hashes.begin(), hashes.end()), hashes.end());
}

struct Counted {
  explicit Counted(int v, int* live) : value(v), live(live) { ++*live; }
  ~Counted() { --*live; }
  int value;
  int* live;
};

TEST(ChunkedVectorTest, ElementsStayPutWhileAppending) {
  int live = 0;
  {
    ChunkedVector<Counted, 4> v;
    EXPECT_TRUE(v.empty());
    std::vector<const Counted*> addresses;
    for (int i = 0; i < 11; ++i) addresses.push_back(&v.emplace_back(i, &live));
    EXPECT_EQ(v.size(), 11u);
    EXPECT_EQ(live, 11);
    for (int i = 0; i < 11; ++i) {
      EXPECT_EQ(&v[i], addresses[i]);  // Never moved by later appends.
      EXPECT_EQ(v[i].value, i);
    }
    v.clear();
    EXPECT_EQ(live, 0);
    EXPECT_TRUE(v.empty());
    v.emplace_back(42, &live);
    EXPECT_EQ(v[0].value, 42);
  }
  EXPECT_EQ(live, 0);  // The destructor destroys what is left.
}

TEST(ChunkedVectorTest, ConstructsInPlaceFromArguments) {
  ChunkedVector<std::string, 2> v;
  v.emplace_back("a");
  v.emplace_back(3, 'b');
  v.emplace_back();
  EXPECT_EQ(v[0], "a");
  EXPECT_EQ(v[1], "bbb");
  EXPECT_THAT(v[2], IsEmpty());
}

}  // namespace
}  // namespace clientele::identity::resolution_internal
