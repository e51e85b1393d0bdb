// ProfileQueries: lookups, paging, Resolve without storing, the profile map in chunks.
#include "identity/resolution/profile_queries.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/identity/resolution/parts_test_util.h"
#include "tests/identity/resolution/resolver_test_util.h"

namespace clientele::identity {
namespace {

using testing::Key;
using testing::Upsert;
using testing::WiredParts;

class ProfileQueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Profiles 1 (shop/1, app/1) and 2 (pos/1), which share a phone with profile 1.
    ASSERT_TRUE(w_.Apply(Upsert("shop", "1", {.email = "ayse@example.com"})).ok());
    ASSERT_TRUE(w_.Apply(Upsert("pos", "1", {.email = "x@example.com", .given = "Fatma"})).ok());
    ASSERT_TRUE(
        w_.Apply(Upsert("app", "1",
                        {.email = "ayse@example.com", .phone = "05321234567", .given = "Ayse"}))
            .ok());
    ASSERT_TRUE(w_.Apply(Upsert("pos", "1", {.phone = "05321234567"})).ok());
  }
  WiredParts w_;
};

TEST_F(ProfileQueriesTest, LookupBySourceProfileIdEmailAndPhone) {
  v1::ProfileLookup lookup;
  *lookup.mutable_source() = Key("app", "1");
  EXPECT_EQ(*w_.queries.Lookup(lookup, nullptr), 1u);
  lookup.set_profile_id("P0000000002");
  EXPECT_EQ(*w_.queries.Lookup(lookup, nullptr), 2u);
  lookup.set_email("AYSE@example.com");
  EXPECT_EQ(*w_.queries.Lookup(lookup, nullptr), 1u);
  lookup.set_phone("0532 123 45 67");  // Two profiles: the lowest, the other in `others`.
  std::vector<uint64_t> others;
  EXPECT_EQ(*w_.queries.Lookup(lookup, &others), 1u);
  EXPECT_THAT(others, ::testing::ElementsAre(2u));
  lookup.set_phone("12");
  EXPECT_EQ(w_.queries.Lookup(lookup, nullptr).status().message(),
            "lookup.phone: not a valid phone number");
  lookup.set_profile_id("P0000000009");
  EXPECT_EQ(w_.queries.Lookup(lookup, nullptr).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(w_.queries.Lookup(v1::ProfileLookup(), nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ProfileQueriesTest, GetProfileListsMembersInKeyOrderWithTheGoldenRecord) {
  v1::ProfileLookup lookup;
  lookup.set_profile_id("P0000000001");
  absl::StatusOr<v1::GetProfileResponse> p = w_.queries.GetProfile(lookup);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->profile().members_size(), 2);
  EXPECT_EQ(p->profile().members(0).system(), "app");
  EXPECT_EQ(p->profile().members(1).system(), "shop");
  EXPECT_FALSE(p->profile().golden().DebugString().empty());
}

TEST_F(ProfileQueriesTest, ListsPageByProfileNumberAndMemberKey) {
  v1::ListProfilesRequest list;
  list.set_page_size(1);
  absl::StatusOr<v1::ListProfilesResponse> page = w_.queries.ListProfiles(list);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total(), 2);
  EXPECT_EQ(page->profiles(0).member_count(), 2);
  EXPECT_EQ(page->next_page_token(), "P0000000002");
  list.set_page_size(-1);
  EXPECT_EQ(w_.queries.ListProfiles(list).status().message(), "page_size: must not be negative");

  v1::ListMembersRequest members;
  members.set_profile_id("P0000000001");
  members.set_page_size(1);
  absl::StatusOr<v1::ListMembersResponse> m = w_.queries.ListMembers(members);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->members(0).source().system(), "app");
  EXPECT_EQ(m->next_page_token(), "shop/1");
  EXPECT_EQ(*ProfileQueries::PageSize(0), 100);
  EXPECT_EQ(*ProfileQueries::PageSize(5000), 1000);
}

TEST_F(ProfileQueriesTest, ResolveRanksProfilesWithoutStoringAndExcludesTheOwnRecord) {
  v1::ResolveRequest request;
  request.mutable_record()->set_email("ayse@example.com");
  absl::StatusOr<ResolveSubject> subject =
      ProfileQueries::ResolveSubjectOf(request, w_.options.normalization);
  ASSERT_TRUE(subject.ok());
  EXPECT_EQ(subject->limit, 10u);
  v1::ResolveResponse response = w_.queries.Resolve(*subject);
  EXPECT_EQ(response.decision(), v1::MATCH_DECISION_LINK);
  EXPECT_EQ(response.profile_id(), "P0000000001");
  EXPECT_EQ(response.candidates_size(), 1);  // One per profile.
  EXPECT_EQ(w_.index.record_count(), 3u);

  *request.mutable_source() = Key("shop", "1");
  request.mutable_record()->set_email("nobody@example.com");
  response = w_.queries.Resolve(*ProfileQueries::ResolveSubjectOf(request, {}));
  EXPECT_EQ(response.decision(), v1::MATCH_DECISION_NO_LINK);
  request.set_max_candidates(-1);
  EXPECT_EQ(ProfileQueries::ResolveSubjectOf(request, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ProfileQueriesTest, ProfileMapChunksCoverTheRecordsOfASystem) {
  size_t next = 0;
  v1::GetProfileMapResponse chunk;
  w_.queries.ProfileMapChunk("pos/", 10, &next, chunk);
  ASSERT_EQ(chunk.entries_size(), 1);
  EXPECT_EQ(chunk.entries(0).profile_id(), "P0000000002");
  EXPECT_EQ(next, 3u);
  next = 0;
  v1::GetProfileMapResponse first;
  w_.queries.ProfileMapChunk("", 2, &next, first);
  EXPECT_EQ(first.entries_size(), 2);
  EXPECT_EQ(next, 2u);
}

}  // namespace
}  // namespace clientele::identity
