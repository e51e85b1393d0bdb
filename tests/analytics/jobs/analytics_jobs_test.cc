// The rfm and recluster jobs end to end over a real store, and the read queries on their
// models.
#include <cmath>

#include "absl/time/clock.h"
#include "analytics/analytics_queries.h"
#include "analytics/jobs/analytics_job_runner.h"
#include "analytics/jobs/job_manager.h"
#include "analytics/jobs/rfm_job.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/analytics/analytics_test_util.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;
using testing::Key;
using testing::OrderEntry;

const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2011, 1, 3, 10, 0, 0), absl::UTCTimeZone());

// Merges the listed source keys into named profiles; the rest are their own profile.
class FakeDirectory final : public ProfileDirectory {
 public:
  absl::StatusOr<ProfileMap> GetProfileMap(const std::function<bool()>&) override { return map; }
  ProfileMap map;
};

// A succeeded job and its analytics result.
struct FinishedJob {
  common::v1::Job job;
  v1::JobResult result_;
  const v1::JobResult& result() const { return result_; }
};

std::string KindOf(const v1::JobSpec& spec) { return spec.has_recluster() ? "recluster" : "rfm"; }

class AnalyticsJobsTest : public ::testing::Test {
 protected:
  AnalyticsJobsTest()
      : kv_(testing::OpenAnalyticsKv(dir_.Sub("db"))),
        store_(kv_.get()),
        job_store_(NewAnalyticsJobStore(kv_.get())),
        runner_(&store_, &directory_, 1),
        jobs_(job_store_.get(), &runner_),
        queries_(&store_) {
    EXPECT_THAT(jobs_.Start(), IsOk());
    // Customer c<i> (i = 1..12) has i orders of i pounds each, the last one on day 2i.
    AnalyticsApplier applier(&store_);
    std::vector<ingest::v1::LogEntry> entries;
    uint64_t seq = 0;
    for (int i = 1; i <= 12; ++i) {
      const std::string customer = absl::StrCat("c", i < 10 ? "0" : "", i);
      for (int o = 0; o < i; ++o) {
        entries.push_back(OrderEntry(++seq, customer, absl::StrCat(customer, "-", o),
                                     kStart + absl::Hours(24 * (2 * i - o)), {{1, 100 * i}}));
      }
    }
    // Only a cancellation: no counted order under the notebook convention.
    entries.push_back(OrderEntry(++seq, "c13", "c13-0", kStart, {{-1, 500}}, true));
    EXPECT_THAT(testing::ApplyAndCommit(applier, *kv_, entries), IsOk());
  }

  FinishedJob Run(const v1::JobSpec& spec) {
    auto started = jobs_.StartJob(KindOf(spec), PackSpec(spec), "");
    EXPECT_THAT(started, IsOk());
    FinishedJob out;
    if (!started.ok()) return out;
    auto done = jobs_.WaitJob(started->job.job_id(), absl::Now() + absl::Seconds(60), {});
    EXPECT_THAT(done, IsOk());
    if (!done.ok()) return out;
    EXPECT_EQ(done->state(), common::v1::JOB_STATE_SUCCEEDED) << done->error();
    EXPECT_TRUE(done->result().UnpackTo(&out.result_));
    out.job = *done;
    return out;
  }

  std::vector<v1::RfmRow> AllRows(uint64_t version) {
    std::vector<v1::RfmRow> rows;
    v1::ListRfmRequest request;
    request.set_model_version(version);
    request.set_page_size(5);
    do {
      auto page = queries_.ListRfm(request);
      EXPECT_THAT(page, IsOk());
      if (!page.ok()) break;
      for (const auto& r : page->rows()) rows.push_back(r);
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty());
    return rows;
  }

  ::clientele::testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> kv_;
  AnalyticsStore store_;
  std::unique_ptr<jobs::JobStore> job_store_;
  FakeDirectory directory_;
  AnalyticsJobRunner runner_;
  JobManager jobs_;
  AnalyticsQueries queries_;
};

TEST_F(AnalyticsJobsTest, QueriesBeforeAnyModelSayWhatToRun) {
  EXPECT_THAT(queries_.ListSegments({}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("rfm")));
  v1::GetCustomerAnalyticsRequest request;
  *request.mutable_source_key() = Key("c01");
  EXPECT_THAT(queries_.GetCustomerAnalytics(request),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("job")));
}

