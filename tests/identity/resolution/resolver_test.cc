// Resolver: linking, stable ids, merges with aliases, manual merge/split with do-not-link
// memory, order-only customers, audit, reload from the store, abort, EM re-estimation.
#include "identity/resolution/resolver.h"

#include "clientele/identity/resolution/identity_state.pb.h"
#include "common/storage/key_encoding.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/resolution/identity_schema.h"
#include "tests/identity/resolution/resolver_test_util.h"

namespace clientele::identity::testing {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const Person kAyseWeb{"ayse.yilmaz@example.com", "", "Ayşe", "Yılmaz", 1990, 1, 1};
const Person kAysePos{"", "0532 111 22 33", "Ayşe", "Yılmaz", 1985, 5, 5};
const Person kAyseBridge{"ayse.yilmaz@example.com", "+90 532 111 2233", "Ayse", "Yilmaz"};
const Person kMehmet{"mehmet@example.org", "", "Mehmet", "Demir", 1970, 3, 3};

std::vector<std::string> AuditActions(Resolver& r, const std::string& profile) {
  v1::GetAuditRequest request;
  request.set_profile_id(profile);
  auto audit = r.GetAudit(request);
  EXPECT_THAT(audit, IsOk());
  std::vector<std::string> out;
  for (const auto& e : audit->entries()) out.push_back(v1::AuditAction_Name(e.action()));
  return out;
}

TEST(ResolverTest, RecordsSharingAnEmailJoinTheOlderProfile) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyseWeb), Upsert("web_shop", "2", kMehmet)});
  EXPECT_EQ(h.ProfileOf("web_shop", "1"), "P0000000001");
  EXPECT_EQ(h.ProfileOf("web_shop", "2"), "P0000000002");
  Person same_email = kAyseWeb;
  same_email.given = "Ayse";
  h.Apply({Upsert("mobile_app", "a7", same_email, kT0 + 10, common::v1::CHANNEL_MOBILE_APP)});
  EXPECT_EQ(h.ProfileOf("mobile_app", "a7"), "P0000000001");
  EXPECT_EQ(h.resolver().profile_count(), 2u);
  EXPECT_THAT(AuditActions(h.resolver(), "P0000000001"),
              ElementsAre("AUDIT_ACTION_CREATE", "AUDIT_ACTION_LINK"));
}

TEST(ResolverTest, ProfileIdsStayStableWhenRecordsJoinAndUpdate) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyseWeb)});
  h.Apply({Upsert("web_shop", "2", kMehmet)});
  // An update of the first record with a new phone keeps its profile id.
  Person updated = kAyseWeb;
  updated.phone = "0555 000 11 22";
  h.Apply({Upsert("web_shop", "1", updated, kT0 + 100)});
  EXPECT_EQ(h.ProfileOf("web_shop", "1"), "P0000000001");
  EXPECT_EQ(h.ProfileOf("web_shop", "2"), "P0000000002");
  // The phone is now a key of the profile.
  v1::ProfileLookup by_phone;
  by_phone.set_phone("+905550001122");
  auto p = h.resolver().GetProfile(by_phone);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->profile().profile_id(), "P0000000001");
}

TEST(ResolverTest, BridgingRecordMergesProfilesOlderIdSurvivesOtherIsAlias) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyseWeb)});
  h.Apply({Upsert("pos", "9", kAysePos, kT0 + 5, common::v1::CHANNEL_STORE_POS)});
  ASSERT_EQ(h.ProfileOf("pos", "9"), "P0000000002");
  h.Apply({Upsert("call_center", "c1", kAyseBridge, kT0 + 9, common::v1::CHANNEL_CALL_CENTER)});
  EXPECT_EQ(h.ProfileOf("web_shop", "1"), "P0000000001");
  EXPECT_EQ(h.ProfileOf("pos", "9"), "P0000000001");
  EXPECT_EQ(h.ProfileOf("call_center", "c1"), "P0000000001");
  // The younger id is an alias that still resolves.
  v1::ProfileLookup alias;
  alias.set_profile_id("P0000000002");
  auto p = h.resolver().GetProfile(alias);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->profile().profile_id(), "P0000000001");
  EXPECT_THAT(p->profile().aliases(), ElementsAre("P0000000002"));
  EXPECT_EQ(p->profile().members_size(), 3);
  EXPECT_EQ(h.resolver().profile_count(), 1u);
  // The merge is audited with its score and explanation, and the alias' history is included.
  v1::GetAuditRequest request;
  request.set_profile_id("P0000000002");
  auto audit = h.resolver().GetAudit(request);
  ASSERT_THAT(audit, IsOk());
  bool merged = false;
  for (const auto& e : audit->entries()) {
    if (e.action() != v1::AUDIT_ACTION_AUTO_MERGE) continue;
    merged = true;
    EXPECT_EQ(e.actor(), "resolver");
    EXPECT_THAT(e.profile_ids(), ElementsAre("P0000000001", "P0000000002"));
    EXPECT_GT(e.explanation().fields_size(), 0);
    EXPECT_EQ(e.at().seconds(), kT0 + 9);
  }
  EXPECT_TRUE(merged);
}

