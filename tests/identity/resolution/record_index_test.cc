// RecordIndex: records and profiles in memory, contact lookups, aliases, loading from the store.
#include "identity/resolution/record_index.h"

#include "clientele/identity/resolution/identity_state.pb.h"
#include "common/storage/key_encoding.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/resolution/internal/resolver_keys.h"
#include "tests/identity/resolution/parts_test_util.h"

namespace clientele::identity {
namespace {

using testing::AddIndexed;
using testing::AddProfile;
using ::testing::ElementsAre;
using testing::PersonOf;
using testing::TestMatcher;
using testing::TestStore;

TEST(RecordIndexTest, RecordsAreNumberedInArrivalOrderAndFoundByKey) {
  RecordIndex index;
  EXPECT_EQ(index.AddRecord("shop/1"), 0u);
  EXPECT_EQ(index.AddRecord("pos/7"), 1u);
  ASSERT_NE(index.FindRecord("pos/7"), nullptr);
  EXPECT_EQ(*index.FindRecord("pos/7"), 1u);
  EXPECT_EQ(index.FindRecord("pos/8"), nullptr);
  EXPECT_TRUE(index.HasRecord("shop/1"));
  EXPECT_EQ(index.record(1).key, "pos/7");
  EXPECT_EQ(index.record(1).profile, 0u);  // In no profile yet.
  EXPECT_EQ(index.record_count(), 2u);
}

TEST(RecordIndexTest, ContactMapsFollowTheRecordsPerson) {
  RecordIndex index;
  TestMatcher matcher;
  const uint32_t a = AddIndexed(index, matcher, PersonOf("s/a", "x@e.com", "+905321"));
  const uint32_t b = AddIndexed(index, matcher, PersonOf("s/b", "x@e.com"));
  ASSERT_NE(index.RecordsWithEmail("x@e.com"), nullptr);
  EXPECT_THAT(*index.RecordsWithEmail("x@e.com"), ElementsAre(a, b));
  EXPECT_THAT(*index.RecordsWithPhone("+905321"), ElementsAre(a));

  index.IndexContacts(a, false);
  index.record(a).person.email = "y@e.com";
  index.record(a).person.phone.clear();
  index.IndexContacts(a, true);
  EXPECT_THAT(*index.RecordsWithEmail("x@e.com"), ElementsAre(b));
  EXPECT_THAT(*index.RecordsWithEmail("y@e.com"), ElementsAre(a));
  EXPECT_EQ(index.RecordsWithPhone("+905321"), nullptr);  // An emptied list is dropped.
}

TEST(RecordIndexTest, CanonicalResolvesAliasesAndMemberPersonsIsCapped) {
  RecordIndex index;
  TestMatcher matcher;
  for (int i = 0; i < 3; ++i) AddIndexed(index, matcher, PersonOf(absl::StrCat("s/", i), ""));
  AddProfile(index, 1, {0, 1, 2});
  index.SetAlias(5, 1);
  EXPECT_EQ(index.Canonical(1), 1u);
  EXPECT_EQ(index.Canonical(5), 1u);
  EXPECT_EQ(index.Canonical(6), 0u);
  EXPECT_EQ(index.MemberPersons(1, 2).size(), 2u);
  EXPECT_EQ(index.MemberPersons(1, 2)[1], &index.record(1).person);
  EXPECT_TRUE(index.MemberPersons(9, 2).empty());
  EXPECT_EQ(index.NewProfileNumber(), 2u);
  EXPECT_EQ(index.NewProfileNumber(), 3u);
}

TEST(RecordIndexTest, LoadRebuildsRecordsProfilesAliasesAndPostingsFromTheStore) {
  TestStore store;
  TestMatcher matcher;
  auto batch = store->NewWriteBatch();
  auto put_record = [&](const std::string& key, const std::string& email, uint64_t profile) {
    resolution::StoredRecord stored;
    stored.set_person(EncodePersonRecord(PersonOf(key, email)));
    stored.set_profile(profile);
    batch->Put(kRecordsCf, key, stored.SerializeAsString());
  };
  put_record("s/a", "x@e.com", 1);
  put_record("s/b", "x@e.com", 1);
  put_record("s/c", "", 0);  // Its profile is in record_profile (older stores).
  batch->Put(kRecordProfileCf, "s/c", storage::EncodeUint64(3));
  resolution::StoredProfile p1, p3;
  p1.add_aliases(2);
  resolution_internal::SetTimestamp(absl::FromUnixSeconds(100), p1.mutable_created_at());
  batch->Put(kProfilesCf, storage::EncodeUint64(1), p1.SerializeAsString());
  batch->Put(kProfilesCf, storage::EncodeUint64(3), p3.SerializeAsString());
  batch->Put(kAliasesCf, storage::EncodeUint64(2), storage::EncodeUint64(1));
  ASSERT_TRUE(store->Write(*batch).ok());

  RecordIndex index;
  index.AddRecord("stale/1");  // Forgotten by Load.
  ASSERT_TRUE(index.Load(*store, matcher).ok());
  EXPECT_EQ(index.record_count(), 3u);
  EXPECT_EQ(index.FindRecord("stale/1"), nullptr);
  const uint32_t c = *index.FindRecord("s/c");
  EXPECT_EQ(index.record(c).profile, 3u);
  EXPECT_THAT(index.profiles().at(1).members,
              ElementsAre(*index.FindRecord("s/a"), *index.FindRecord("s/b")));
  EXPECT_THAT(index.profiles().at(1).aliases, ElementsAre(2u));
  EXPECT_EQ(index.profiles().at(1).created_at, absl::FromUnixSeconds(100));
  EXPECT_EQ(index.Canonical(2), 1u);
  ASSERT_NE(index.blocking().Find("e:x@e.com"), nullptr);
  EXPECT_EQ(index.blocking().Find("e:x@e.com")->size(), 2u);
  EXPECT_EQ(index.RecordsWithEmail("x@e.com")->size(), 2u);
}

TEST(RecordIndexTest, LoadRejectsARecordWithoutProfile) {
  TestStore store;
  TestMatcher matcher;
  resolution::StoredRecord stored;
  stored.set_person(EncodePersonRecord(PersonOf("s/a", "")));
  stored.set_profile(4);
  auto batch = store->NewWriteBatch();
  batch->Put(kRecordsCf, "s/a", stored.SerializeAsString());
  ASSERT_TRUE(store->Write(*batch).ok());
  RecordIndex index;
  absl::Status s = index.Load(*store, matcher);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("record s/a has no profile"));
}

}  // namespace
}  // namespace clientele::identity