TEST_F(AnalyticsJobsTest, RfmJobScoresEveryProfileWithACountedOrder) {
  v1::JobSpec spec;
  (*spec.mutable_rfm()->mutable_segment_strategies())["Champions"] = "Send them a thank-you.";
  const FinishedJob job = Run(spec);
  EXPECT_EQ(job.result().profiles(), 12);
  const uint64_t version = job.result().model_version();
  EXPECT_EQ(*store_.ActiveVersion(v1::JOB_KIND_RFM), version);
  // Default reference date: midnight after the last order day (c12's last order, day 24).
  const absl::Time last = kStart + absl::Hours(24 * 24);
  EXPECT_EQ(job.result().reference_date().seconds(),
            absl::ToUnixSeconds(absl::FromCivil(absl::ToCivilDay(last, absl::UTCTimeZone()) + 1,
                                                absl::UTCTimeZone())));

  const std::vector<v1::RfmRow> rows = AllRows(0);
  ASSERT_EQ(rows.size(), 12u);
  EXPECT_EQ(rows.front().profile_id(), "shop/c01");
  EXPECT_EQ(rows.front().frequency(), 1);
  EXPECT_DOUBLE_EQ(rows.front().monetary(), 1.0);
  EXPECT_EQ(rows.front().recency_days(), 22);  // Jan 5 10:00 -> Jan 28 00:00: 22 days 14 h.
  EXPECT_EQ(rows.back().profile_id(), "shop/c12");
  EXPECT_EQ(rows.back().frequency(), 12);
  EXPECT_DOUBLE_EQ(rows.back().monetary(), 144.0);
  EXPECT_EQ(rows.back().r(), 5);
  EXPECT_EQ(rows.back().f(), 5);
  EXPECT_EQ(rows.back().m(), 5);
  EXPECT_EQ(rows.back().segment(), kChampions);
  EXPECT_EQ(rows.front().r(), 1);
  EXPECT_EQ(rows.front().segment(), kLost);

  auto segments = queries_.ListSegments({});
  ASSERT_THAT(segments, IsOk());
  int64_t total = 0;
  for (const auto& s : segments->segments()) {
    total += s.customers();
    if (s.segment() == kChampions) EXPECT_EQ(s.strategy(), "Send them a thank-you.");
  }
  EXPECT_EQ(total, 12);

  v1::GetCustomerAnalyticsRequest who;
  *who.mutable_source_key() = Key("c12");
  auto analytics = queries_.GetCustomerAnalytics(who);
  ASSERT_THAT(analytics, IsOk());
  EXPECT_EQ(analytics->profile_id(), "shop/c12");
  EXPECT_EQ(analytics->rfm().segment(), kChampions);
  EXPECT_EQ(analytics->strategy(), "Send them a thank-you.");
  EXPECT_EQ(analytics->cluster(), -1);
  *who.mutable_source_key() = Key("c13");
  EXPECT_THAT(queries_.GetCustomerAnalytics(who),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("source_key")));
  who.set_profile_id("nobody");
  EXPECT_THAT(queries_.GetCustomerAnalytics(who),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("profile_id")));

  v1::ListCustomersInSegmentRequest in_segment;
  in_segment.set_segment(kChampions);
  auto champions = queries_.ListCustomersInSegment(in_segment);
  ASSERT_THAT(champions, IsOk());
  ASSERT_GE(champions->customers_size(), 1);
  for (const auto& c : champions->customers()) EXPECT_EQ(c.segment(), kChampions);
  in_segment.set_segment("Nope");
  EXPECT_THAT(queries_.ListCustomersInSegment(in_segment),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("segment")));
  v1::ListRfmRequest bad_page;
  bad_page.set_page_size(-1);
  EXPECT_THAT(queries_.ListRfm(bad_page),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
}

