// IdentityApplier: the LogApplier contract with a resolver that changes memory in Apply.
#include "identity/identity_applier.h"

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"
#include "tests/identity/resolution/resolver_test_util.h"

namespace clientele::identity::testing {
namespace {

using ::clientele::testing::IsOk;

std::vector<ingest::v1::LogEntry> Entries(const std::vector<common::v1::Event>& events) {
  std::vector<ingest::v1::LogEntry> out;
  for (size_t i = 0; i < events.size(); ++i) {
    ingest::v1::LogEntry& e = out.emplace_back();
    e.set_sequence(i + 1);
    *e.mutable_event() = events[i];
  }
  return out;
}

std::vector<const ingest::v1::LogEntry*> Pointers(const std::vector<ingest::v1::LogEntry>& v) {
  std::vector<const ingest::v1::LogEntry*> out;
  for (const auto& e : v) out.push_back(&e);
  return out;
}

TEST(IdentityApplierTest, FailedWriteUndoesTheBatchAndTheRetryAppliesItOnce) {
  ResolverHarness h;
  IdentityApplier applier(&h.resolver());
  const auto entries =
      Entries({Upsert("web_shop", "1", Person{"a@example.com", "", "Ayşe", "Yılmaz", 1990, 1, 1}),
               Upsert("pos", "2", Person{"a@example.com", "", "Ayşe", "Yılmaz", 1990, 1, 1}),
               Consent("pos", "2", common::v1::CONSENT_PURPOSE_PROFILING,
                       common::v1::CONSENT_STATUS_GRANTED, kT0)});
  {
    auto batch = h.store().NewWriteBatch();
    ASSERT_THAT(applier.Apply(0, Pointers(entries), *batch), IsOk());
    applier.OnWriteFailed(0);  // The consumer could not write the batch.
  }
  // The lock is released and nothing of the batch is visible.
  EXPECT_EQ(h.resolver().record_count(), 0u);
  {
    auto batch = h.store().NewWriteBatch();
    ASSERT_THAT(applier.Apply(0, Pointers(entries), *batch), IsOk());
    ASSERT_THAT(h.store().Write(*batch), IsOk());
    applier.OnCommitted(0, entries.size());
  }
  EXPECT_EQ(h.resolver().record_count(), 2u);
  EXPECT_EQ(h.resolver().profile_count(), 1u);
  v1::ProfileLookup lookup;
  *lookup.mutable_source() = Key("web_shop", "1");
  auto consents = h.resolver().GetConsents(lookup);
  ASSERT_THAT(consents, IsOk());
  EXPECT_EQ(consents->history_size(), 1);
  // What was committed is what a restart sees.
  h.Reopen();
  EXPECT_EQ(h.resolver().record_count(), 2u);
  EXPECT_EQ(h.ProfileOf("pos", "2"), "P0000000001");
}

TEST(IdentityApplierTest, CommitWithoutApplyIsANoOp) {
  ResolverHarness h;
  IdentityApplier applier(&h.resolver());
  applier.OnCommitted(0, 10);  // A batch whose events were all filtered out.
  applier.OnWriteFailed(0);
  EXPECT_EQ(h.resolver().record_count(), 0u);
  EXPECT_EQ(applier.PayloadTypes().size(), 3u);
}

}  // namespace
}  // namespace clientele::identity::testing