// The automatic merge of the bridging scenario, read back through GetAudit.
v1::AuditEntry AutoMergeEntry(Resolver& r) {
  v1::GetAuditRequest request;
  request.set_profile_id("P0000000001");
  auto audit = r.GetAudit(request);
  EXPECT_THAT(audit, IsOk());
  for (const auto& e : audit->entries()) {
    if (e.action() == v1::AUDIT_ACTION_AUTO_MERGE) return e;
  }
  ADD_FAILURE() << "no AUTO_MERGE entry";
  return {};
}

// The explanation ExplainMatch gives now for the audited pair of records.
v1::MatchExplanation ExplainNow(Resolver& r, const v1::AuditEntry& e) {
  v1::ExplainMatchRequest request;
  *request.mutable_a()->mutable_source() = e.records(0);
  *request.mutable_b()->mutable_source() = e.records(1);
  auto explained = r.ExplainMatch(request);
  EXPECT_THAT(explained, IsOk());
  return explained->explanation();
}

// Levels, m, u, weights and decision equal; the audit keeps no compared values.
void ExpectSameReasoning(const v1::MatchExplanation& audited, const v1::MatchExplanation& now) {
  EXPECT_EQ(audited.match_weight(), now.match_weight());
  EXPECT_EQ(audited.decision(), now.decision());
  EXPECT_EQ(audited.rule(), now.rule());
  ASSERT_EQ(audited.fields_size(), now.fields_size());
  for (int i = 0; i < audited.fields_size(); ++i) {
    const v1::FieldComparison &a = audited.fields(i), &b = now.fields(i);
    EXPECT_EQ(a.field(), b.field());
    EXPECT_EQ(a.level(), b.level()) << a.field();
    EXPECT_EQ(a.m(), b.m()) << a.field();
    EXPECT_EQ(a.u(), b.u()) << a.field();
    EXPECT_EQ(a.weight(), b.weight()) << a.field();
    EXPECT_EQ(a.value_a(), "") << a.field();
    EXPECT_EQ(a.value_b(), "") << a.field();
  }
}

// Stores `config` as the model (as a re-estimate would leave it) and restarts the resolver.
void RestartWithModel(ResolverHarness& h, const MatchModelConfig& config) {
  resolution::StoredModel stored;
  stored.set_model(EncodeMatchModel(MatchModel(config)));
  auto batch = h.store().NewWriteBatch();
  batch->Put(kModelCf, "em", stored.SerializeAsString());
  ASSERT_THAT(h.store().Write(*batch), IsOk());
  h.Reopen();
}

