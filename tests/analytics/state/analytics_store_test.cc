#include "analytics/state/analytics_store.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "analytics/jobs/job_manager.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/analytics/analytics_test_util.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Key;

class AnalyticsStoreTest : public ::testing::Test {
 protected:
  AnalyticsStoreTest() : kv_(testing::OpenAnalyticsKv(dir_.Sub("db"))), store_(kv_.get()) {}

  common::v1::Job JobWithId(const std::string& id) {
    common::v1::Job job;
    job.set_job_id(id);
    job.set_state(common::v1::JOB_STATE_QUEUED);
    return job;
  }

  ::clientele::testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> kv_;
  AnalyticsStore store_;
};

TEST_F(AnalyticsStoreTest, SourceKeysRoundTripAndSortBySystemThenId) {
  const std::string a = EncodeSourceKey(Key("b", "pos"));
  const std::string b = EncodeSourceKey(Key("a", "web"));
  EXPECT_LT(a, b);
  auto decoded = DecodeSourceKey(a, "analytics");
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->system(), "pos");
  EXPECT_EQ(decoded->id(), "b");
  EXPECT_EQ(FormatSourceKey(*decoded), "pos/b");
  EXPECT_THAT(DecodeSourceKey("no-separator", "analytics"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("malformed")));
}

TEST_F(AnalyticsStoreTest, AggregatesAndAttributesArePerSourceKey) {
  CustomerOrderAggregate aggregate;
  common::v1::Order order;
  auto* line = order.add_lines();
  line->set_quantity(2);
  line->mutable_unit_price()->set_minor_units(150);
  line->mutable_unit_price()->set_currency_code("GBP");
  ASSERT_THAT(aggregate.AddOrder(order, absl::FromUnixSeconds(1000)), IsOk());
  common::v1::CustomerUpsert attributes;
  (*attributes.mutable_attributes())["income"].set_int_value(5000);
  auto batch = kv_->NewWriteBatch();
  store_.PutAggregate(*batch, Key("1"), aggregate);
  store_.PutAttributes(*batch, Key("2"), attributes);
  ASSERT_THAT(kv_->Write(*batch), IsOk());

  auto got = store_.GetAggregate(Key("1"));
  ASSERT_THAT(got, IsOk());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, aggregate);
  EXPECT_FALSE(store_.GetAggregate(Key("2"))->has_value());
  auto attrs = store_.GetAttributes(Key("2"));
  ASSERT_TRUE(attrs.ok() && attrs->has_value());
  EXPECT_EQ((*attrs)->attributes().at("income").int_value(), 5000);

  std::vector<std::string> visited;
  ASSERT_THAT(
      store_.ForEachAggregate([&](const common::v1::SourceKey& key, const CustomerOrderAggregate&) {
        visited.push_back(FormatSourceKey(key));
        return absl::OkStatus();
      }),
      IsOk());
  EXPECT_THAT(visited, ElementsAre("shop/1"));
}

TEST_F(AnalyticsStoreTest, JobsPageNewestFirst) {
  std::unique_ptr<jobs::JobStore> jobs = NewAnalyticsJobStore(kv_.get());
  for (uint64_t n : {1, 2, 3}) ASSERT_THAT(jobs->Write(JobWithId(jobs->JobId(n))), IsOk());
  // A job stored in an earlier format ("job-<n>", another message) is never parsed or listed.
  std::unique_ptr<storage::WriteBatch> batch = kv_->NewWriteBatch();
  batch->Put(kJobsCf, "job-0000000009", "\xff\xff not a common.v1.Job");
  ASSERT_THAT(kv_->Write(*batch), IsOk());
  auto first = jobs->Before("", 2);
  ASSERT_THAT(first, IsOk());
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].job_id(), "analytics-0000000003");
  EXPECT_EQ((*first)[1].job_id(), "analytics-0000000002");
  auto rest = jobs->Before("analytics-0000000002", 2);
  ASSERT_THAT(rest, IsOk());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].job_id(), "analytics-0000000001");
  auto all = jobs->All();
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->size(), 3u);
  auto foreign = jobs->CountForeign();
  ASSERT_THAT(foreign, IsOk());
  EXPECT_EQ(*foreign, 1);
}

