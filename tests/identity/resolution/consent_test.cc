// Consent ledger precedence, alone and through the resolver (profiles with several members).
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/resolution/consent_ledger.h"
#include "tests/identity/resolution/resolver_test_util.h"

namespace clientele::identity::testing {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr auto kEmail = common::v1::CONSENT_PURPOSE_MARKETING_EMAIL;
constexpr auto kSms = common::v1::CONSENT_PURPOSE_MARKETING_SMS;
constexpr auto kGranted = common::v1::CONSENT_STATUS_GRANTED;
constexpr auto kRevoked = common::v1::CONSENT_STATUS_REVOKED;
constexpr auto kDenied = common::v1::CONSENT_STATUS_DENIED;

v1::ConsentEvent Event(common::v1::ConsentStatus status, int64_t at, uint64_t ledger_id,
                       common::v1::ConsentPurpose purpose = kEmail) {
  v1::ConsentEvent e;
  e.set_purpose(purpose);
  e.set_status(status);
  e.mutable_occurred_at()->set_seconds(at);
  e.set_ledger_id(ledger_id);
  return e;
}

common::v1::ConsentStatus Current(const std::vector<v1::ConsentEvent>& events,
                                  common::v1::ConsentPurpose purpose = kEmail) {
  std::vector<const v1::ConsentEvent*> p;
  for (const auto& e : events) p.push_back(&e);
  return CurrentStatus(p, purpose);
}

TEST(ConsentLedgerTest, LatestEventTimeWins) {
  EXPECT_EQ(Current({Event(kGranted, 100, 1), Event(kRevoked, 200, 2)}), kRevoked);
  EXPECT_EQ(Current({Event(kRevoked, 100, 1), Event(kGranted, 200, 2)}), kGranted);
}

TEST(ConsentLedgerTest, AnOldGrantArrivingAfterARevokeDoesNotOverrideIt) {
  EXPECT_EQ(Current({Event(kGranted, 100, 1), Event(kRevoked, 200, 2), Event(kGranted, 150, 3)}),
            kRevoked);
}

TEST(ConsentLedgerTest, OnEqualTimesRevokeOrDenyBeatsGrantInEitherArrivalOrder) {
  EXPECT_EQ(Current({Event(kGranted, 100, 1), Event(kRevoked, 100, 2)}), kRevoked);
  EXPECT_EQ(Current({Event(kRevoked, 100, 1), Event(kGranted, 100, 2)}), kRevoked);
  EXPECT_EQ(Current({Event(kDenied, 100, 1), Event(kGranted, 100, 2)}), kDenied);
}

TEST(ConsentLedgerTest, PurposesAreIndependentAndUnknownIsUnspecified) {
  const std::vector<v1::ConsentEvent> events = {Event(kGranted, 100, 1, kSms),
                                                Event(kRevoked, 200, 2, kEmail)};
  EXPECT_EQ(Current(events, kSms), kGranted);
  EXPECT_EQ(Current(events, kEmail), kRevoked);
  EXPECT_EQ(Current(events, common::v1::CONSENT_PURPOSE_PROFILING),
            common::v1::CONSENT_STATUS_UNSPECIFIED);
  std::vector<const v1::ConsentEvent*> p = {&events[0], &events[1]};
  std::vector<v1::ConsentState> states = CurrentConsents(p);
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0].purpose(), kSms);
  EXPECT_EQ(states[0].decided_by().ledger_id(), 1u);
  EXPECT_EQ(states[1].status(), kRevoked);
}

const Person kWeb{"ayse.yilmaz@example.com", "", "Ayşe", "Yılmaz", 1990, 1, 1};

TEST(ResolverConsentTest, ProfileConsentDerivesFromAllMembers) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kWeb), Upsert("pos", "2", kWeb, kT0 + 1),
           Consent("web_shop", "1", kEmail, kGranted, kT0 + 100),
           Consent("pos", "2", kEmail, kRevoked, kT0 + 200)});
  ASSERT_EQ(h.ProfileOf("web_shop", "1"), h.ProfileOf("pos", "2"));
  // An older grant from a third channel arrives late: the revoke stands.
  h.Apply({Consent("web_shop", "1", kEmail, kGranted, kT0 + 150),
           Consent("web_shop", "1", kSms, kGranted, kT0 + 150)});
  v1::ProfileLookup lookup;
  *lookup.mutable_source() = Key("pos", "2");
  auto c = h.resolver().GetConsents(lookup);
  ASSERT_THAT(c, IsOk());
  ASSERT_EQ(c->current_size(), 2);
  EXPECT_EQ(c->current(0).purpose(), kSms);
  EXPECT_EQ(c->current(0).status(), kGranted);
  EXPECT_EQ(c->current(1).purpose(), kEmail);
  EXPECT_EQ(c->current(1).status(), kRevoked);
  EXPECT_EQ(c->current(1).decided_by().source().system(), "pos");
  EXPECT_EQ(c->current(1).decided_by().channel(), common::v1::CHANNEL_CALL_CENTER);
  ASSERT_EQ(c->history_size(), 4);  // Oldest first by event time.
  EXPECT_EQ(c->history(0).occurred_at().seconds(), kT0 + 100);
  EXPECT_EQ(c->history(3).occurred_at().seconds(), kT0 + 200);

  v1::ListByConsentRequest by;
  by.set_purpose(kSms);
  auto granted = h.resolver().ListByConsent(by);
  ASSERT_THAT(granted, IsOk());
  EXPECT_THAT(granted->profile_ids(), ElementsAre(h.ProfileOf("pos", "2")));
  by.set_purpose(kEmail);
  EXPECT_EQ(h.resolver().ListByConsent(by)->profile_ids_size(), 0);
  by.set_purpose(common::v1::CONSENT_PURPOSE_UNSPECIFIED);
  EXPECT_THAT(h.resolver().ListByConsent(by),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("purpose")));
}

// Few granted profiles among many: the scan for a page stops once its caller's deadline passed.
TEST(ResolverConsentTest, ListByConsentStopsOnceTheCallersDeadlinePassed) {
  ResolverHarness h;
  std::vector<common::v1::Event> events;
  for (int i = 0; i < 3 * kInterruptCheckEvery; ++i) {
    events.push_back(Consent("pos", std::to_string(i), kEmail, kDenied, kT0));
  }
  h.Apply(events);
  v1::ListByConsentRequest by;
  by.set_purpose(kEmail);
  EXPECT_THAT(h.resolver().ListByConsent(by, DeadlineInterrupt(absl::InfinitePast())),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("deadline")));
  auto none = h.resolver().ListByConsent(by, DeadlineInterrupt(absl::InfiniteFuture()));
  ASSERT_THAT(none, IsOk());
  EXPECT_EQ(none->profile_ids_size(), 0);
}

TEST(ResolverConsentTest, ConsentOfAnUnknownCustomerCreatesItsProfile) {
  ResolverHarness h;
  h.Apply({Consent("call_center", "77", kSms, kGranted, kT0)});
  EXPECT_EQ(h.ProfileOf("call_center", "77"), "P0000000001");
  v1::ProfileLookup lookup;
  lookup.set_profile_id("P0000000001");
  EXPECT_EQ(h.resolver().GetConsents(lookup)->current(0).status(), kGranted);
  lookup.set_email("nobody@example.com");
  EXPECT_THAT(h.resolver().GetConsents(lookup),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("e-mail")));
  lookup.set_email("not an address");
  EXPECT_THAT(h.resolver().GetConsents(lookup),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("lookup.email")));
}

}  // namespace
}  // namespace clientele::identity::testing