TEST_F(AnalyticsJobsTest, ANewVersionSwitchesAtomicallyAndOldVersionsAreKept) {
  const uint64_t first = Run([] {
                           v1::JobSpec s;
                           s.mutable_rfm();
                           return s;
                         }())
                             .result()
                             .model_version();
  v1::JobSpec net;
  net.mutable_rfm()->set_convention(v1::RFM_CONVENTION_NET);
  net.mutable_rfm()->mutable_reference_date()->set_seconds(
      absl::ToUnixSeconds(kStart + absl::Hours(24 * 100)));
  const uint64_t second = Run(net).result().model_version();
  EXPECT_GT(second, first);
  EXPECT_EQ(*store_.ActiveVersion(v1::JOB_KIND_RFM), second);

  v1::GetModelRequest old_request;
  old_request.set_version(first);
  auto old_model = queries_.GetModel(old_request);
  ASSERT_THAT(old_model, IsOk());
  EXPECT_FALSE(old_model->model().active());
  EXPECT_EQ(old_model->model().rfm().convention(), v1::RFM_CONVENTION_NOTEBOOK);
  auto active = queries_.GetModel([] {
    v1::GetModelRequest r;
    r.set_kind(v1::JOB_KIND_RFM);
    return r;
  }());
  ASSERT_THAT(active, IsOk());
  EXPECT_TRUE(active->model().active());
  EXPECT_EQ(active->model().version(), second);
  EXPECT_EQ(AllRows(first).front().recency_days(), 22);
  // c13's cancellation is not a purchase under either convention: still 12 profiles.
  EXPECT_EQ(AllRows(second).size(), 12u);
  EXPECT_EQ(AllRows(second).front().recency_days(), 98);  // Jan 5 -> Apr 13.
  v1::GetModelRequest missing;
  missing.set_version(999);
  EXPECT_THAT(queries_.GetModel(missing),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("version")));
}

TEST_F(AnalyticsJobsTest, ProfilesCombineTheirSourceKeys) {
  directory_.map[EncodeSourceKey(Key("c01"))] = "P1";
  directory_.map[EncodeSourceKey(Key("c02"))] = "P1";
  v1::JobSpec spec;
  spec.mutable_rfm();
  const FinishedJob job = Run(spec);
  EXPECT_EQ(job.result().profiles(), 11);
  v1::GetCustomerAnalyticsRequest who;
  *who.mutable_source_key() = Key("c02");
  auto analytics = queries_.GetCustomerAnalytics(who);
  ASSERT_THAT(analytics, IsOk());
  EXPECT_EQ(analytics->profile_id(), "P1");
  ASSERT_EQ(analytics->source_ids_size(), 2);
  EXPECT_EQ(analytics->source_ids(0).id(), "c01");
  EXPECT_EQ(analytics->source_ids(1).id(), "c02");
  EXPECT_EQ(analytics->rfm().frequency(), 3);
  EXPECT_DOUBLE_EQ(analytics->rfm().monetary(), 1.0 + 2 * 2.0);
  // The most recent member order decides recency: c02's last order is on day 4.
  EXPECT_EQ(analytics->rfm().recency_days(), 20);
}