TEST_F(AnalyticsStoreTest, ModelVersionsAreNeverReusedAndActivePointerSwitches) {
  auto v1_ = store_.AllocateModelVersion();
  auto v2_ = store_.AllocateModelVersion();
  ASSERT_THAT(v1_, IsOk());
  ASSERT_THAT(v2_, IsOk());
  EXPECT_EQ(*v1_, 1u);
  EXPECT_EQ(*v2_, 2u);  // Version 1 never got a model, still not reused.
  EXPECT_EQ(*store_.ActiveVersion(v1::JOB_KIND_RFM), 0u);
  v1::Model model;
  model.set_version(*v2_);
  model.set_kind(v1::JOB_KIND_RFM);
  auto batch = kv_->NewWriteBatch();
  store_.PutModel(*batch, model);
  store_.PutActiveVersion(*batch, v1::JOB_KIND_RFM, *v2_);
  ASSERT_THAT(kv_->Write(*batch), IsOk());
  EXPECT_EQ(*store_.ActiveVersion(v1::JOB_KIND_RFM), 2u);
  EXPECT_EQ(*store_.ActiveVersion(v1::JOB_KIND_RECLUSTER), 0u);
  EXPECT_EQ(*store_.LastModelVersion(), 2u);
  EXPECT_EQ(*store_.AllocateModelVersion(), 3u);
}

TEST_F(AnalyticsStoreTest, RfmRowsPageWithinOneVersionAndFilter) {
  auto batch = kv_->NewWriteBatch();
  for (uint64_t version : {1, 2}) {
    for (const char* id : {"a", "b", "c", "d"}) {
      v1::RfmRow row;
      row.set_profile_id(id);
      row.set_segment(std::string(id) < "c" ? "Champions" : "Lost");
      row.set_frequency(static_cast<int64_t>(version));
      store_.PutRfmRow(*batch, version, row);
    }
  }
  ASSERT_THAT(kv_->Write(*batch), IsOk());
  auto page = store_.RfmRowsAfter(1, "", 3);
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ((*page)[2].profile_id(), "c");
  EXPECT_EQ((*page)[2].frequency(), 1);
  auto next = store_.RfmRowsAfter(1, "c", 3);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].profile_id(), "d");
  auto lost =
      store_.RfmRowsAfter(2, "", 10, [](const v1::RfmRow& r) { return r.segment() == "Lost"; });
  ASSERT_EQ(lost->size(), 2u);
  EXPECT_EQ((*lost)[0].profile_id(), "c");
  EXPECT_EQ((*lost)[0].frequency(), 2);
}

// A scan for a rare segment can read every row of a version: it stops when its caller's
// deadline has passed (ListCustomersInSegment, ListRfm pass the gRPC call's).
TEST_F(AnalyticsStoreTest, RfmRowScanStopsOnceTheCallersDeadlinePassed) {
  auto batch = kv_->NewWriteBatch();
  for (int i = 0; i < 3 * kInterruptCheckEvery; ++i) {
    v1::RfmRow row;
    row.set_profile_id(absl::StrCat("p", 10000 + i));
    row.set_segment("Champions");
    store_.PutRfmRow(*batch, 1, row);
  }
  ASSERT_THAT(kv_->Write(*batch), IsOk());
  auto none_lost = [](const v1::RfmRow& r) { return r.segment() == "Lost"; };
  EXPECT_THAT(store_.RfmRowsAfter(1, "", 10, none_lost,
                                  DeadlineInterrupt(absl::Now() - absl::Milliseconds(1))),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("deadline")));
  // With time left the same scan ends normally (nothing matches).
  auto all =
      store_.RfmRowsAfter(1, "", 10, none_lost, DeadlineInterrupt(absl::Now() + absl::Hours(1)));
  ASSERT_THAT(all, IsOk());
  EXPECT_TRUE(all->empty());
}

}  // namespace
}  // namespace clientele::analytics
