#include "ingest/node_partitions.h"

#include <memory>
#include <string>
#include <vector>

#include "common/log/partitioning.h"
#include "common/storage/key_encoding.h"
#include "common/testing/status_matchers.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/consumer_registry.h"
#include "ingest/event_log.h"
#include "ingest/ingest_schema.h"
#include "tests/ingest/ingest_test_store.h"

namespace clientele::ingest {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::IsOk;

NodePartitionsOptions Options(uint32_t count, std::vector<uint32_t> owned, bool release = false) {
  NodePartitionsOptions options;
  options.partition_count = count;
  options.owned = std::move(owned);
  options.release_unowned = release;
  options.store_path = "data/ingest";
  return options;
}

// Keys of `cf` that start with `partition`.
int KeysOf(const storage::KvStore& store, storage::ColumnFamilyId cf, uint32_t partition) {
  std::string begin, end;
  storage::AppendUint32(begin, partition);
  storage::AppendUint32(end, partition + 1);
  auto it = store.NewIterator(cf, {begin, end});
  int n = 0;
  for (it->Seek(begin); it->Valid(); it->Next()) ++n;
  return n;
}

class NodePartitionsTest : public ::testing::Test {
 protected:
  // Appends customer events until each of partitions 0..2 of 3 has at least one.
  void FillThreePartitions() {
    EventLogOptions options;
    options.partition_count = 3;
    auto log = EventLog::Open(store_.get(), options);
    ASSERT_THAT(log.status(), IsOk());
    std::vector<common::v1::Event> events;
    for (int i = 0; i < 30; ++i) {
      events.push_back(testing::CustomerEvent("ev-" + std::to_string(i), "c-" + std::to_string(i)));
    }
    std::vector<const common::v1::Event*> pointers;
    for (const auto& e : events) pointers.push_back(&e);
    std::vector<AppendResult> results;
    ASSERT_THAT((*log)->Append(pointers, {}, absl::Now(), &results), IsOk());
    for (uint32_t p = 0; p < 3; ++p) ASSERT_GT((*log)->LastSequence(p), 0u) << p;
  }

  IngestTestStore store_;
};

TEST_F(NodePartitionsTest, TheCountIsRecordedOnFirstOpenAndAnotherCountIsRefused) {
  ASSERT_THAT(OpenNodePartitions(*store_.get(), Options(3, {})), IsOk());
  store_.Reopen();
  EXPECT_THAT(OpenNodePartitions(*store_.get(), Options(3, {})), IsOk());
  const absl::Status other = OpenNodePartitions(*store_.get(), Options(4, {}));
  EXPECT_TRUE(absl::IsFailedPrecondition(other)) << other;
  EXPECT_THAT(other.message(),
              AllOf(HasSubstr("--partition_count=4"), HasSubstr("created with --partition_count=3"),
                    HasSubstr("data/ingest")));
}

TEST_F(NodePartitionsTest, DataWrittenBeforeTheRecordWithALargerCountIsRefused) {
  FillThreePartitions();  // No record yet: a store of an older version.
  const absl::Status smaller = OpenNodePartitions(*store_.get(), Options(2, {}));
  EXPECT_TRUE(absl::IsFailedPrecondition(smaller)) << smaller;
  EXPECT_THAT(smaller.message(), HasSubstr("holds the log of partition 2"));
  EXPECT_THAT(OpenNodePartitions(*store_.get(), Options(3, {0, 1, 2})), IsOk());
}

TEST_F(NodePartitionsTest, DroppingAPartitionWithALogIsRefusedUnlessReleased) {
  ASSERT_THAT(OpenNodePartitions(*store_.get(), Options(3, {0, 2})), IsOk());
  FillThreePartitions();
  // Owning 1 more is fine; leaving 2 out would strand its log.
  EXPECT_THAT(OpenNodePartitions(*store_.get(), Options(3, {0, 1, 2})), IsOk());
  const absl::Status dropped = OpenNodePartitions(*store_.get(), Options(3, {0}));
  EXPECT_TRUE(absl::IsFailedPrecondition(dropped)) << dropped;
  EXPECT_THAT(dropped.message(),
              AllOf(HasSubstr("--partitions=0"), HasSubstr("holds the log of partition(s) 1,2"),
                    HasSubstr("--release_unowned_partitions")));
  // Refused: nothing changed.
  EXPECT_GT(KeysOf(*store_.get(), kLogCf, 2), 0);

  {
    auto consumers = ConsumerRegistry::Open(store_.get());
    ASSERT_THAT(consumers.status(), IsOk());
    ASSERT_THAT((*consumers)->Commit("identity", 1, 1, "", absl::Now()), IsOk());
    ASSERT_THAT((*consumers)->Commit("identity", 2, 1, "", absl::Now()), IsOk());
  }
  // Released (its data was copied to its new owner): deleted here.
  ASSERT_THAT(OpenNodePartitions(*store_.get(), Options(3, {0, 1}, /*release=*/true)), IsOk());
  auto consumers = ConsumerRegistry::Open(store_.get());
  ASSERT_THAT(consumers.status(), IsOk());
  ASSERT_EQ((*consumers)->List().size(), 1u);
  EXPECT_EQ((*consumers)->List()[0].partition(), 1u);
  EXPECT_EQ(KeysOf(*store_.get(), kLogCf, 2), 0);
  EXPECT_EQ(KeysOf(*store_.get(), kEventIdsCf, 2), 0);
  EXPECT_GT(KeysOf(*store_.get(), kLogCf, 0), 0);
  EXPECT_GT(KeysOf(*store_.get(), kEventIdsCf, 1), 0);
  store_.Reopen();
  EXPECT_THAT(OpenNodePartitions(*store_.get(), Options(3, {0, 1})), IsOk());
  // The copy of 2 was given up: serving it again from here would reuse its sequences.
  const absl::Status stale = OpenNodePartitions(*store_.get(), Options(3, {0, 1, 2}));
  EXPECT_TRUE(absl::IsFailedPrecondition(stale)) << stale;
  EXPECT_THAT(stale.message(), HasSubstr("released partition(s) 2"));
}

TEST_F(NodePartitionsTest, AnOwnedPartitionWithoutEntriesIsDroppedSilently) {
  ASSERT_THAT(OpenNodePartitions(*store_.get(), Options(3, {0, 2})), IsOk());
  EXPECT_THAT(OpenNodePartitions(*store_.get(), Options(3, {1})), IsOk());
  // Nothing was released: 0 and 2 may be owned again.
  EXPECT_THAT(OpenNodePartitions(*store_.get(), Options(3, {0, 1, 2})), IsOk());
}

}  // namespace
}  // namespace clientele::ingest
