// AuditLog: ids, the per-profile index, paging, and compact explanations expanded with the
// model snapshot that decided.
#include "identity/resolution/audit_log.h"

#include "common/storage/key_encoding.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/resolution/internal/resolver_keys.h"
#include "tests/identity/resolution/parts_test_util.h"

namespace clientele::identity {
namespace {

using testing::TestMatcher;
using testing::TestStore;

class AuditLogTest : public ::testing::Test {
 protected:
  v1::AuditEntry& Entry(v1::AuditAction action, std::vector<std::string> profiles) {
    v1::AuditEntry& e = audit_.NewEntry();
    e.set_action(action);
    for (const std::string& p : profiles) e.add_profile_ids(p);
    return e;
  }
  std::vector<uint64_t> Ids(const v1::GetAuditResponse& response) {
    std::vector<uint64_t> ids;
    for (const v1::AuditEntry& e : response.entries()) ids.push_back(e.id());
    return ids;
  }

  TestStore store_;
  TestMatcher matcher_;
  google::protobuf::Arena arena_;
  AuditLog audit_{store_.get(), &matcher_, &arena_};
};

TEST_F(AuditLogTest, EntriesAreNumberedAndIndexedByEveryProfileTheyName) {
  auto batch = store_->NewWriteBatch();
  audit_.Append(Entry(v1::AUDIT_ACTION_CREATE, {"P0000000001"}), *batch);
  audit_.Append(Entry(v1::AUDIT_ACTION_AUTO_MERGE, {"P0000000001", "P0000000002"}), *batch);
  audit_.Append(Entry(v1::AUDIT_ACTION_CREATE, {"P0000000002", "not-an-id"}), *batch);
  ASSERT_TRUE(store_->Write(*batch).ok());
  EXPECT_EQ(audit_.next_id(), 4u);
  EXPECT_EQ(store_.Count(kAuditCf), 3);
  EXPECT_EQ(store_.Count(kAuditByProfileCf), 4);

  absl::StatusOr<v1::GetAuditResponse> one = audit_.Read({1}, 0, 100);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_THAT(Ids(*one), ::testing::ElementsAre(1u, 2u));
  EXPECT_EQ(one->entries(1).action(), v1::AUDIT_ACTION_AUTO_MERGE);
  // A profile and its alias: each entry once, in id order.
  EXPECT_THAT(Ids(*audit_.Read({2, 1}, 0, 100)), ::testing::ElementsAre(1u, 2u, 3u));
}

TEST_F(AuditLogTest, CountsDecisionsByActionUntilTakenOrCleared) {
  auto batch = store_->NewWriteBatch();
  audit_.Append(Entry(v1::AUDIT_ACTION_CREATE, {"P0000000001"}), *batch);
  audit_.Append(Entry(v1::AUDIT_ACTION_CREATE, {"P0000000002"}), *batch);
  audit_.Append(Entry(v1::AUDIT_ACTION_REVIEW, {"P0000000002"}), *batch);
  auto counts = audit_.TakeDecisionCounts();
  EXPECT_EQ(counts[v1::AUDIT_ACTION_CREATE], 2u);
  EXPECT_EQ(counts[v1::AUDIT_ACTION_REVIEW], 1u);
  EXPECT_EQ(audit_.TakeDecisionCounts()[v1::AUDIT_ACTION_CREATE], 0u);  // Taken.
  audit_.Append(Entry(v1::AUDIT_ACTION_LINK, {"P0000000001"}), *batch);
  audit_.ClearDecisionCounts();  // Its batch was dropped.
  EXPECT_EQ(audit_.TakeDecisionCounts()[v1::AUDIT_ACTION_LINK], 0u);
}

TEST_F(AuditLogTest, ReadPagesById) {
  auto batch = store_->NewWriteBatch();
  for (int i = 0; i < 5; ++i) audit_.Append(Entry(v1::AUDIT_ACTION_LINK, {"P0000000007"}), *batch);
  ASSERT_TRUE(store_->Write(*batch).ok());
  absl::StatusOr<v1::GetAuditResponse> page = audit_.Read({7}, 0, 2);
  ASSERT_TRUE(page.ok());
  EXPECT_THAT(Ids(*page), ::testing::ElementsAre(1u, 2u));
  EXPECT_EQ(page->next_page_token(), "3");
  page = audit_.Read({7}, 5, 2);
  EXPECT_THAT(Ids(*page), ::testing::ElementsAre(5u));
  EXPECT_EQ(page->next_page_token(), "");
}

TEST_F(AuditLogTest, CompactExplanationsAreExpandedWithTheirModelSnapshot) {
  auto batch = store_->NewWriteBatch();
  batch->Put(kModelCf, resolution_internal::ModelVersionKey(3), "m41");
  audit_.AppendExplained(Entry(v1::AUDIT_ACTION_REVIEW, {"P0000000001"}), /*pattern=*/6,
                         /*model_version=*/3, *batch);
  v1::AuditEntry& whole = Entry(v1::AUDIT_ACTION_MANUAL_MERGE, {"P0000000001"});
  whole.mutable_explanation()->set_match_weight(12.5);
  audit_.Append(whole, *batch);
  ASSERT_TRUE(store_->Write(*batch).ok());

  absl::StatusOr<v1::GetAuditResponse> read = audit_.Read({1}, 0, 100);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->entries_size(), 2);
  EXPECT_EQ(read->entries(0).explanation().match_weight(), 6);  // From the pattern...
  EXPECT_EQ(read->entries(0).explanation().rule(), "m41");      // ...as model 3 decided it.
  EXPECT_EQ(read->entries(1).explanation().match_weight(), 12.5);
  EXPECT_EQ(read->entries(1).explanation().rule(), "");
}

TEST_F(AuditLogTest, AMissingModelSnapshotIsDataLoss) {
  auto batch = store_->NewWriteBatch();
  audit_.AppendExplained(Entry(v1::AUDIT_ACTION_REVIEW, {"P0000000001"}), 1, 9, *batch);
  ASSERT_TRUE(store_->Write(*batch).ok());
  EXPECT_EQ(audit_.Read({1}, 0, 100).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace clientele::identity
