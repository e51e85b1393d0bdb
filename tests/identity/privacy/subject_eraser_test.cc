// EraseSubjects over a real RocksDB: what a subject covers (a named profile takes every member;
// a lone source key leaves the other members' profile), the do-not-link pairs and cached
// manual results it removes, a store that opens again afterwards, and malformed subjects.
#include "identity/privacy/subject_eraser.h"

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/privacy/consent_proof.h"
#include "tests/identity/resolution/resolver_test_util.h"

namespace clientele::identity::testing {
namespace {

using ::testing::HasSubstr;

int Entries(storage::KvStore& store, storage::ColumnFamilyId cf) {
  int n = 0;
  auto it = store.NewIterator(cf);
  for (it->Seek(""); it->Valid(); it->Next()) ++n;
  EXPECT_TRUE(it->status().ok());
  return n;
}

absl::StatusOr<int64_t> Erase(ResolverHarness& h, const privacy::v1::Subject& subject) {
  return EraseSubjects(h.resolver(), h.store(), {subject}, absl::Now());
}

const Person kAda{"ada@example.com", "", "Ada", "Lovelace"};

TEST(SubjectEraserTest, AProfileIdTakesEveryMemberAndTheStoreOpensAgain) {
  ResolverHarness h;
  h.Apply({Upsert("web", "1", kAda), Upsert("pos", "2", kAda, kT0 + 1),
           Consent("pos", "2", common::v1::CONSENT_PURPOSE_MARKETING_SMS,
                   common::v1::CONSENT_STATUS_GRANTED, kT0 + 2),
           Upsert("web", "9", {"bob@example.com", "", "Bob", "Builder"}, kT0 + 3)});
  const std::string ada = h.ProfileOf("web", "1");
  ASSERT_EQ(h.ProfileOf("pos", "2"), ada);

  privacy::v1::Subject subject;
  subject.add_profile_ids(ada);  // No source keys: the members are found from the profile.
  absl::StatusOr<int64_t> deleted = Erase(h, subject);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 2 + 1 + 1);  // Two records, one consent, one profile.
  EXPECT_EQ(h.ProfileOf("web", "1"), "");
  EXPECT_EQ(h.ProfileOf("pos", "2"), "");
  EXPECT_NE(h.ProfileOf("web", "9"), "");
  EXPECT_EQ(Entries(h.store(), kConsentsCf), 0);
  EXPECT_EQ(ReadConsentProofs(h.store(), "pos/2")->size(), 1u);
  EXPECT_EQ(ReadConsentProofs(h.store(), "web/1")->size(), 0u);

  h.Reopen();  // A restart loads the store as erasure left it.
  EXPECT_EQ(h.ProfileOf("pos", "2"), "");
  EXPECT_EQ(h.resolver().record_count(), 1u);
  EXPECT_EQ(h.resolver().profile_count(), 1u);
  EXPECT_EQ(*Erase(h, subject), 0);  // Idempotent.
}

TEST(SubjectEraserTest, ALoneSourceKeyLeavesTheProfileOfTheOtherMembers) {
  ResolverHarness h;
  h.Apply({Upsert("web", "1", kAda), Upsert("pos", "2", kAda, kT0 + 1)});
  const std::string ada = h.ProfileOf("web", "1");
  privacy::v1::Subject subject;
  *subject.add_source_keys() = Key("pos", "2");
  ASSERT_EQ(*Erase(h, subject), 1);
  EXPECT_EQ(h.ProfileOf("pos", "2"), "");
  EXPECT_EQ(h.ProfileOf("web", "1"), ada);
  v1::ProfileLookup lookup;
  lookup.set_profile_id(ada);
  EXPECT_EQ(h.resolver().GetProfile(lookup)->profile().members_size(), 1);
}

TEST(SubjectEraserTest, DoNotLinkPairsAndCachedSplitResultsOfTheRecordsGo) {
  ResolverHarness h;
  h.Apply({Upsert("web", "1", kAda), Upsert("pos", "2", kAda, kT0 + 1)});
  const std::string ada = h.ProfileOf("web", "1");
  v1::SplitProfileRequest split;
  split.set_profile_id(ada);
  *split.add_records() = Key("pos", "2");
  split.set_actor("steward");
  split.set_reason("Ada Lovelace of the store is another Ada");
  split.set_idempotency_key("split-ada");
  ASSERT_TRUE(h.resolver().SplitProfile(split).ok());
  ASSERT_EQ(Entries(h.store(), kDoNotLinkCf), 1);
  const std::string other = h.ProfileOf("pos", "2");

  privacy::v1::Subject subject;
  subject.add_profile_ids(ada);
  *subject.add_source_keys() = Key("web", "1");
  // The pair, the record, the profile, the cached split result.
  ASSERT_EQ(*Erase(h, subject), 4);
  EXPECT_EQ(Entries(h.store(), kDoNotLinkCf), 0);
  EXPECT_EQ(h.ProfileOf("pos", "2"), other);
  EXPECT_FALSE(h.store().Get(kMetaCf, "idem/split-ada")->has_value());
  h.Reopen();
  EXPECT_EQ(h.ProfileOf("pos", "2"), other);
}

TEST(SubjectEraserTest, MalformedSubjectsNameTheField) {
  ResolverHarness h;
  privacy::v1::Subject bad_id;
  bad_id.add_profile_ids("P0000000001");
  bad_id.add_profile_ids("nope");
  absl::StatusOr<int64_t> r = Erase(h, bad_id);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("subjects[0].profile_ids[1]"));
  privacy::v1::Subject bad_key;
  bad_key.add_source_keys()->set_system("web");
  r = Erase(h, bad_key);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("subjects[0].source_keys[0]"));
}

}  // namespace
}  // namespace clientele::identity::testing
