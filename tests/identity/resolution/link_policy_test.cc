// LinkPolicy: join and merge vetoes (do-not-link, size cap, clear disagreement) and the
// do-not-link constraints' memory and stored form.
#include "identity/resolution/link_policy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/resolution/internal/resolver_keys.h"
#include "tests/identity/resolution/parts_test_util.h"

namespace clientele::identity {
namespace {

using testing::AddIndexed;
using testing::AddProfile;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::PersonOf;
using testing::TestMatcher;
using testing::TestStore;
using Veto = LinkPolicy::Veto;

class LinkPolicyTest : public ::testing::Test {
 protected:
  LinkPolicyTest() {
    options_.max_auto_profile_size = 3;
    options_.conflict_weight = -10;
  }
  uint32_t Add(const std::string& key, const std::string& given = "",
               const std::string& family = "") {
    return AddIndexed(index_, matcher_, PersonOf(key, "x@e.com", "", given, family));
  }

  TestStore store_;
  TestMatcher matcher_;
  RecordIndex index_;
  ResolverOptions options_;
};

TEST_F(LinkPolicyTest, AJoinIsVetoedByDoNotLinkSizeCapOrDisagreement) {
  const uint32_t a = Add("s/a"), b = Add("s/b"), c = Add("s/c"), d = Add("s/d");
  const uint32_t ayse = Add("s/ayse", "ayse", "kaya"), fatma = Add("s/fatma", "fatma", "kaya");
  AddProfile(index_, 1, {a, b});
  AddProfile(index_, 2, {c});
  AddProfile(index_, 3, {ayse});
  LinkPolicy policy(&index_, &matcher_, options_);
  EXPECT_EQ(policy.JoinVeto(d, 1), Veto::kNone);
  EXPECT_EQ(policy.JoinVeto(fatma, 3), Veto::kDisagree);  // Sisters: a household conflict.

  auto batch = store_->NewWriteBatch();
  policy.AddDoNotLink(d, b, *batch);
  EXPECT_FALSE(policy.MayJoin(d, 1));
  EXPECT_EQ(policy.JoinVeto(d, 1), Veto::kForbidden);
  EXPECT_EQ(policy.JoinVeto(d, 2), Veto::kNone);
  AddProfile(index_, 2, {index_.AddRecord("s/e"), index_.AddRecord("s/f")});  // 3 members now.
  EXPECT_EQ(policy.JoinVeto(d, 2), Veto::kForbidden);
}

TEST_F(LinkPolicyTest, DisagreementIsAScoreBelowTheConflictWeightOrAHouseholdConflict) {
  const uint32_t ayse = Add("s/ayse", "ayse", "kaya"), fatma = Add("s/fatma", "fatma", "kaya");
  const uint32_t zeynep = Add("s/zeynep", "zeynep");
  AddProfile(index_, 1, {ayse});
  options_.conflict_weight = -11;  // -10 is no longer below it...
  LinkPolicy policy(&index_, &matcher_, options_);
  EXPECT_FALSE(policy.Compatible({&index_.record(fatma).person}, 1));  // ...but a conflict.
  EXPECT_TRUE(policy.Compatible({&index_.record(zeynep).person}, 1));
}

TEST_F(LinkPolicyTest, AMergeIsVetoedByAnyMemberConstraintTheCombinedSizeOrDisagreement) {
  const uint32_t a = Add("s/a"), b = Add("s/b"), c = Add("s/c"), d = Add("s/d");
  AddProfile(index_, 1, {a});
  AddProfile(index_, 2, {b, c});
  AddProfile(index_, 3, {d});
  LinkPolicy policy(&index_, &matcher_, options_);
  EXPECT_EQ(policy.MergeVeto(1, 2), Veto::kNone);
  EXPECT_EQ(policy.MergeVeto(2, 3), Veto::kNone);
  EXPECT_EQ(policy.MergeVeto(9, 1), Veto::kForbidden);  // No such profile.
  auto batch = store_->NewWriteBatch();
  policy.AddDoNotLink(c, a, *batch);
  EXPECT_EQ(policy.MergeVeto(2, 1), Veto::kForbidden);
  EXPECT_EQ(policy.MergeVeto(1, 2), Veto::kForbidden);  // Both directions.
  options_.max_auto_profile_size = 2;
  LinkPolicy small(&index_, &matcher_, options_);
  EXPECT_EQ(small.MergeVeto(2, 3), Veto::kForbidden);  // 2 + 1 members > 2.
  const uint32_t ayse = Add("s/ayse", "ayse"), fatma = Add("s/fatma", "fatma");
  options_.conflict_weight = -5;  // Their -10 is a clear disagreement now.
  LinkPolicy strict(&index_, &matcher_, options_);
  AddProfile(index_, 4, {ayse});
  AddProfile(index_, 5, {fatma});
  EXPECT_EQ(strict.MergeVeto(4, 5), Veto::kDisagree);
  EXPECT_EQ(policy.MergeVeto(4, 5), Veto::kNone);
}

TEST_F(LinkPolicyTest, ConstraintsAreStoredAsPairsRemovedBetweenProfilesAndLoaded) {
  const uint32_t a = Add("s/a"), b = Add("s/b"), c = Add("s/c");
  AddProfile(index_, 1, {a});
  AddProfile(index_, 2, {b});
  AddProfile(index_, 3, {c});
  LinkPolicy policy(&index_, &matcher_, options_);
  auto batch = store_->NewWriteBatch();
  policy.AddDoNotLink(b, a, *batch);
  policy.AddDoNotLink(a, c, *batch);
  ASSERT_TRUE(store_->Write(*batch).ok());
  EXPECT_EQ(store_.Value(kDoNotLinkCf, resolution_internal::PairKey("s/a", "s/b")), "");
  EXPECT_EQ(store_.Count(kDoNotLinkCf), 2);

  LinkPolicy loaded(&index_, &matcher_, options_);
  ASSERT_TRUE(loaded.Load(*store_).ok());
  EXPECT_THAT(loaded.DoNotLink(a), ::testing::UnorderedElementsAre(b, c));
  EXPECT_THAT(loaded.DoNotLink(b), ElementsAre(a));

  batch = store_->NewWriteBatch();
  loaded.RemoveDoNotLinkBetween(1, 2, *batch);
  ASSERT_TRUE(store_->Write(*batch).ok());
  EXPECT_THAT(loaded.DoNotLink(a), ElementsAre(c));
  EXPECT_THAT(loaded.DoNotLink(b), IsEmpty());
  EXPECT_EQ(store_.Value(kDoNotLinkCf, resolution_internal::PairKey("s/a", "s/b")), "<none>");
  EXPECT_EQ(store_.Count(kDoNotLinkCf), 1);
}

TEST_F(LinkPolicyTest, LoadRejectsAPairOfAnUnknownRecord) {
  Add("s/a");
  auto batch = store_->NewWriteBatch();
  batch->Put(kDoNotLinkCf, resolution_internal::PairKey("s/a", "s/gone"), "");
  ASSERT_TRUE(store_->Write(*batch).ok());
  LinkPolicy policy(&index_, &matcher_, options_);
  EXPECT_EQ(policy.Load(*store_).code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace clientele::identity