TEST_F(AnalyticsJobsTest, ReclusterStoresElbowSilhouettePcaAndPredicts) {
  v1::JobSpec rfm;
  rfm.mutable_rfm();
  Run(rfm);
  v1::JobSpec spec;
  spec.mutable_recluster()->set_k_min(2);
  spec.mutable_recluster()->set_k_max(4);
  spec.mutable_recluster()->set_n_init(3);
  spec.mutable_recluster()->set_seed(42);
  spec.mutable_recluster()->set_pca_sample_size(5);
  spec.mutable_recluster()->set_ward(true);
  const FinishedJob job = Run(spec);
  const v1::JobResult& result = job.result();
  ASSERT_EQ(result.k_scores_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(result.k_scores(i).k(), 2 + i);
    EXPECT_GT(result.k_scores(i).inertia(), 0);
    EXPECT_GE(result.k_scores(i).silhouette(), -1);
    EXPECT_LE(result.k_scores(i).silhouette(), 1);
    if (i > 0) EXPECT_LE(result.k_scores(i).inertia(), result.k_scores(i - 1).inertia());
  }
  double best = -2;
  int best_k = 0;
  for (const auto& s : result.k_scores()) {
    if (s.silhouette() > best) {
      best = s.silhouette();
      best_k = s.k();
    }
  }
  EXPECT_EQ(result.suggested_k(), best_k);
  EXPECT_EQ(result.k(), best_k);
  EXPECT_GE(result.elbow_k(), 2);
  EXPECT_LE(result.elbow_k(), 4);

  auto model = queries_.GetModel({});
  ASSERT_THAT(model, IsOk());
  const v1::ClusterModel& cm = model->model().cluster();
  EXPECT_EQ(cm.profiles(), 12);
  EXPECT_EQ(cm.columns_size(), 3);
  EXPECT_EQ(cm.centroids_size(), cm.k() * 3);
  EXPECT_EQ(cm.pca_sample_size(), 5);
  EXPECT_EQ(cm.pca_components_size(), 6);
  EXPECT_EQ(cm.scaler_scale_size(), 3);
  int64_t sizes = 0;
  for (const auto& c : cm.clusters()) {
    sizes += c.size();
    EXPECT_TRUE(c.feature_means().contains("monetary"));
    EXPECT_FALSE(c.dominant_segment().empty());
  }
  EXPECT_EQ(sizes, 12);
  // Ward at the same k, for comparison.
  ASSERT_EQ(cm.ward_cluster_sizes_size(), cm.k());
  int64_t ward_sizes = 0;
  for (int64_t s : cm.ward_cluster_sizes()) ward_sizes += s;
  EXPECT_EQ(ward_sizes, 12);
  EXPECT_EQ(cm.ward_labels_sample_size(), 5);
  EXPECT_GT(cm.ward_silhouette(), 0);

  // A new customer with c12's figures lands in c12's cluster.
  v1::GetCustomerAnalyticsRequest who;
  *who.mutable_source_key() = Key("c12");
  auto c12 = queries_.GetCustomerAnalytics(who);
  ASSERT_THAT(c12, IsOk());
  ASSERT_GE(c12->cluster(), 0);
  v1::PredictClusterRequest predict;
  (*predict.mutable_features())["recency_days"] = c12->rfm().recency_days();
  (*predict.mutable_features())["frequency"] = c12->rfm().frequency();
  (*predict.mutable_features())["monetary"] = c12->rfm().monetary();
  auto predicted = queries_.PredictCluster(predict);
  ASSERT_THAT(predicted, IsOk());
  EXPECT_EQ(predicted->cluster(), c12->cluster());
  EXPECT_EQ(predicted->distances_size(), cm.k());
  EXPECT_EQ(predicted->segment(), c12->rfm().segment());
  (*predict.mutable_features())["frequency"] = 1e300;
  EXPECT_THAT(queries_.PredictCluster(predict),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("features[frequency]")));
  (*predict.mutable_features())["frequency"] = std::nan("");
  EXPECT_THAT(queries_.PredictCluster(predict),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("features[frequency]")));
  (*predict.mutable_features())["frequency"] = c12->rfm().frequency();
  (*predict.mutable_features())["shoe_size"] = 44;
  EXPECT_THAT(queries_.PredictCluster(predict),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("features[shoe_size]")));
}

TEST_F(AnalyticsJobsTest, ReclusterOnAttributesUsesCategories) {
  AnalyticsApplier applier(&store_);
  std::vector<ingest::v1::LogEntry> upserts;
  for (int i = 1; i <= 12; ++i) {
    common::v1::CustomerUpsert u;
    (*u.mutable_attributes())["income"].set_int_value(i < 7 ? 20000 + i : 90000 + i);
    (*u.mutable_attributes())["education"].set_string_value(i < 7 ? "Basic" : "PhD");
    upserts.push_back(testing::UpsertEntry(100 + i, absl::StrCat("c", i < 10 ? "0" : "", i), u));
  }
  ASSERT_THAT(testing::ApplyAndCommit(applier, *kv_, upserts), IsOk());
  v1::JobSpec spec;
  spec.mutable_recluster()->set_feature_set(v1::FEATURE_SET_ATTRIBUTES);
  spec.mutable_recluster()->add_attributes("income");
  spec.mutable_recluster()->add_attributes("education");
  spec.mutable_recluster()->set_k_min(2);
  spec.mutable_recluster()->set_k_max(3);
  spec.mutable_recluster()->set_k(2);
  const FinishedJob job = Run(spec);
  EXPECT_EQ(job.result().k(), 2);
  auto model = queries_.GetModel({});
  ASSERT_THAT(model, IsOk());
  const v1::ClusterModel& cm = model->model().cluster();
  ASSERT_EQ(cm.features_size(), 2);
  EXPECT_TRUE(cm.features(1).categorical());
  ASSERT_EQ(cm.clusters_size(), 2);
  EXPECT_EQ(cm.clusters(0).size(), 6);
  EXPECT_EQ(cm.clusters(1).size(), 6);
  for (const auto& cluster : cm.clusters()) {
    // Each cluster is one education level entirely.
    ASSERT_EQ(cluster.top_categories_size(), 1);
    EXPECT_EQ(cluster.top_categories(0).feature(), "education");
    EXPECT_EQ(cluster.top_categories(0).share(), 1.0);
    EXPECT_TRUE(cluster.feature_means().contains("income"));
  }
  v1::PredictClusterRequest low, high;
  (*low.mutable_features())["income"] = 20000;
  (*low.mutable_categorical())["education"] = "Basic";
  (*high.mutable_features())["income"] = 90000;
  (*high.mutable_categorical())["education"] = "PhD";
  auto a = queries_.PredictCluster(low);
  auto b = queries_.PredictCluster(high);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_NE(a->cluster(), b->cluster());
}

