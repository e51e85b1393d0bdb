// Identity's metrics as a scrape shows them: committed records, profiles and decisions, and
// the apply latency observed by the applier.
#include "identity/identity_metrics.h"

#include <string>
#include <vector>

#include "common/metrics/registry.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/identity_applier.h"
#include "tests/identity/resolution/resolver_test_util.h"

namespace clientele::identity::testing {
namespace {

using ::clientele::testing::IsOk;
using ::testing::HasSubstr;
using ::testing::Not;

const Person kAyse{"ayse@example.com", "", "Ayşe", "Yılmaz", 1990, 1, 1};
const Person kMehmet{"mehmet@example.com", "", "Mehmet", "Demir", 1985, 5, 5};

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

std::string Decisions(const std::string& action, int n) {
  return "clientele_identity_decisions_total{action=\"" + action + "\"} " + std::to_string(n) +
         "\n";
}

TEST(IdentityMetricsTest, ScrapesShowCommittedRecordsProfilesAndDecisions) {
  ResolverHarness h;
  metrics::Registry registry;
  {
    IdentityMetrics identity_metrics(&registry, &h.resolver());
    IdentityApplier applier(&h.resolver(), identity_metrics.apply_seconds());
    std::string text = registry.RenderText();
    EXPECT_THAT(text, HasSubstr("# TYPE clientele_identity_records gauge\n"
                                "clientele_identity_records 0\n"));
    EXPECT_THAT(text, HasSubstr("# TYPE clientele_identity_decisions_total counter\n"));
    EXPECT_THAT(text, HasSubstr(Decisions("auto_merge", 0)));

    const auto entries = Entries({Upsert("web_shop", "1", kAyse), Upsert("pos", "2", kAyse),
                                  Upsert("web_shop", "3", kMehmet)});
    {  // A batch that is not written counts nothing.
      auto batch = h.store().NewWriteBatch();
      ASSERT_THAT(applier.Apply(0, Pointers(entries), *batch), IsOk());
      applier.OnWriteFailed(0);
    }
    text = registry.RenderText();
    EXPECT_THAT(text, HasSubstr("clientele_identity_records 0\n"));
    EXPECT_THAT(text, HasSubstr(Decisions("create", 0)));
    {
      auto batch = h.store().NewWriteBatch();
      ASSERT_THAT(applier.Apply(0, Pointers(entries), *batch), IsOk());
      ASSERT_THAT(h.store().Write(*batch), IsOk());
      applier.OnCommitted(0, entries.size());
    }
    text = registry.RenderText();
    EXPECT_THAT(text, HasSubstr("clientele_identity_records 3\n"));
    EXPECT_THAT(text, HasSubstr("# TYPE clientele_identity_profiles gauge\n"
                                "clientele_identity_profiles 2\n"));
    EXPECT_THAT(text, HasSubstr(Decisions("create", 2)));
    EXPECT_THAT(text, HasSubstr(Decisions("link", 1)));
    EXPECT_THAT(text, HasSubstr(Decisions("manual_merge", 0)));
    // Both applies were timed, the undone one too.
    EXPECT_THAT(text, HasSubstr("# TYPE clientele_identity_apply_seconds histogram\n"));
    EXPECT_THAT(text, HasSubstr("clientele_identity_apply_seconds_count 2\n"));

    v1::MergeProfilesRequest merge;
    merge.set_into_profile_id("P0000000001");
    merge.set_from_profile_id("P0000000002");
    merge.set_actor("op");
    merge.set_reason("confirmed by phone");
    merge.set_idempotency_key("m-1");
    ASSERT_THAT(h.resolver().MergeProfiles(merge), IsOk());
    ASSERT_THAT(h.resolver().MergeProfiles(merge), IsOk());  // A retry decides nothing new.
    text = registry.RenderText();
    EXPECT_THAT(text, HasSubstr(Decisions("manual_merge", 1)));
    EXPECT_THAT(text, HasSubstr("clientele_identity_profiles 1\n"));
  }
  // The callbacks went with the metrics object; the histogram stays in the registry.
  EXPECT_THAT(registry.RenderText(), Not(HasSubstr("clientele_identity_records")));
  EXPECT_THAT(registry.RenderText(), Not(HasSubstr("clientele_identity_decisions_total")));
}

TEST(IdentityMetricsTest, AfterARestartRecordsAndProfilesAreThoseLoaded) {
  ResolverHarness h;
  h.Apply({Upsert("web_shop", "1", kAyse), Upsert("web_shop", "3", kMehmet)});
  h.Reopen();
  metrics::Registry registry;
  IdentityMetrics identity_metrics(&registry, &h.resolver());
  const std::string text = registry.RenderText();
  EXPECT_THAT(text, HasSubstr("clientele_identity_records 2\n"));
  EXPECT_THAT(text, HasSubstr("clientele_identity_profiles 2\n"));
  EXPECT_THAT(text, HasSubstr(Decisions("create", 0)));  // Counted since this start.
}

TEST(IdentityMetricsTest, ActionLabelsAreLowerCaseNamesWithoutThePrefix) {
  EXPECT_EQ(IdentityMetrics::ActionLabel(v1::AUDIT_ACTION_AUTO_MERGE), "auto_merge");
  EXPECT_EQ(IdentityMetrics::ActionLabel(v1::AUDIT_ACTION_REVIEW), "review");
  EXPECT_EQ(IdentityMetrics::ActionLabel(v1::AUDIT_ACTION_MERGE_BLOCKED), "merge_blocked");
}

}  // namespace
}  // namespace clientele::identity::testing
