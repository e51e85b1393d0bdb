// RecordResolution: what one log event does to the state (joins, new profiles, merges and
// their vetoes, reviews, minimal records, consents, out-of-order fields).
#include "identity/resolution/record_resolution.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/resolution/profile_id.h"
#include "tests/identity/resolution/parts_test_util.h"
#include "tests/identity/resolution/resolver_test_util.h"

namespace clientele::identity {
namespace {

using testing::Consent;
using testing::kT0;
using testing::OrderOf;
using testing::Person;
using testing::Upsert;
using testing::WiredParts;

std::vector<v1::AuditAction> Actions(WiredParts& w, uint64_t profile) {
  absl::StatusOr<v1::GetAuditResponse> audit = w.audit.Read({profile}, 0, 100);
  EXPECT_TRUE(audit.ok()) << audit.status();
  std::vector<v1::AuditAction> out;
  for (const v1::AuditEntry& e : audit->entries()) out.push_back(e.action());
  return out;
}

TEST(RecordResolutionTest, ARecordJoinsItsBestLinkingCandidateOrStartsAProfile) {
  WiredParts w;
  ASSERT_TRUE(w.Apply(Upsert("shop", "1", {.email = "ayse@example.com"})).ok());
  ASSERT_TRUE(w.Apply(Upsert("pos", "9", {.email = "mehmet@example.com"})).ok());
  ASSERT_TRUE(w.Apply(Upsert("app", "2", {.email = "ayse@example.com"})).ok());
  EXPECT_EQ(w.ProfileOf("shop/1"), 1u);
  EXPECT_EQ(w.ProfileOf("pos/9"), 2u);
  EXPECT_EQ(w.ProfileOf("app/2"), 1u);
  EXPECT_EQ(w.index.profiles().at(1).members.size(), 2u);
  EXPECT_THAT(Actions(w, 1),
              ::testing::ElementsAre(v1::AUDIT_ACTION_CREATE, v1::AUDIT_ACTION_LINK));
  // The stored record carries its profile.
  EXPECT_EQ(w.pending.Get(*w.index.FindRecord("app/2"))->profile(), 1u);
}

TEST(RecordResolutionTest, ABridgingRecordMergesTheYoungerProfileIntoTheOlder) {
  WiredParts w;
  ASSERT_TRUE(w.Apply(Upsert("shop", "1", {.email = "ayse@example.com"})).ok());
  ASSERT_TRUE(w.Apply(Upsert("pos", "1", {.phone = "05321234567"})).ok());
  ASSERT_TRUE(
      w.Apply(Upsert("app", "1", {.email = "ayse@example.com", .phone = "05321234567"})).ok());
  EXPECT_EQ(w.ProfileOf("pos/1"), 1u);
  EXPECT_EQ(w.index.Canonical(2), 1u);
  EXPECT_THAT(Actions(w, 2),
              ::testing::ElementsAre(v1::AUDIT_ACTION_CREATE, v1::AUDIT_ACTION_AUTO_MERGE));
}

TEST(RecordResolutionTest, AVetoedMergeIsAuditedAsBlocked) {
  WiredParts w;
  ASSERT_TRUE(w.Apply(Upsert("shop", "1", {.email = "ayse@example.com"})).ok());
  ASSERT_TRUE(w.Apply(Upsert("pos", "1", {.phone = "05321234567"})).ok());
  auto batch = w.store->NewWriteBatch();
  w.policy.AddDoNotLink(0, 1, *batch);
  ASSERT_TRUE(w.store->Write(*batch).ok());
  ASSERT_TRUE(
      w.Apply(Upsert("app", "1", {.email = "ayse@example.com", .phone = "05321234567"})).ok());
  EXPECT_EQ(w.ProfileOf("app/1"), 1u);
  EXPECT_EQ(w.ProfileOf("pos/1"), 2u);
  absl::StatusOr<v1::GetAuditResponse> audit = w.audit.Read({2}, 0, 100);
  ASSERT_EQ(audit->entries_size(), 2);
  EXPECT_EQ(audit->entries(1).action(), v1::AUDIT_ACTION_MERGE_BLOCKED);
  EXPECT_EQ(audit->entries(1).reason(),
            "a do-not-link constraint or the size cap forbids the merge");
  EXPECT_EQ(audit->entries(1).records_size(), 2);
}

TEST(RecordResolutionTest, TheBestReviewCandidateIsAuditedAndNotLinked) {
  WiredParts w;
  ASSERT_TRUE(w.Apply(Upsert("shop", "1", {.family = "Yılmaz"})).ok());
  ASSERT_TRUE(w.Apply(Upsert("shop", "2", {.family = "Yılmaz"})).ok());
  EXPECT_EQ(w.ProfileOf("shop/2"), 2u);  // A family name alone is a review, not a link.
  absl::StatusOr<v1::GetAuditResponse> audit = w.audit.Read({2}, 0, 100);
  ASSERT_EQ(audit->entries_size(), 2);
  EXPECT_EQ(audit->entries(1).action(), v1::AUDIT_ACTION_REVIEW);
  EXPECT_EQ(audit->entries(1).score(), 5);
  // Stored as the pattern, explained by the model snapshot of the time.
  EXPECT_EQ(audit->entries(1).explanation().match_weight(), 8);
  EXPECT_EQ(audit->entries(1).explanation().rule(), "m0");
}

TEST(RecordResolutionTest, OrdersAndConsentsOfUnknownCustomersCreateMinimalRecords) {
  WiredParts w;
  ASSERT_TRUE(w.Apply(OrderOf("shop", "7", "o-1")).ok());
  ASSERT_TRUE(w.Apply(Consent("shop", "7", common::v1::CONSENT_PURPOSE_MARKETING_EMAIL,
                              common::v1::CONSENT_STATUS_GRANTED, kT0 + 1))
                  .ok());
  ASSERT_TRUE(w.Apply(Consent("app", "3", common::v1::CONSENT_PURPOSE_MARKETING_EMAIL,
                              common::v1::CONSENT_STATUS_DENIED, kT0 + 2))
                  .ok());
  EXPECT_EQ(w.ProfileOf("shop/7"), 1u);
  EXPECT_EQ(w.ProfileOf("app/3"), 2u);
  const IndexedRecord& shop = w.index.record(*w.index.FindRecord("shop/7"));
  ASSERT_EQ(shop.consents.size(), 1u);
  EXPECT_EQ(shop.consents[0].ledger_id(), 1u);
  EXPECT_EQ(w.resolution.next_consent(), 3u);
  absl::StatusOr<v1::GetAuditResponse> audit = w.audit.Read({1}, 0, 100);
  EXPECT_EQ(audit->entries(0).reason(), "first seen in a order event");

  RecordResolution reloaded(
      {&w.index, &w.pending, &w.writer, &w.search, &w.policy, &w.audit, &w.statistics, &w.matcher},
      w.options.normalization);
  ASSERT_TRUE(w.index.Load(*w.store, w.matcher).ok());
  ASSERT_TRUE(reloaded.LoadConsents(*w.store).ok());
  EXPECT_EQ(w.index.record(*w.index.FindRecord("app/3")).consents.size(), 1u);
}

TEST(RecordResolutionTest, AnOlderUpsertDoesNotOverwriteNewerFields) {
  WiredParts w;
  ASSERT_TRUE(w.Apply(Upsert("shop", "1", {.email = "new@example.com"}, kT0 + 10)).ok());
  ASSERT_TRUE(
      w.Apply(Upsert("shop", "1", {.email = "old@example.com", .given = "Ayşe"}, kT0)).ok());
  absl::StatusOr<resolution::StoredRecord> stored = w.pending.Get(0);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->raw().email(), "new@example.com");
  EXPECT_EQ(stored->raw().given_name(), "Ayşe");  // Set by nobody later.
  EXPECT_EQ(stored->upserts(), 2u);
  EXPECT_EQ(stored->last_upsert_at().seconds(), kT0 + 10);
  EXPECT_EQ(w.index.record(0).person.email, "new@example.com");
  EXPECT_EQ(w.index.RecordsWithEmail("old@example.com"), nullptr);
}

TEST(RecordResolutionTest, FirstUpsertsFeedTheMatchStatistics) {
  WiredParts w;
  ASSERT_TRUE(w.Apply(Upsert("shop", "1", {.email = "ayse@example.com"})).ok());
  ASSERT_TRUE(w.Apply(Upsert("shop", "2", {.email = "ayse@example.com"})).ok());
  ASSERT_TRUE(w.Apply(Upsert("shop", "2", {.email = "ayse@example.com"})).ok());  // Not first.
  EXPECT_EQ(w.statistics.pattern_counts().at(1), 1u);
}

}  // namespace
}  // namespace clientele::identity