TEST_F(AnalyticsJobsTest, ReclusterWithMiniBatchKMeans) {
  v1::JobSpec spec;
  spec.mutable_recluster()->set_k_min(2);
  spec.mutable_recluster()->set_k_max(3);
  spec.mutable_recluster()->set_minibatch(true);
  spec.mutable_recluster()->set_batch_size(4);
  const FinishedJob job = Run(spec);
  ASSERT_EQ(job.result().k_scores_size(), 2);
  EXPECT_GT(job.result().k_scores(0).inertia(), 0);
  auto model = queries_.GetModel({});
  ASSERT_THAT(model, IsOk());
  int64_t sizes = 0;
  for (const auto& c : model->model().cluster().clusters()) sizes += c.size();
  EXPECT_EQ(sizes, 12);
}

TEST_F(AnalyticsJobsTest, SpecsAreValidatedWithTheirField) {
  v1::JobSpec spec;
  spec.mutable_recluster()->set_k_min(5);
  spec.mutable_recluster()->set_k_max(3);
  EXPECT_THAT(jobs_.StartJob("recluster", PackSpec(spec), ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("spec.recluster.k_max")));
  spec.mutable_recluster()->set_k_max(0);
  spec.mutable_recluster()->set_feature_set(v1::FEATURE_SET_ATTRIBUTES);
  EXPECT_THAT(jobs_.StartJob("recluster", PackSpec(spec), ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("spec.recluster.attributes")));
  v1::JobSpec rfm;
  (*rfm.mutable_rfm()->mutable_segment_strategies())["Big Spenders"] = "x";
  EXPECT_THAT(jobs_.StartJob("rfm", PackSpec(rfm), ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("spec.rfm.segment_strategies: unknown segment 'Big Spenders'")));
  v1::JobSpec far;
  far.mutable_rfm()->mutable_reference_date()->set_seconds(int64_t{1} << 60);
  EXPECT_THAT(jobs_.StartJob("rfm", PackSpec(far), ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("spec.rfm.reference_date")));
  // A spec of another kind, an unknown kind, a payload of another message type.
  EXPECT_THAT(jobs_.StartJob("rfm", PackSpec(spec), ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("spec.rfm")));
  EXPECT_THAT(jobs_.StartJob("train", PackSpec(rfm), ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kind")));
  google::protobuf::Any other;
  other.PackFrom(v1::RfmRow());
  EXPECT_THAT(jobs_.StartJob("rfm", other, ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("spec: expected clientele.analytics.v1.JobSpec")));
}

TEST_F(AnalyticsJobsTest, ACancelledRunPublishesNothing) {
  testing::RecordingControl control;
  control.Cancel();
  JobInput job;
  job.job_id = "analytics-x";
  job.kind = "rfm";
  job.spec.mutable_rfm();
  EXPECT_THAT(RunRfmJob(store_, directory_, job, control),
              StatusIs(absl::StatusCode::kCancelled, ::testing::_));
  EXPECT_EQ(*store_.ActiveVersion(v1::JOB_KIND_RFM), 0u);
}

}  // namespace
}  // namespace clientele::analytics