TEST(ResolverTest, AuditExplainsWithTheModelThatDecidedAfterTheModelChanges) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyseWeb)});
  h.Apply({Upsert("pos", "9", kAysePos, kT0 + 5, common::v1::CHANNEL_STORE_POS)});
  h.Apply({Upsert("call_center", "c1", kAyseBridge, kT0 + 9, common::v1::CHANNEL_CALL_CENTER)});
  const v1::AuditEntry merge = AutoMergeEntry(h.resolver());
  ASSERT_EQ(merge.records_size(), 2);
  EXPECT_EQ(merge.records(0).id(), "c1");
  const v1::MatchExplanation decided_by = ExplainNow(h.resolver(), merge);
  ExpectSameReasoning(merge.explanation(), decided_by);
  EXPECT_EQ(merge.score(), merge.explanation().match_weight());
  // Another model (as a re-estimate would leave it), then a restart: the entry still shows
  // the parameters that decided it, while ExplainMatch uses the new ones.
  MatchModelConfig other = DefaultMatchModelConfig();
  other.prior = 0.2;
  for (FieldParameters& f : other.fields) f.m[0] = f.m[0] * 0.9;
  RestartWithModel(h, other);
  const v1::AuditEntry after = AutoMergeEntry(h.resolver());
  ExpectSameReasoning(after.explanation(), decided_by);
  EXPECT_NE(ExplainNow(h.resolver(), merge).match_weight(), decided_by.match_weight());
}

// How many model snapshots ("em/<version>") the store holds.
int ModelSnapshots(storage::KvStore& store) {
  auto it = store.NewIterator(kModelCf, {"em/", "em0"});
  int n = 0;
  for (it->Seek("em/"); it->Valid(); it->Next()) ++n;
  return n;
}

TEST(ResolverTest, OneModelSnapshotPerModelAcrossRestarts) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyseWeb)});
  EXPECT_EQ(ModelSnapshots(h.store()), 0);  // A new profile explains nothing.
  h.Apply({Upsert("pos", "9", kAysePos, kT0 + 5, common::v1::CHANNEL_STORE_POS)});
  h.Apply({Upsert("call_center", "c1", kAyseBridge, kT0 + 9, common::v1::CHANNEL_CALL_CENTER)});
  EXPECT_EQ(ModelSnapshots(h.store()), 1);
  // The same model after a restart keeps its snapshot: a namesake (a review) adds none.
  h.Reopen();
  const Person namesake{"", "", "Ayşe", "Yılmaz"};
  h.Apply({Upsert("app", "n1", namesake, kT0 + 20, common::v1::CHANNEL_MOBILE_APP)});
  ASSERT_EQ(AuditActions(h.resolver(), h.ProfileOf("app", "n1")).back(), "AUDIT_ACTION_REVIEW");
  EXPECT_EQ(ModelSnapshots(h.store()), 1);
  // Another model: the next explained decision stores a second snapshot.
  MatchModelConfig other = DefaultMatchModelConfig();
  other.prior = 0.2;
  RestartWithModel(h, other);
  h.Apply({Upsert("app", "n2", namesake, kT0 + 30, common::v1::CHANNEL_MOBILE_APP)});
  EXPECT_EQ(ModelSnapshots(h.store()), 2);
}

TEST(ResolverTest, AuditEntriesStoredWholeAreReadAsStored) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyseWeb)});
  // An entry as earlier versions wrote every automatic one: the explanation inline.
  v1::AuditEntry old;
  old.set_id(1000);
  old.set_action(v1::AUDIT_ACTION_REVIEW);
  old.add_profile_ids("P0000000001");
  old.mutable_explanation()->set_match_weight(4.5);
  v1::FieldComparison* f = old.mutable_explanation()->add_fields();
  f->set_field("email");
  f->set_value_a("a@example.com");
  auto batch = h.store().NewWriteBatch();
  batch->Put(kAuditCf, storage::EncodeUint64(1000), old.SerializeAsString());
  std::string by_profile = storage::EncodeUint64(1);
  storage::AppendUint64(by_profile, 1000);
  batch->Put(kAuditByProfileCf, by_profile, "");
  ASSERT_THAT(h.store().Write(*batch), IsOk());
  v1::GetAuditRequest request;
  request.set_profile_id("P0000000001");
  auto audit = h.resolver().GetAudit(request);
  ASSERT_THAT(audit, IsOk());
  ASSERT_EQ(audit->entries_size(), 2);  // CREATE, then this one.
  EXPECT_EQ(audit->entries(1).SerializeAsString(), old.SerializeAsString());
}

