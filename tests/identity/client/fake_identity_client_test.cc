// FakeIdentityClient keeps the interface's contract (identity_client.h) without a server:
// the map and known profiles the test sets, the freshness rule with the same messages as
// the gRPC client, cancellation, and a failing identity.
#include "identity/client/fake_identity_client.h"

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::identity {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

common::v1::SourceKey Key(const std::string& system, const std::string& id) {
  common::v1::SourceKey key;
  key.set_system(system);
  key.set_id(id);
  return key;
}

TEST(FakeIdentityClientTest, AnswersTheMapAndTheProfilesItWasGiven) {
  FakeIdentityClient identity;
  identity.SetProfile(Key("web", "a"), "P1");
  identity.SetProfile(Key("pos", "7"), "P1");
  identity.AddKnownProfile("P9");
  auto map = identity.GetProfileMap({{0, 5}}, absl::ZeroDuration(), nullptr);
  ASSERT_THAT(map, IsOk());
  EXPECT_EQ(map->size(), 2u);
  EXPECT_EQ(map->at(ProfileMapKey(Key("pos", "7"))), "P1");
  for (const std::string id : {"P1", "P9"}) {
    absl::StatusOr<bool> known = identity.KnowsProfile(id);
    ASSERT_THAT(known, IsOk());
    EXPECT_TRUE(*known) << id;
  }
  absl::StatusOr<bool> unknown = identity.KnowsProfile("P2");
  ASSERT_THAT(unknown, IsOk());
  EXPECT_FALSE(*unknown);
  EXPECT_EQ(identity.calls(), 4);
}

TEST(FakeIdentityClientTest, AnIdentityBehindTheCallerIsUnavailableNamingBothSequences) {
  FakeIdentityClient identity;
  identity.SetProfile(Key("web", "a"), "P1");
  identity.SetApplied({{0, 3}});
  EXPECT_THAT(identity.GetProfileMap({{0, 7}}, absl::Minutes(1), nullptr),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("partition 0"), HasSubstr("applied through sequence 3"),
                             HasSubstr("the caller through 7"))));
  EXPECT_THAT(identity.CheckCaughtUp({{0, 7}}, absl::ZeroDuration()),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("the caller through 7")));
  // A partition identity reports nothing of.
  EXPECT_THAT(identity.CheckCaughtUp({{1, 2}}, absl::ZeroDuration()),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("no applied position")));
  EXPECT_THAT(identity.GetProfileMap({{0, 7}}, absl::Minutes(1), [] { return true; }),
              StatusIs(absl::StatusCode::kCancelled, HasSubstr("catching up")));
  // What the caller has applied, and nothing (sequence 0), need no wait.
  EXPECT_THAT(identity.CheckCaughtUp({{0, 3}, {1, 0}}, absl::ZeroDuration()), IsOk());
  identity.SetApplied({{0, 7}});
  EXPECT_THAT(identity.GetProfileMap({{0, 7}}, absl::ZeroDuration(), nullptr), IsOk());
}

TEST(FakeIdentityClientTest, AFailingIdentityFailsEveryCallWithItsStatus) {
  FakeIdentityClient identity;
  identity.FailWith(absl::UnavailableError("identity is down"));
  EXPECT_THAT(identity.GetProfileMap({}, absl::ZeroDuration(), nullptr),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("down")));
  EXPECT_THAT(identity.KnowsProfile("P1"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("down")));
  EXPECT_THAT(identity.CheckCaughtUp({}, absl::ZeroDuration()),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("down")));
  identity.FailWith(absl::OkStatus());
  EXPECT_THAT(identity.CheckCaughtUp({}, absl::ZeroDuration()), IsOk());
}

}  // namespace
}  // namespace clientele::identity
