// Household members must not be chained into one profile through a record that shows only
// what they share (a family e-mail on a record without a name), while one person's records
// still join through such a record.
#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"
#include "identity/resolution/resolver.h"
#include "tests/identity/resolution/resolver_test_util.h"

namespace clientele::identity::testing {
namespace {

TEST(HouseholdBridgeTest, ANamelessRecordWithTheFamilyEmailDoesNotMergeTwoMembers) {
  ResolverHarness h;
  const Person benjamin{"francis.family@example.com", "", "Benjamin", "Francis"};
  const Person george{"francis.family@example.com", "+44 7501 067427", "George", "Francis"};
  h.Apply({Upsert("web_shop", "b1", benjamin)});
  h.Apply({Upsert("mobile_app", "g1", george, kT0 + 5, common::v1::CHANNEL_MOBILE_APP)});
  // Same family e-mail, other given name, nothing personal agrees: not one person.
  ASSERT_NE(h.ProfileOf("web_shop", "b1"), h.ProfileOf("mobile_app", "g1"));
  // George's record without a name: his phone and the family e-mail link it to both.
  const Person nameless{"francis.family@example.com", "+44 7501 067427", "", ""};
  h.Apply({Upsert("web_shop", "n1", nameless, kT0 + 9)});
  EXPECT_EQ(h.ProfileOf("web_shop", "n1"), h.ProfileOf("mobile_app", "g1"));
  EXPECT_NE(h.ProfileOf("web_shop", "b1"), h.ProfileOf("mobile_app", "g1"));
}

TEST(HouseholdBridgeTest, OnePersonsRecordsStillJoinThroughABridge) {
  ResolverHarness h;
  const Person web{"ayse.kaya@example.com", "", "Ayşe", "Kaya"};
  const Person pos{"", "0532 111 22 33", "AYSE", "KAYA"};
  h.Apply({Upsert("web_shop", "1", web)});
  h.Apply({Upsert("pos", "2", pos, kT0 + 5, common::v1::CHANNEL_STORE_POS)});
  ASSERT_NE(h.ProfileOf("web_shop", "1"), h.ProfileOf("pos", "2"));  // Name only: no link.
  const Person bridge{"ayse.kaya@example.com", "+90 532 111 22 33", "", ""};
  h.Apply({Upsert("mobile_app", "3", bridge, kT0 + 9, common::v1::CHANNEL_MOBILE_APP)});
  EXPECT_EQ(h.ProfileOf("web_shop", "1"), h.ProfileOf("pos", "2"));
  EXPECT_EQ(h.ProfileOf("mobile_app", "3"), h.ProfileOf("pos", "2"));
}

}  // namespace
}  // namespace clientele::identity::testing