TEST(ResolverTest, SplitRemembersDoNotLinkSoMatchingNeverRemerges) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyseWeb),
           Upsert("call_center", "c1", kAyseBridge, kT0 + 9, common::v1::CHANNEL_CALL_CENTER)});
  ASSERT_EQ(h.ProfileOf("call_center", "c1"), "P0000000001");
  v1::SplitProfileRequest split;
  split.set_profile_id("P0000000001");
  *split.add_records() = Key("call_center", "c1");
  split.set_actor("operator@example.com");
  split.set_reason("shared family e-mail");
  split.set_idempotency_key("split-1");
  auto result = h.resolver().SplitProfile(split);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->new_profile_id(), "P0000000002");
  EXPECT_EQ(h.ProfileOf("call_center", "c1"), "P0000000002");
  // A retry returns the first result and changes nothing.
  auto retry = h.resolver().SplitProfile(split);
  ASSERT_THAT(retry, IsOk());
  EXPECT_EQ(retry->new_profile_id(), "P0000000002");
  EXPECT_EQ(h.resolver().profile_count(), 2u);

  // The same data again, and a new record linking both sides: no automatic re-merge.
  h.Apply({Upsert("call_center", "c1", kAyseBridge, kT0 + 20, common::v1::CHANNEL_CALL_CENTER),
           Upsert("web_shop", "3", kAyseBridge, kT0 + 21)});
  EXPECT_EQ(h.ProfileOf("web_shop", "1"), "P0000000001");
  EXPECT_EQ(h.ProfileOf("call_center", "c1"), "P0000000002");
  EXPECT_NE(h.ProfileOf("web_shop", "3"), "");
  EXPECT_EQ(h.resolver().profile_count(), 2u);
  EXPECT_THAT(AuditActions(h.resolver(), "P0000000002"),
              ::testing::Contains("AUDIT_ACTION_MERGE_BLOCKED"));

  // It survives a restart.
  h.Reopen();
  h.Apply({Upsert("call_center", "c1", kAyseBridge, kT0 + 30, common::v1::CHANNEL_CALL_CENTER)});
  EXPECT_EQ(h.ProfileOf("call_center", "c1"), "P0000000002");
  EXPECT_EQ(h.ProfileOf("web_shop", "1"), "P0000000001");
}

TEST(ResolverTest, SplitRejectsBadRequests) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyseWeb), Upsert("web_shop", "2", kMehmet)});
  v1::SplitProfileRequest split;
  split.set_profile_id("P0000000001");
  split.set_actor("op");
  split.set_reason("r");
  split.set_idempotency_key("k");
  EXPECT_THAT(h.resolver().SplitProfile(split),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("records")));
  *split.add_records() = Key("web_shop", "1");
  EXPECT_THAT(h.resolver().SplitProfile(split),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at least one must stay")));
  split.clear_records();
  *split.add_records() = Key("web_shop", "2");
  EXPECT_THAT(h.resolver().SplitProfile(split),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("records[0]")));
  split.clear_records();
  *split.add_records() = Key("web_shop", "404");
  EXPECT_THAT(h.resolver().SplitProfile(split),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("records[0]")));
  split.set_profile_id("P0000000099");
  EXPECT_THAT(h.resolver().SplitProfile(split),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("P0000000099")));
  split.set_profile_id("42");
  EXPECT_THAT(h.resolver().SplitProfile(split),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("profile_id")));
}

