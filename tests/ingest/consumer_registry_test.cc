// ConsumerRegistry over a real RocksDB.
#include "ingest/consumer_registry.h"

#include "common/testing/status_matchers.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/ingest/ingest_test_store.h"

namespace clientele::ingest {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1704067200);

class ConsumerRegistryTest : public ::testing::Test {
 protected:
  ConsumerRegistryTest() { Open(); }
  void Open() {
    registry_.reset();
    absl::StatusOr<std::unique_ptr<ConsumerRegistry>> registry =
        ConsumerRegistry::Open(store_.get());
    ASSERT_THAT(registry, IsOk());
    registry_ = std::move(*registry);
  }

  IngestTestStore store_;
  std::unique_ptr<ConsumerRegistry> registry_;
};

TEST_F(ConsumerRegistryTest, TheFirstReportRegistersTheConsumer) {
  EXPECT_FALSE(registry_->IsRegistered("identity"));
  ASSERT_THAT(registry_->Commit("identity", 0, 12, "", kNow), IsOk());
  EXPECT_TRUE(registry_->IsRegistered("identity"));
  const std::vector<v1::ConsumerInfo> list = registry_->List();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].consumer(), "identity");
  EXPECT_EQ(list[0].partition(), 0u);
  EXPECT_EQ(list[0].applied_sequence(), 12u);
  EXPECT_EQ(FromProtoTimestamp(list[0].updated_at()), kNow);
}

TEST_F(ConsumerRegistryTest, ALowerReportIsIgnored) {
  ASSERT_THAT(registry_->Commit("analytics", 1, 40, "", kNow), IsOk());
  ASSERT_THAT(registry_->Commit("analytics", 1, 30, "", kNow), IsOk());
  EXPECT_EQ(registry_->List().at(0).applied_sequence(), 40u);
}

TEST_F(ConsumerRegistryTest, AnErrorIsKeptUntilAReportWithoutOne) {
  ASSERT_THAT(registry_->Commit("analytics", 0, 5, "DATA_LOSS at sequence 6", kNow), IsOk());
  EXPECT_EQ(registry_->List().at(0).error(), "DATA_LOSS at sequence 6");
  ASSERT_THAT(registry_->Commit("analytics", 0, 7, "", kNow), IsOk());
  EXPECT_EQ(registry_->List().at(0).error(), "");
}

TEST_F(ConsumerRegistryTest, ProgressSurvivesAReopen) {
  ASSERT_THAT(registry_->Commit("identity", 0, 3, "", kNow), IsOk());
  ASSERT_THAT(registry_->Commit("identity", 2, 9, "", kNow), IsOk());
  store_.Reopen();
  Open();
  EXPECT_TRUE(registry_->IsRegistered("identity"));
  ASSERT_EQ(registry_->List().size(), 2u);
  EXPECT_EQ(registry_->List().at(1).applied_sequence(), 9u);
}

TEST_F(ConsumerRegistryTest, RemoveForgetsEveryPartitionForGood) {
  ASSERT_THAT(registry_->Commit("old", 0, 3, "", kNow), IsOk());
  ASSERT_THAT(registry_->Commit("old", 1, 4, "", kNow), IsOk());
  ASSERT_THAT(registry_->Commit("kept", 0, 1, "", kNow), IsOk());
  absl::StatusOr<int> removed = registry_->Remove("old");
  ASSERT_THAT(removed, IsOk());
  EXPECT_EQ(*removed, 2);
  EXPECT_FALSE(registry_->IsRegistered("old"));
  EXPECT_THAT(registry_->Remove("old"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("old")));
  store_.Reopen();
  Open();
  EXPECT_FALSE(registry_->IsRegistered("old"));
  EXPECT_TRUE(registry_->IsRegistered("kept"));
}

TEST_F(ConsumerRegistryTest, FurthestAheadNamesTheConsumerBeyondTheLogsEnd) {
  ASSERT_THAT(registry_->Commit("a", 0, 10, "", kNow), IsOk());
  ASSERT_THAT(registry_->Commit("b", 0, 15, "", kNow), IsOk());
  ASSERT_THAT(registry_->Commit("c", 1, 99, "", kNow), IsOk());
  EXPECT_FALSE(registry_->FurthestAhead(0, 15).has_value());
  std::optional<v1::ConsumerInfo> ahead = registry_->FurthestAhead(0, 8);
  ASSERT_TRUE(ahead.has_value());
  EXPECT_EQ(ahead->consumer(), "b");
  EXPECT_EQ(ahead->applied_sequence(), 15u);
}

}  // namespace
}  // namespace clientele::ingest
