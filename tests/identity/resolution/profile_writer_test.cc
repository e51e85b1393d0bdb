// ProfileWriter and PendingRecords: membership changes reach memory, the records' stored form
// and the batch together; stored records of the batch in progress are read once and written
// once.
#include "identity/resolution/profile_writer.h"

#include "clientele/identity/resolution/identity_state.pb.h"
#include "common/storage/key_encoding.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/resolution/internal/resolver_keys.h"
#include "identity/resolution/pending_records.h"
#include "tests/identity/resolution/parts_test_util.h"

namespace clientele::identity {
namespace {

using resolution_internal::ProfileKey;
using ::testing::ElementsAre;
using testing::PersonOf;
using testing::TestMatcher;
using testing::TestStore;

class ProfileWriterTest : public ::testing::Test {
 protected:
  // A record stored in the store (and in memory) in `profile`.
  uint32_t StoredRecord(const std::string& key, uint64_t profile) {
    const uint32_t r = index_.AddRecord(key);
    writer_.Join(r, profile);
    resolution::StoredRecord stored;
    stored.mutable_source()->set_system("s");
    stored.set_profile(profile);
    auto batch = store_->NewWriteBatch();
    batch->Put(kRecordsCf, key, stored.SerializeAsString());
    EXPECT_TRUE(store_->Write(*batch).ok());
    return r;
  }
  uint64_t StoredProfileOf(uint32_t r) {
    resolution::StoredRecord stored;
    EXPECT_TRUE(stored.ParseFromString(store_.Value(kRecordsCf, index_.record(r).key)));
    return stored.profile();
  }

  TestStore store_;
  RecordIndex index_;
  google::protobuf::Arena arena_;
  PendingRecords pending_{store_.get(), &index_, &arena_};
  ProfileWriter writer_{&index_, &pending_};
};

TEST_F(ProfileWriterTest, NewProfileCountsUpAndStoresItsCreationTime) {
  auto batch = store_->NewWriteBatch();
  EXPECT_EQ(writer_.NewProfile(absl::FromUnixSeconds(7), *batch), 1u);
  EXPECT_EQ(writer_.NewProfile(absl::FromUnixSeconds(8), *batch), 2u);
  ASSERT_TRUE(store_->Write(*batch).ok());
  resolution::StoredProfile stored;
  ASSERT_TRUE(stored.ParseFromString(store_.Value(kProfilesCf, ProfileKey(2))));
  EXPECT_EQ(stored.created_at().seconds(), 8);
  EXPECT_EQ(index_.profiles().at(1).created_at, absl::FromUnixSeconds(7));
}

TEST_F(ProfileWriterTest, MergeKeepsTheOlderIdAndMakesTheYoungerAndItsAliasesAliases) {
  auto batch = store_->NewWriteBatch();
  for (int i = 0; i < 3; ++i) writer_.NewProfile(absl::FromUnixSeconds(i), *batch);
  ASSERT_TRUE(store_->Write(*batch).ok());
  const uint32_t a = StoredRecord("s/a", 2), b = StoredRecord("s/b", 3), c = StoredRecord("s/c", 1);

  batch = store_->NewWriteBatch();
  absl::StatusOr<uint64_t> survivor = writer_.Merge(3, 2, *batch);
  ASSERT_TRUE(survivor.ok()) << survivor.status();
  EXPECT_EQ(*survivor, 2u);
  survivor = writer_.Merge(2, 1, *batch);
  ASSERT_TRUE(survivor.ok());
  EXPECT_EQ(*survivor, 1u);
  pending_.PutChanged(*batch);
  ASSERT_TRUE(store_->Write(*batch).ok());
  pending_.Clear();

  EXPECT_THAT(index_.profiles().at(1).members, ElementsAre(c, a, b));
  EXPECT_THAT(index_.profiles().at(1).aliases, ElementsAre(2u, 3u));
  EXPECT_EQ(index_.Canonical(3), 1u);
  EXPECT_EQ(index_.profile_count(), 1u);
  EXPECT_EQ(StoredProfileOf(a), 1u);
  EXPECT_EQ(StoredProfileOf(b), 1u);
  EXPECT_EQ(store_.Value(kProfilesCf, ProfileKey(2)), "<none>");
  EXPECT_EQ(store_.Value(kAliasesCf, ProfileKey(3)), storage::EncodeUint64(1));
  resolution::StoredProfile stored;
  ASSERT_TRUE(stored.ParseFromString(store_.Value(kProfilesCf, ProfileKey(1))));
  EXPECT_THAT(stored.aliases(), ElementsAre(2u, 3u));
}

TEST_F(ProfileWriterTest, MoveChangesMembershipAndTheStoredRecord) {
  auto batch = store_->NewWriteBatch();
  writer_.NewProfile(absl::UnixEpoch(), *batch);
  writer_.NewProfile(absl::UnixEpoch(), *batch);
  const uint32_t a = StoredRecord("s/a", 1), b = StoredRecord("s/b", 1);
  ASSERT_TRUE(writer_.Move(a, 2).ok());
  pending_.PutChanged(*batch);
  ASSERT_TRUE(store_->Write(*batch).ok());
  EXPECT_THAT(index_.profiles().at(1).members, ElementsAre(b));
  EXPECT_THAT(index_.profiles().at(2).members, ElementsAre(a));
  EXPECT_EQ(StoredProfileOf(a), 2u);
}

TEST_F(ProfileWriterTest, AMergeWhoseRecordCannotBeReadChangesNothing) {
  auto batch = store_->NewWriteBatch();
  writer_.NewProfile(absl::UnixEpoch(), *batch);
  writer_.NewProfile(absl::UnixEpoch(), *batch);
  const uint32_t a = StoredRecord("s/a", 1);
  const uint32_t lost = index_.AddRecord("s/lost");  // In memory, not in the store.
  writer_.Join(lost, 2);
  absl::StatusOr<uint64_t> merged = writer_.Merge(1, 2, *batch);
  EXPECT_EQ(merged.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(index_.profiles().at(1).members, ElementsAre(a));
  EXPECT_THAT(index_.profiles().at(2).members, ElementsAre(lost));
  EXPECT_EQ(index_.Canonical(2), 2u);
}

TEST_F(ProfileWriterTest, PendingRecordsAreReadOnceAndWrittenOncePerPut) {
  const uint32_t a = StoredRecord("s/a", 1);
  absl::StatusOr<resolution::StoredRecord*> first = pending_.ForChange(a);
  ASSERT_TRUE(first.ok());
  (*first)->set_upserts(5);
  EXPECT_EQ(*pending_.ForChange(a), *first);  // The pending one, not the store's again.
  EXPECT_EQ(pending_.Get(a)->upserts(), 5u);  // Newer than the store.
  pending_.MarkChanged(a);
  pending_.MarkChanged(a);
  auto batch = store_->NewWriteBatch();
  pending_.PutChanged(*batch);
  EXPECT_EQ(batch->Count(), 1);
  pending_.PutChanged(*batch);  // Nothing changed since.
  EXPECT_EQ(batch->Count(), 1);
  pending_.Clear();
  EXPECT_EQ(pending_.Get(a)->upserts(), 0u);  // The store's again.
  const uint32_t lost = index_.AddRecord("s/lost");
  EXPECT_EQ(pending_.Get(lost).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace clientele::identity