TEST(ResolverTest, ManualMergeIsAuditedIdempotentAndOverridesDoNotLink) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyseWeb), Upsert("web_shop", "2", kMehmet)});
  v1::MergeProfilesRequest merge;
  merge.set_into_profile_id("P0000000002");
  merge.set_from_profile_id("P0000000001");
  merge.set_actor("op");
  merge.set_reason("same person, confirmed by phone");
  merge.set_idempotency_key("m-1");
  auto merged = h.resolver().MergeProfiles(merge);
  ASSERT_THAT(merged, IsOk());
  EXPECT_EQ(merged->surviving_profile_id(), "P0000000001");  // The older id survives.
  EXPECT_EQ(merged->merged_profile_id(), "P0000000002");
  EXPECT_EQ(h.ProfileOf("web_shop", "2"), "P0000000001");
  auto again = h.resolver().MergeProfiles(merge);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->audit_id(), merged->audit_id());
  merge.set_reason("something else");
  EXPECT_THAT(h.resolver().MergeProfiles(merge),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("idempotency_key")));
  merge.set_idempotency_key("m-2");
  EXPECT_THAT(h.resolver().MergeProfiles(merge),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already one profile")));
  merge.set_from_profile_id("P0000000077");
  EXPECT_THAT(h.resolver().MergeProfiles(merge),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("P0000000077")));
  merge.set_from_profile_id("x");
  EXPECT_THAT(h.resolver().MergeProfiles(merge),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("from_profile_id")));
  merge.set_from_profile_id("P0000000002");
  merge.clear_actor();
  EXPECT_THAT(h.resolver().MergeProfiles(merge),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("actor")));

  // Split then merge back by hand: the do-not-link pair goes away.
  v1::SplitProfileRequest split;
  split.set_profile_id("P0000000001");
  *split.add_records() = Key("web_shop", "2");
  split.set_actor("op");
  split.set_reason("wrong merge");
  split.set_idempotency_key("s-1");
  auto s = h.resolver().SplitProfile(split);
  ASSERT_THAT(s, IsOk());
  merge.set_actor("op");
  merge.set_into_profile_id("P0000000001");
  merge.set_from_profile_id(s->new_profile_id());
  merge.set_idempotency_key("m-3");
  ASSERT_THAT(h.resolver().MergeProfiles(merge), IsOk());
  EXPECT_EQ(h.ProfileOf("web_shop", "2"), "P0000000001");
  EXPECT_THAT(AuditActions(h.resolver(), "P0000000001"),
              ElementsAre("AUDIT_ACTION_CREATE", "AUDIT_ACTION_CREATE", "AUDIT_ACTION_MANUAL_MERGE",
                          "AUDIT_ACTION_SPLIT", "AUDIT_ACTION_MANUAL_MERGE"));
}

TEST(ResolverTest, OrderOnlyCustomerGetsAProfileAndLaterJoins) {
  ResolverHarness h;
  h.Apply({OrderOf("web_shop", "77", "o1"), OrderOf("web_shop", "77", "o2")});
  EXPECT_EQ(h.ProfileOf("web_shop", "77"), "P0000000001");
  EXPECT_EQ(h.resolver().record_count(), 1u);
  h.Apply({Upsert("pos", "5", kAyseWeb, kT0 + 50)});
  EXPECT_EQ(h.ProfileOf("pos", "5"), "P0000000002");
  // The order-only record's details arrive: it links, and the older id survives.
  h.Apply({Upsert("web_shop", "77", kAyseWeb, kT0 + 60)});
  EXPECT_EQ(h.ProfileOf("pos", "5"), "P0000000001");
  EXPECT_EQ(h.ProfileOf("web_shop", "77"), "P0000000001");
}

TEST(ResolverTest, ReloadFromStoreGivesTheSameState) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyseWeb), Upsert("pos", "9", kAysePos),
           Upsert("web_shop", "2", kMehmet), OrderOf("web_shop", "88", "o9"),
           Consent("web_shop", "2", common::v1::CONSENT_PURPOSE_MARKETING_EMAIL,
                   common::v1::CONSENT_STATUS_GRANTED, kT0)});
  h.Apply({Upsert("call_center", "c1", kAyseBridge, kT0 + 9)});
  auto snapshot = [&] {
    std::vector<std::string> out;
    h.resolver().ForEachProfileMapChunk("", 2, [&](v1::GetProfileMapResponse& chunk) {
      for (const auto& e : chunk.entries()) {
        out.push_back(e.source().system() + "/" + e.source().id() + "=" + e.profile_id());
      }
      return true;
    });
    v1::ListProfilesRequest list;
    auto profiles = h.resolver().ListProfiles(list);
    for (const auto& p : profiles->profiles()) {
      out.push_back(p.profile_id() + ":" + std::to_string(p.member_count()));
    }
    v1::ProfileLookup lookup;
    lookup.set_email("MEHMET@example.org");
    out.push_back(h.resolver().GetConsents(lookup)->DebugString());
    std::sort(out.begin(), out.end());  // Record order in memory may differ after a reload.
    return out;
  };
  const std::vector<std::string> before = snapshot();
  ASSERT_EQ(before.size(), 5u + 3u + 1u);
  h.Reopen();
  EXPECT_EQ(snapshot(), before);
  // New ids continue after the stored counter.
  h.Apply({Upsert("web_shop", "new", Person{"zeynep@example.net", "", "Zeynep", "Kaya"})});
  EXPECT_EQ(h.ProfileOf("web_shop", "new"), "P0000000005");
}

