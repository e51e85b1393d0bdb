// ManualOperations: request checks, merge and split with their audit, constraints and
// idempotency, and Explain's best pair.
#include "identity/resolution/manual_operations.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/identity/resolution/parts_test_util.h"
#include "tests/identity/resolution/resolver_test_util.h"

namespace clientele::identity {
namespace {

using testing::Key;
using testing::Upsert;
using testing::WiredParts;

v1::MergeProfilesRequest MergeRequest(const std::string& into, const std::string& from,
                                      const std::string& key) {
  v1::MergeProfilesRequest r;
  r.set_into_profile_id(into);
  r.set_from_profile_id(from);
  r.set_actor("ops@example.com");
  r.set_reason("same person, checked by phone");
  r.set_idempotency_key(key);
  return r;
}

TEST(ManualOperationsTest, ChecksNameTheFieldBeforeAnythingIsRead) {
  v1::MergeProfilesRequest merge = MergeRequest("P0000000001", "P0000000001", "k");
  EXPECT_EQ(ManualOperations::Check(merge).status().message(),
            "from_profile_id: must differ from into_profile_id");
  merge.set_into_profile_id("1");
  EXPECT_THAT(std::string(ManualOperations::Check(merge).status().message()),
              ::testing::StartsWith("into_profile_id: "));
  merge = MergeRequest("P0000000001", "P0000000002", "");
  EXPECT_EQ(ManualOperations::Check(merge).status().message(), "idempotency_key: required");
  v1::SplitProfileRequest split;
  split.set_profile_id("P0000000001");
  EXPECT_EQ(ManualOperations::Check(split).status().message(),
            "records: at least one source key is required");
  // The fingerprint ignores the key.
  EXPECT_EQ(ManualOperations::Check(MergeRequest("P0000000001", "P0000000002", "a"))->fingerprint,
            ManualOperations::Check(MergeRequest("P0000000001", "P0000000002", "b"))->fingerprint);
}

TEST(ManualOperationsTest, SplitLeavesConstraintsThatAMergeRemovesAndBothAreIdempotent) {
  WiredParts w;
  ASSERT_TRUE(w.Apply(Upsert("shop", "1", {.email = "ayse@example.com"})).ok());
  ASSERT_TRUE(w.Apply(Upsert("app", "1", {.email = "ayse@example.com"})).ok());
  v1::SplitProfileRequest split;
  split.set_profile_id("P0000000001");
  *split.add_records() = Key("app", "1");
  split.set_actor("ops");
  split.set_reason("twins");
  split.set_idempotency_key("split-1");
  bool reload = false;
  absl::StatusOr<v1::SplitProfileResponse> s =
      w.manual.Split(split, *ManualOperations::Check(split), &reload);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(reload);
  EXPECT_EQ(s->new_profile_id(), "P0000000002");
  EXPECT_EQ(w.ProfileOf("app/1"), 2u);
  EXPECT_EQ(w.policy.DoNotLink(*w.index.FindRecord("app/1")).size(), 1u);
  EXPECT_EQ(w.store.Count(kDoNotLinkCf), 1);
  // Again with the same key: the stored response, nothing new.
  absl::StatusOr<v1::SplitProfileResponse> again =
      w.manual.Split(split, *ManualOperations::Check(split), &reload);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->audit_id(), s->audit_id());
  EXPECT_EQ(w.index.profile_count(), 2u);

  v1::MergeProfilesRequest merge = MergeRequest("P0000000002", "P0000000001", "merge-1");
  absl::StatusOr<v1::MergeProfilesResponse> m =
      w.manual.Merge(merge, *ManualOperations::Check(merge), &reload);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->surviving_profile_id(), "P0000000001");  // The older one.
  EXPECT_EQ(w.ProfileOf("app/1"), 1u);
  EXPECT_TRUE(w.policy.DoNotLink(*w.index.FindRecord("app/1")).empty());
  EXPECT_EQ(w.store.Count(kDoNotLinkCf), 0);
  absl::StatusOr<v1::GetAuditResponse> audit = w.audit.Read({1}, m->audit_id(), 1);
  ASSERT_EQ(audit->entries_size(), 1);
  EXPECT_EQ(audit->entries(0).action(), v1::AUDIT_ACTION_MANUAL_MERGE);
  EXPECT_EQ(audit->entries(0).actor(), "ops@example.com");
  EXPECT_EQ(audit->entries(0).score(), 10);  // The best member pair.

  merge.set_reason("another reason");  // The same key for another request.
  EXPECT_EQ(w.manual.Merge(merge, *ManualOperations::Check(merge), &reload).status().message(),
            "idempotency_key: already used for a different request");
  merge = MergeRequest("P0000000001", "P0000000002", "merge-2");
  EXPECT_EQ(w.manual.Merge(merge, *ManualOperations::Check(merge), &reload).status().code(),
            absl::StatusCode::kFailedPrecondition);  // One profile already.
  EXPECT_FALSE(reload);
}

TEST(ManualOperationsTest, SplitRefusesForeignRecordsAndMovingEveryMember) {
  WiredParts w;
  ASSERT_TRUE(w.Apply(Upsert("shop", "1", {.email = "ayse@example.com"})).ok());
  ASSERT_TRUE(w.Apply(Upsert("pos", "1", {.email = "can@example.com"})).ok());
  v1::SplitProfileRequest split;
  split.set_profile_id("P0000000001");
  *split.add_records() = Key("shop", "1");
  split.set_actor("ops");
  split.set_reason("r");
  split.set_idempotency_key("s");
  bool reload = false;
  EXPECT_EQ(w.manual.Split(split, *ManualOperations::Check(split), &reload).status().message(),
            "records: names every member; at least one must stay");
  *split.mutable_records(0) = Key("pos", "1");
  EXPECT_EQ(w.manual.Split(split, *ManualOperations::Check(split), &reload).status().message(),
            "records[0]: pos/1 is not a member of P0000000001");
  EXPECT_FALSE(reload);
}

TEST(ManualOperationsTest, ExplainUsesTheBestScoringPair) {
  WiredParts w;
  ASSERT_TRUE(w.Apply(Upsert("shop", "1", {.email = "ayse@example.com"})).ok());
  ASSERT_TRUE(w.Apply(Upsert("shop", "2", {.phone = "05321234567"})).ok());
  v1::ExplainMatchRequest request;
  request.mutable_a()->mutable_record()->set_phone("05321234567");
  request.mutable_b()->set_profile_id("P0000000002");
  absl::StatusOr<v1::ExplainMatchResponse> r = w.manual.Explain(request);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->explanation().match_weight(), 10);
  EXPECT_EQ(r->record_b().id(), "2");
  EXPECT_FALSE(r->has_record_a());  // An ad-hoc record has no source.
  request.clear_b();
  EXPECT_EQ(w.manual.Explain(request).status().message(),
            "b: one of profile_id, source or record is required");
}

}  // namespace
}  // namespace clientele::identity