// Stores written before StoredRecord held the profile kept it in record_profile only.
TEST(ResolverTest, OpensStoresThatKeepTheProfileInRecordProfileOnly) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyseWeb),
           Upsert("pos", "9", kAysePos, kT0 + 5, common::v1::CHANNEL_STORE_POS),
           Upsert("web_shop", "2", kMehmet)});
  ASSERT_EQ(h.ProfileOf("pos", "9"), "P0000000002");
  // Rewrite the store in the earlier layout.
  auto batch = h.store().NewWriteBatch();
  int records = 0;
  auto it = h.store().NewIterator(kRecordsCf);
  for (it->Seek(""); it->Valid(); it->Next()) {
    resolution::StoredRecord stored;
    ASSERT_TRUE(stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())));
    ASSERT_NE(stored.profile(), 0u);
    batch->Put(kRecordProfileCf, it->key(), storage::EncodeUint64(stored.profile()));
    stored.clear_profile();
    batch->Put(kRecordsCf, it->key(), stored.SerializeAsString());
    ++records;
  }
  ASSERT_EQ(records, 3);
  ASSERT_THAT(h.store().Write(*batch), IsOk());

  h.Reopen();
  EXPECT_EQ(h.ProfileOf("web_shop", "1"), "P0000000001");
  EXPECT_EQ(h.ProfileOf("pos", "9"), "P0000000002");
  EXPECT_EQ(h.ProfileOf("web_shop", "2"), "P0000000003");
  // A merge moves pos/9: its stored record now says P1, its stale record_profile entry P2.
  h.Apply({Upsert("call_center", "c1", kAyseBridge, kT0 + 9, common::v1::CHANNEL_CALL_CENTER)});
  ASSERT_EQ(h.ProfileOf("pos", "9"), "P0000000001");
  h.Reopen();
  EXPECT_EQ(h.ProfileOf("pos", "9"), "P0000000001");
  EXPECT_EQ(h.ProfileOf("call_center", "c1"), "P0000000001");
  EXPECT_EQ(h.ProfileOf("web_shop", "2"), "P0000000003");
  EXPECT_EQ(h.resolver().profile_count(), 2u);
}

TEST(ResolverTest, AbortBatchRestoresTheCommittedState) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyseWeb)});
  auto batch = h.store().NewWriteBatch();
  h.resolver().BeginBatch();
  ASSERT_THAT(h.resolver().ApplyEvent(Upsert("web_shop", "2", kMehmet), *batch), IsOk());
  ASSERT_THAT(h.resolver().ApplyEvent(Upsert("pos", "3", kAyseBridge), *batch), IsOk());
  ASSERT_THAT(h.resolver().AbortBatch(), IsOk());  // The batch is never written.
  EXPECT_EQ(h.resolver().record_count(), 1u);
  EXPECT_EQ(h.ProfileOf("web_shop", "2"), "");
  // Applying the same events again gives what a single application would.
  h.Apply({Upsert("web_shop", "2", kMehmet), Upsert("pos", "3", kAyseBridge)});
  EXPECT_EQ(h.ProfileOf("web_shop", "2"), "P0000000002");
  EXPECT_EQ(h.ProfileOf("pos", "3"), "P0000000001");
}

TEST(ResolverTest, ResolveScoresWithoutStoring) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyseWeb), Upsert("web_shop", "2", kMehmet)});
  v1::ResolveRequest request;
  request.mutable_record()->set_email("Ayse.Yilmaz@Example.com");
  request.mutable_record()->set_given_name("Ayşe");
  request.mutable_record()->set_family_name("Yılmaz");
  auto r = h.resolver().Resolve(request);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->decision(), v1::MATCH_DECISION_LINK);
  EXPECT_EQ(r->profile_id(), "P0000000001");
  ASSERT_GE(r->candidates_size(), 1);
  EXPECT_EQ(r->candidates(0).source().id(), "1");
  bool email_exact = false;
  for (const auto& f : r->candidates(0).explanation().fields()) {
    if (f.field() == "email") email_exact = f.level() == "exact";
  }
  EXPECT_TRUE(email_exact);
  EXPECT_EQ(h.resolver().record_count(), 2u);
}

TEST(ResolverTest, ExplainMatchOfTwoProfilesUsesTheBestMemberPair) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyseWeb), Upsert("web_shop", "2", kMehmet)});
  v1::ExplainMatchRequest request;
  request.mutable_a()->set_profile_id("P0000000001");
  *request.mutable_b()->mutable_source() = Key("web_shop", "2");
  auto e = h.resolver().ExplainMatch(request);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->explanation().decision(), v1::MATCH_DECISION_NO_LINK);
  EXPECT_EQ(e->record_a().id(), "1");
  EXPECT_EQ(e->record_b().id(), "2");
  request.clear_b();
  EXPECT_THAT(h.resolver().ExplainMatch(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("b:")));
}

TEST(ResolverTest, ModelIsReestimatedAtDoublingRecordCountsAndPersisted) {
  ResolverOptions options;
  options.reestimate = true;
  options.first_estimate_records = 8;
  ResolverHarness h(options);
  std::vector<common::v1::Event> events;
  for (int i = 0; i < 40; ++i) {
    Person p{"person" + std::to_string(i) + "@example.com",
             "",
             "Given" + std::to_string(i % 7),
             "Family" + std::to_string(i % 5),
             1960 + i % 30,
             1 + i % 12,
             1 + i % 28};
    events.push_back(Upsert("web_shop", std::to_string(i), p, kT0 + i));
    Person twin = p;
    twin.phone = "0532 000 00 " + std::to_string(10 + i);
    events.push_back(Upsert("pos", std::to_string(i), twin, kT0 + i));
  }
  h.Apply(events);
  const uint64_t estimates = h.resolver().model_estimates();
  EXPECT_GE(estimates, 2u);  // At 8, 16, 32, 64 records.
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(h.ProfileOf("web_shop", std::to_string(i)), h.ProfileOf("pos", std::to_string(i)));
  }
  h.Reopen();
  EXPECT_EQ(h.resolver().model_estimates(), estimates);
}

TEST(ResolverTest, PagingOfProfilesAndMembers) {
  ResolverHarness h;
  std::vector<common::v1::Event> events;
  const std::vector<Person> people = {{"ayse@example.com", "", "Ayşe", "Yılmaz", 1990, 1, 1},
                                      {"mehmet@example.com", "", "Mehmet", "Demir", 1971, 2, 3},
                                      {"zeynep@example.com", "", "Zeynep", "Kaya", 1985, 7, 9},
                                      {"emre@example.com", "", "Emre", "Şahin", 2000, 12, 30},
                                      {"elif@example.com", "", "Elif", "Çelik", 1966, 4, 21}};
  for (int i = 0; i < 5; ++i) events.push_back(Upsert("web_shop", std::to_string(i), people[i]));
  h.Apply(events);
  v1::ListProfilesRequest list;
  list.set_page_size(2);
  std::vector<std::string> ids;
  do {
    auto page = h.resolver().ListProfiles(list);
    ASSERT_THAT(page, IsOk());
    EXPECT_EQ(page->total(), 5);
    for (const auto& p : page->profiles()) ids.push_back(p.profile_id());
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  EXPECT_THAT(
      ids, ElementsAre("P0000000001", "P0000000002", "P0000000003", "P0000000004", "P0000000005"));
  list.set_page_size(-1);
  EXPECT_THAT(h.resolver().ListProfiles(list),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  list.set_page_size(1);
  list.set_page_token("garbage");
  EXPECT_THAT(h.resolver().ListProfiles(list),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  v1::ListMembersRequest members;
  members.set_profile_id("P0000000003");
  auto m = h.resolver().ListMembers(members);
  ASSERT_THAT(m, IsOk());
  ASSERT_EQ(m->members_size(), 1);
  EXPECT_EQ(m->members(0).source().id(), "2");
  EXPECT_EQ(m->members(0).channel(), common::v1::CHANNEL_ONLINE_SHOP);
  members.set_profile_id("P0000000009");
  EXPECT_THAT(h.resolver().ListMembers(members),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("P0000000009")));
}

}  // namespace
}  // namespace clientele::identity::testing
