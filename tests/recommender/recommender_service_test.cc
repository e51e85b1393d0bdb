// The recommender against a real ingest server: events go in through IngestService, the
// "recommender" LogConsumer stores them in a real RocksDB, Train jobs fit models and rules,
// and the read calls answer over a real gRPC server on 127.0.0.1:0.
#include "recommender/recommender_service.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clientele/common/v1/jobs.grpc.pb.h"
#include "clientele/recommender/v1/recommender.grpc.pb.h"
#include "common/jobs/job_registry.h"
#include "common/jobs/job_service.h"
#include "common/log/log_consumer.h"
#include "common/server/grpc_server.h"
#include "common/testing/poll.h"
#include "common/testing/status_matchers.h"
#include "common/testing/store_scan.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/import/importer.h"
#include "nlohmann/json.hpp"
#include "recommender/jobs/model_versions.h"
#include "recommender/jobs/recommender_job_runner.h"
#include "recommender/privacy/recommender_privacy_service.h"
#include "recommender/privacy/recommender_subject_data.h"
#include "recommender/recommender_applier.h"
#include "recommender/recommender_schema.h"
#include "tests/integration/ingest_server_fixture.h"
#include "tests/integration/kafka_fixture.h"

namespace clientele {
namespace {

using ::clientele::testing::CountFilesContaining;
using ::clientele::testing::RowsContaining;

namespace v1 = recommender::v1;
using ::clientele::testing::IsOk;
using ::clientele::testing::PollUntil;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The recommender component as clienteled wires it (no identity), serving on 127.0.0.1:0.
class RecommenderServer {
 public:
  // Reads the embedded log through `ingest`, or, with `test_log`, that log (either backend,
  // tests/integration/kafka_fixture.h; ingest still takes progress and serves keys).
  RecommenderServer(const std::string& path, std::shared_ptr<grpc::Channel> ingest,
                    recommender::TrainDefaults defaults = {},
                    const ::clientele::testing::TestLog* test_log = nullptr) {
    storage::RocksDbOptions db;
    db.path = path;
    db.column_families = recommender::RecommenderColumnFamilies();
    kv_ = std::move(storage::OpenRocksDbStore(db)).value();
    store_ = std::make_unique<recommender::RecommenderStore>(kv_.get());
    EXPECT_THAT(recommender::LoadActiveSnapshot(*store_, &holder_), IsOk());
    applier_ = std::make_unique<recommender::RecommenderApplier>(store_.get());
    applier_->SetConsentListener([this](const recommender::ConsentChanges& changes) {
      std::vector<std::pair<std::string, std::pair<int32_t, int64_t>>> live;
      for (const auto& [key, record] : changes) {
        live.push_back({key,
                        {record.status() == common::v1::CONSENT_STATUS_GRANTED ? 1 : 2,
                         record.time().seconds()}});
      }
      holder_.UpdateConsents(live);
    });
    runner_ = std::make_unique<recommender::RecommenderJobRunner>(store_.get(), &holder_, nullptr,
                                                                  defaults);
    job_store_ = recommender::NewRecommenderJobStore(kv_.get());
    jobs_ = std::make_unique<recommender::JobManager>(job_store_.get(), runner_.get());
    EXPECT_THAT(job_registry_.Add(jobs_.get()), IsOk());
    job_service_ = std::make_unique<jobs::JobServiceImpl>(&job_registry_);
    recommender::RecommenderStore* store = store_.get();
    queries_ = std::make_unique<recommender::RecommenderQueries>(
        &holder_,
        [store](const std::string& who, bool) -> absl::StatusOr<bool> {
          absl::StatusOr<common::v1::SourceKey> key = ParseSourceKey(who, "who");
          if (!key.ok()) return false;
          return store->HasCustomer(*key);
        },
        [store](const std::string& source_key, const recommender::ServingSnapshot& snapshot,
                const std::function<void(const std::string&)>& visit) {
          return store->ForEachPurchaseSince(source_key, snapshot.manifest().trained_through(),
                                             visit);
        });
    service_ = std::make_unique<recommender::RecommenderServiceImpl>(queries_.get(), store_.get());
    subject_data_ = std::make_unique<recommender::RecommenderSubjectData>(store_.get(), &holder_,
                                                                          queries_.get());
    privacy_ = std::make_unique<recommender::RecommenderPrivacyServiceImpl>(subject_data_.get());
    server::ServerOptions so;
    so.listen = "127.0.0.1:0";
    so.shutdown_grace = absl::Seconds(2);
    server_ =
        std::move(server::GrpcServer::Start(
                      so, {service_.get(), job_service_.get(), privacy_.get()}, {}, &metrics_))
            .value();
    log::LogConsumerOptions options;
    options.name = "recommender";
    options.progress_cf = recommender::kMetaCf;
    log::ChannelForPartition channels = [ingest](uint32_t) { return ingest; };
    consumer_ =
        test_log != nullptr
            ? test_log->Consumer(options, kv_.get(), applier_.get(), channels)
            : std::make_unique<log::LogConsumer>(options, kv_.get(), applier_.get(), channels);
    EXPECT_THAT(consumer_->Start(), IsOk());
    EXPECT_THAT(jobs_->Start(), IsOk());
  }
  ~RecommenderServer() {
    consumer_->Stop();
    jobs_->Stop();
    server_->Shutdown();
  }

  std::unique_ptr<v1::RecommenderService::Stub> Stub() const {
    return v1::RecommenderService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials()));
  }
  std::unique_ptr<common::v1::JobService::Stub> JobStub() const {
    return common::v1::JobService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials()));
  }
  std::unique_ptr<privacy::v1::RecommenderPrivacy::Stub> PrivacyStub() const {
    return privacy::v1::RecommenderPrivacy::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials()));
  }
  log::LogConsumer& consumer() { return *consumer_; }
  recommender::RecommenderJobRunner& runner() { return *runner_; }
  absl::Status Flush() { return kv_->Flush(); }
  const storage::KvStore& kv() const { return *kv_; }

 private:
  metrics::Registry metrics_;
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<recommender::RecommenderStore> store_;
  std::unique_ptr<jobs::JobStore> job_store_;
  jobs::JobRegistry job_registry_;
  std::unique_ptr<jobs::JobServiceImpl> job_service_;
  recommender::SnapshotHolder holder_;
  std::unique_ptr<recommender::RecommenderApplier> applier_;
  std::unique_ptr<recommender::RecommenderJobRunner> runner_;
  std::unique_ptr<recommender::JobManager> jobs_;
  std::unique_ptr<recommender::RecommenderQueries> queries_;
  std::unique_ptr<recommender::RecommenderServiceImpl> service_;
  std::unique_ptr<recommender::RecommenderSubjectData> subject_data_;
  std::unique_ptr<recommender::RecommenderPrivacyServiceImpl> privacy_;
  std::unique_ptr<server::GrpcServer> server_;
  std::unique_ptr<log::LogConsumer> consumer_;
};

common::v1::Event BaseEvent(const std::string& id, const std::string& system,
                            const std::string& source_id, int64_t seconds) {
  common::v1::Event e;
  e.set_event_id(id);
  e.set_channel(common::v1::CHANNEL_ONLINE_SHOP);
  e.mutable_source()->set_system(system);
  e.mutable_source()->set_id(source_id);
  e.mutable_occurred_at()->set_seconds(seconds);
  return e;
}

common::v1::Event Product(const std::string& sku, const std::string& name,
                          const std::string& category) {
  common::v1::Event e = BaseEvent("product/" + sku, "web", sku, 1700000000);
  e.mutable_product_upsert()->set_sku(sku);
  e.mutable_product_upsert()->set_name(name);
  e.mutable_product_upsert()->set_category(category);
  return e;
}

common::v1::Event Order(const std::string& order_id, const std::string& customer,
                        const std::vector<std::string>& skus, int64_t seconds) {
  common::v1::Event e = BaseEvent("order/" + order_id, "web", order_id, seconds);
  common::v1::Order* order = e.mutable_order();
  order->set_order_id(order_id);
  order->mutable_customer()->set_system("web");
  order->mutable_customer()->set_id(customer);
  for (const std::string& sku : skus) {
    common::v1::OrderLine* line = order->add_lines();
    line->set_sku(sku);
    line->set_quantity(1);
    line->mutable_unit_price()->set_minor_units(500);
    line->mutable_unit_price()->set_currency_code("EUR");
  }
  return e;
}

common::v1::Event Customer(const std::string& id) {
  common::v1::Event e = BaseEvent("customer/" + id, "web", id, 1700000000);
  e.mutable_customer_upsert()->set_given_name("Ayşe");
  return e;
}

common::v1::Event Consent(const std::string& id, common::v1::ConsentStatus status,
                          int64_t seconds) {
  common::v1::Event e =
      BaseEvent("consent/" + id + "/" + std::to_string(seconds), "web", id, seconds);
  e.mutable_consent_change()->set_purpose(common::v1::CONSENT_PURPOSE_PROFILING);
  e.mutable_consent_change()->set_status(status);
  return e;
}

// A recommender job as these tests read it: the common job and its recommender result.
struct RecJob {
  common::v1::Job job;
  v1::JobResult result_;
  common::v1::JobState state() const { return job.state(); }
  const std::string& error() const { return job.error(); }
  const std::string& job_id() const { return job.job_id(); }
  const v1::JobResult& result() const { return result_; }
};

// StartJob of the common JobService in the shape of a recommender spec.
struct StartRequest {
  v1::JobSpec spec;
  std::string idempotency_key;
  v1::JobSpec* mutable_spec() { return &spec; }
  void set_idempotency_key(const std::string& key) { idempotency_key = key; }
};

class JobClient {
 public:
  explicit JobClient(std::unique_ptr<common::v1::JobService::Stub> stub) : stub_(std::move(stub)) {}
  grpc::Status StartJob(grpc::ClientContext* context, const StartRequest& request,
                        common::v1::StartJobResponse* response) {
    common::v1::StartJobRequest start;
    start.set_kind(request.spec.has_evaluate() ? "evaluate" : "train");
    start.mutable_spec()->PackFrom(request.spec);
    start.set_idempotency_key(request.idempotency_key);
    return stub_->StartJob(context, start, response);
  }
  // Waits with WaitJob (no polling).
  RecJob WaitFinished(const std::string& job_id) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    common::v1::WaitJobRequest request;
    request.set_job_id(job_id);
    common::v1::WaitJobResponse response;
    const grpc::Status status = stub_->WaitJob(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(response.finished());
    RecJob out;
    out.job = response.job();
    if (out.job.has_result()) EXPECT_TRUE(out.job.result().UnpackTo(&out.result_));
    return out;
  }

 private:
  std::unique_ptr<common::v1::JobService::Stub> stub_;
};

// Every test runs against the embedded log and Kafka.
class RecommenderServiceTest
    : public ::testing::TestWithParam<::clientele::testing::LogBackendParam> {
 protected:
  RecommenderServiceTest()
      : log_(GetParam()),
        ingest_(dir_.Sub("ingest"), log_.Options()),
        server_(std::make_unique<RecommenderServer>(dir_.Sub("recommender"), ingest_.Channel(),
                                                    recommender::TrainDefaults(), &log_)),
        stub_(server_->Stub()),
        jobs_(server_->JobStub()) {}

  // Sends events and waits until the recommender has applied them.
  void Send(std::vector<common::v1::Event> events) {
    ingest::v1::IngestRequest request;
    for (auto& e : events) *request.add_events() = std::move(e);
    grpc::ClientContext context;
    ingest::v1::IngestResponse response;
    const grpc::Status status = ingest_.Stub()->Ingest(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.accepted(), request.events_size()) << response.DebugString();
    WaitApplied();
  }
  void WaitApplied() {
    ASSERT_TRUE(server_->consumer().WaitForApplied(0, ingest_.log().LastSequence(0),
                                                   absl::Now() + absl::Seconds(30)));
  }

  void ImportBaskets(const std::string& text) {
    auto importer = ingest::OpenImporterForContents(ingest::ImportFormat::kBaskets, text,
                                                    ingest::ImportOptions());
    ASSERT_THAT(importer, IsOk());
    ingest::ImportBatch batch;
    std::vector<common::v1::Event> events;
    while (true) {
      auto more = (*importer)->Next(100, &batch);
      ASSERT_THAT(more, IsOk());
      if (!*more) break;
      ASSERT_TRUE(batch.rejections.empty());
      for (auto& e : batch.events) events.push_back(std::move(e));
    }
    Send(std::move(events));
  }

  RecJob Train(double min_support, double min_confidence, const std::string& key = "") {
    StartRequest start;
    start.mutable_spec()->mutable_train()->set_min_support(min_support);
    start.mutable_spec()->mutable_train()->set_min_confidence(min_confidence);
    start.set_idempotency_key(key);
    common::v1::StartJobResponse started;
    grpc::ClientContext context;
    const grpc::Status status = jobs_.StartJob(&context, start, &started);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return WaitFinished(started.job().job_id());
  }

  RecJob WaitFinished(const std::string& job_id) { return jobs_.WaitFinished(job_id); }

  grpc::Status Recommend(const v1::RecommendRequest& request, v1::RecommendResponse* response) {
    grpc::ClientContext context;
    return stub_->Recommend(&context, request, response);
  }

  static std::vector<std::string> Skus(const v1::RecommendResponse& response) {
    std::vector<std::string> skus;
    for (const auto& item : response.items()) skus.push_back(item.sku());
    return skus;
  }

  // Five products, four buyers, one customer without orders, consents for two.
  void SendShop() {
    Send({Product("A", "Apple juice", "drinks"), Product("B", "Banana bread", "bakery"),
          Product("C", "Carrot cake", "bakery"), Product("D", "Dark beer", "drinks"),
          Product("E", "Earl grey", "drinks"), Order("o1", "c1", {"A", "B"}, 1700000100),
          Order("o2", "c2", {"A", "B", "C"}, 1700000200), Order("o3", "c3", {"A", "C"}, 1700000300),
          Order("o4", "c4", {"D", "E"}, 1700000400), Order("o5", "c2", {"D"}, 1700000500),
          Customer("c5"), Consent("c1", common::v1::CONSENT_STATUS_GRANTED, 1700000000),
          Consent("c2", common::v1::CONSENT_STATUS_DENIED, 1700000000)});
  }

  ::clientele::testing::TempDir dir_;
  ::clientele::testing::TestLog log_;
  ::clientele::testing::IngestServer ingest_;
  std::unique_ptr<RecommenderServer> server_;
  std::unique_ptr<v1::RecommenderService::Stub> stub_;
  JobClient jobs_;
};

TEST_P(RecommenderServiceTest, ImportBasketsTrainAndCompleteBasket) {
  ImportBaskets(
      "bread,butter\nbread,butter,milk\nbread,butter\nbread,jam\nmilk,cereal\nmilk,cereal\n"
      "milk,cereal,bread\nwhole milk ,cereal\n");
  const RecJob job = Train(0.2, 0.6, "nightly");
  ASSERT_EQ(job.state(), common::v1::JOB_STATE_SUCCEEDED) << job.error();
  EXPECT_EQ(job.result().baskets(), 8);
  // Frequent at count >= 2 (0.2 * 8 = 1.6): 5 singletons (not jam, not "whole milk ") and
  // {bread,butter}, {bread,milk}, {milk,cereal}.
  EXPECT_EQ(job.result().itemsets(), 7);
  EXPECT_GT(job.result().rules(), 0);
  EXPECT_GT(job.result().model_version(), 0u);

  v1::CompleteBasketRequest request;
  request.add_skus("butter");
  request.set_k(3);
  v1::CompleteBasketResponse response;
  {
    grpc::ClientContext context;
    const grpc::Status status = stub_->CompleteBasket(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_FALSE(response.items().empty());
  EXPECT_EQ(response.items(0).sku(), "bread");
  EXPECT_EQ(response.items(0).reason(), "bought with butter");
  EXPECT_DOUBLE_EQ(response.items(0).rule().confidence(), 1.0);  // 3 of 3 butter baskets.
  EXPECT_EQ(response.model_version(), job.result().model_version());

  // The same idempotency key returns the first job.
  {
    StartRequest again;
    again.mutable_spec()->mutable_train();
    again.set_idempotency_key("nightly");
    common::v1::StartJobResponse started;
    grpc::ClientContext context;
    ASSERT_TRUE(jobs_.StartJob(&context, again, &started).ok());
    EXPECT_TRUE(started.existing());
    EXPECT_EQ(started.job().job_id(), job.job_id());
  }
  // Rules page through all of them; bad requests name the field.
  {
    v1::ListRulesRequest list;
    list.set_page_size(1);
    int64_t seen = 0;
    do {
      grpc::ClientContext context;
      v1::ListRulesResponse page;
      ASSERT_TRUE(stub_->ListRules(&context, list, &page).ok());
      seen += page.rules_size();
      EXPECT_EQ(page.total(), job.result().rules());
      list.set_page_token(page.next_page_token());
    } while (!list.page_token().empty());
    EXPECT_EQ(seen, job.result().rules());
  }
  {
    v1::CompleteBasketRequest empty;
    grpc::ClientContext context;
    const grpc::Status status = stub_->CompleteBasket(&context, empty, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("skus"));
  }
  // An unknown item is NOT_FOUND naming it and the nearest known items, trailing spaces kept.
  {
    v1::CompleteBasketRequest unknown;
    unknown.add_skus("butter");
    unknown.add_skus("whole milk");
    grpc::ClientContext context;
    const grpc::Status status = stub_->CompleteBasket(&context, unknown, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_THAT(status.error_message(),
                HasSubstr("skus[1]: 'whole milk' is not known; nearest known items: "
                          "'whole milk ', 'milk'"));
  }
  {
    v1::CompleteBasketRequest bad_lift = request;
    bad_lift.set_min_lift(-1);
    grpc::ClientContext context;
    const grpc::Status status = stub_->CompleteBasket(&context, bad_lift, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("min_lift"));
  }
}

TEST_P(RecommenderServiceTest, CompleteBasketLeavesOutRulesWithLiftOneOrBelowUnlessAsked) {
  // Milk is in 8 of 10 baskets: cereal => milk is confident (3 of 4) but has lift 0.9375;
  // cereal => bowl (2 of 4, bowl in 2 of 10) has lift 2.5.
  ImportBaskets(
      "milk,cereal,bowl\nmilk,cereal\nmilk,cereal\ncereal,bowl\nmilk\nmilk\nmilk\nmilk\n"
      "milk\nbread\n");
  const RecJob job = Train(0.2, 0.5);
  ASSERT_EQ(job.state(), common::v1::JOB_STATE_SUCCEEDED) << job.error();
  auto complete = [&](std::optional<double> min_lift) {
    v1::CompleteBasketRequest request;
    request.add_skus("cereal");
    if (min_lift) request.set_min_lift(*min_lift);
    v1::CompleteBasketResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->CompleteBasket(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> skus;
    for (const v1::BasketSuggestion& item : response.items()) skus.push_back(item.sku());
    return skus;
  };
  EXPECT_THAT(complete(std::nullopt), ElementsAre("bowl"));
  // Asked for, milk comes second: confidence x lift 0.75 x 0.9375 < 0.5 x 2.5.
  EXPECT_THAT(complete(0.0), ElementsAre("bowl", "milk"));
  EXPECT_THAT(complete(3.0), ElementsAre());
}

TEST_P(RecommenderServiceTest, TrainFailsFastWhenItemsetsWouldExhaustMemory) {
  // Three baskets of the same 40 items: at the default support every one of the 2^40 - 1
  // subsets is frequent. The job must fail at once and say what to change.
  std::string basket;
  for (int i = 0; i < 40; ++i)
    basket += (i > 0 ? "," : "") + std::string("item") + std::to_string(i);
  ImportBaskets(basket + "\n" + basket + "\n" + basket + "\n");
  StartRequest start;
  start.mutable_spec()->mutable_train()->add_models("popularity");
  common::v1::StartJobResponse started;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(jobs_.StartJob(&context, start, &started).ok());
  }
  const RecJob job = WaitFinished(started.job().job_id());
  EXPECT_EQ(job.state(), common::v1::JOB_STATE_FAILED);
  EXPECT_THAT(job.error(), HasSubstr("max_itemsets = 1000000"));
  EXPECT_THAT(job.error(), HasSubstr("min_support"));
  EXPECT_THAT(job.error(), HasSubstr("max_itemset_size"));

  // The spec's cap is used; a size limit that keeps the count under it succeeds.
  start.mutable_spec()->mutable_train()->set_max_itemsets(800);
  start.mutable_spec()->mutable_train()->set_max_itemset_size(2);  // 40 + 780 = 820 itemsets.
  {
    grpc::ClientContext context;
    ASSERT_TRUE(jobs_.StartJob(&context, start, &started).ok());
  }
  EXPECT_THAT(WaitFinished(started.job().job_id()).error(), HasSubstr("max_itemsets = 800"));
  start.mutable_spec()->mutable_train()->set_max_itemsets(820);
  {
    grpc::ClientContext context;
    ASSERT_TRUE(jobs_.StartJob(&context, start, &started).ok());
  }
  const RecJob ok = WaitFinished(started.job().job_id());
  ASSERT_EQ(ok.state(), common::v1::JOB_STATE_SUCCEEDED) << ok.error();
  EXPECT_EQ(ok.result().itemsets(), 820);
}

// A JobControl that is never cancelled, for calling the runner directly.
class UncancelledControl : public recommender::JobControl {
 public:
  bool cancelled() const override { return false; }
  void SetProgress(double, const std::string&) override {}
};

TEST_P(RecommenderServiceTest, FitsOverTheMemoryBudgetFailAndNameTheFlag) {
  SendShop();
  recommender::TrainDefaults defaults;
  defaults.memory_budget_bytes = 1024;  // Below any model's estimate on this shop.
  server_.reset();
  server_ = std::make_unique<RecommenderServer>(dir_.Sub("recommender"), ingest_.Channel(),
                                                defaults, &log_);
  stub_ = server_->Stub();
  jobs_ = JobClient(server_->JobStub());

  StartRequest train;
  train.mutable_spec()->mutable_train()->add_models("ease");
  StartRequest evaluate;
  evaluate.mutable_spec()->mutable_evaluate()->set_split("random:0.5");
  evaluate.mutable_spec()->mutable_evaluate()->add_models("ease");
  for (const StartRequest& start : {train, evaluate}) {
    common::v1::StartJobResponse started;
    {
      grpc::ClientContext context;
      ASSERT_TRUE(jobs_.StartJob(&context, start, &started).ok());
    }
    const RecJob job = WaitFinished(started.job().job_id());
    EXPECT_EQ(job.state(), common::v1::JOB_STATE_FAILED) << start.spec.DebugString();
    EXPECT_THAT(job.error(), HasSubstr("model ease"));
    EXPECT_THAT(job.error(), HasSubstr("--recommender_memory_budget"));
    // The code as JobService's WaitJob shows it, and as the runner returns it.
    EXPECT_EQ(job.job.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    recommender::JobInput direct;
    direct.job_id = "direct";
    direct.kind = start.spec.has_evaluate() ? "evaluate" : "train";
    direct.spec = start.spec;
    UncancelledControl control;
    EXPECT_EQ(server_->runner().RunTyped(direct, control).status().code(),
              absl::StatusCode::kResourceExhausted);
  }
  // Nothing was published: serving still has no model.
  v1::RecommendRequest request;
  request.set_profile_id("web/c1");
  v1::RecommendResponse response;
  EXPECT_EQ(Recommend(request, &response).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_P(RecommenderServiceTest, RecommendExcludesFiltersAndFallsBack) {
  SendShop();
  const RecJob job = Train(0.2, 0.5);
  ASSERT_EQ(job.state(), common::v1::JOB_STATE_SUCCEEDED) << job.error();
  EXPECT_EQ(job.result().users(), 4);

  v1::RecommendRequest request;
  request.mutable_source_key()->set_system("web");
  request.mutable_source_key()->set_id("c1");
  request.set_k(10);
  v1::RecommendResponse response;
  ASSERT_TRUE(Recommend(request, &response).ok());
  EXPECT_EQ(response.profile_id(), "web/c1");
  EXPECT_TRUE(response.personalized());
  EXPECT_THAT(Skus(response), ::testing::Not(::testing::Contains("A")));  // Bought.
  EXPECT_THAT(Skus(response), ::testing::Not(::testing::Contains("B")));
  ASSERT_FALSE(response.items().empty());
  EXPECT_EQ(response.items(0).sku(), "C");  // Bought with A by c2 and c3.
  EXPECT_FALSE(response.items(0).reason().empty());
  EXPECT_EQ(response.items(0).rank(), 1);
  EXPECT_EQ(response.items(0).name(), "Carrot cake");

  // Purchased items may come back when asked; an explicit exclusion never does.
  request.set_exclude_purchased(false);
  request.add_exclude_skus("C");
  ASSERT_TRUE(Recommend(request, &response).ok());
  EXPECT_THAT(Skus(response), ::testing::Contains("A"));
  EXPECT_THAT(Skus(response), ::testing::Not(::testing::Contains("C")));

  // Category filter.
  request.clear_exclude_purchased();
  request.clear_exclude_skus();
  request.add_categories("drinks");
  ASSERT_TRUE(Recommend(request, &response).ok());
  for (const auto& item : response.items()) EXPECT_EQ(item.category(), "drinks") << item.sku();
  EXPECT_THAT(Skus(response), ::testing::Not(::testing::Contains("A")));

  // By profile id, every strategy that was trained answers.
  for (v1::Strategy strategy : {v1::STRATEGY_POPULARITY, v1::STRATEGY_ITEM_CF, v1::STRATEGY_SAR,
                                v1::STRATEGY_EASE, v1::STRATEGY_HYBRID, v1::STRATEGY_CONTENT}) {
    v1::RecommendRequest by_profile;
    by_profile.set_profile_id("web/c3");
    by_profile.set_strategy(strategy);
    const grpc::Status status = Recommend(by_profile, &response);
    ASSERT_TRUE(status.ok()) << v1::Strategy_Name(strategy) << ": " << status.error_message();
    EXPECT_THAT(Skus(response), ::testing::Not(::testing::Contains("A")))
        << v1::Strategy_Name(strategy);
  }

  // Cold start: a known customer without history gets popular items.
  v1::RecommendRequest cold;
  cold.set_profile_id("web/c5");
  cold.set_k(2);
  ASSERT_TRUE(Recommend(cold, &response).ok());
  EXPECT_FALSE(response.personalized());
  ASSERT_EQ(response.items_size(), 2);
  EXPECT_EQ(response.items(0).sku(), "A");  // Three buyers.
  EXPECT_EQ(response.items(0).reason(), "popular");
  EXPECT_THAT(response.note(), HasSubstr("cold start"));
}

TEST_P(RecommenderServiceTest, EveryStrategyNamesTheProductInItsReasons) {
  SendShop();
  ASSERT_EQ(Train(0.2, 0.5).state(), common::v1::JOB_STATE_SUCCEEDED);
  // c1 bought A (Apple juice) and B (Banana bread): evidence is one of those, by name.
  const std::vector<std::string> allowed = {"popular", "bought with Apple juice",
                                            "bought with Banana bread", "similar to Apple juice",
                                            "similar to Banana bread"};
  for (v1::Strategy strategy : {v1::STRATEGY_ITEM_CF, v1::STRATEGY_SAR, v1::STRATEGY_EASE,
                                v1::STRATEGY_HYBRID, v1::STRATEGY_RULES, v1::STRATEGY_CONTENT}) {
    v1::RecommendRequest request;
    request.set_profile_id("web/c1");
    request.set_strategy(strategy);
    v1::RecommendResponse response;
    ASSERT_TRUE(Recommend(request, &response).ok()) << v1::Strategy_Name(strategy);
    bool names_evidence = false;
    for (const auto& item : response.items()) {
      EXPECT_THAT(allowed, ::testing::Contains(item.reason()))
          << v1::Strategy_Name(strategy) << " " << item.sku();
      names_evidence = names_evidence || item.reason() != "popular";
    }
    // Rules (support 0.2) and content (no shared words in the names) may find nothing.
    const bool may_be_empty = strategy == v1::STRATEGY_RULES || strategy == v1::STRATEGY_CONTENT;
    EXPECT_TRUE(names_evidence || may_be_empty) << v1::Strategy_Name(strategy);
  }
  v1::SimilarItemsRequest similar;
  similar.set_sku("A");
  v1::SimilarItemsResponse near;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->SimilarItems(&context, similar, &near).ok());
  for (const auto& item : near.items()) EXPECT_EQ(item.reason(), "similar to Apple juice");
}

TEST_P(RecommenderServiceTest, PopularityIsPerRfmSegmentOfTheCustomer) {
  // Five customers; customer i (1..5) has 6 - i orders, the last on day 100 - 10 (i - 1), and
  // c5's on day 10. The train job scores RFM over these five (reference: day 101), so the
  // quintiles are distinct: recency days 1, 11, 21, 31, 91 give r = 5, 4, 3, 2, 1 and
  // frequencies 5, 4, 3, 2, 1 give f = 5, 4, 3, 2, 1. Segments by the R-F grid: c1 Champions,
  // c2 Loyal Customers, c3 Need Attention, c4 Hibernating, c5 Lost.
  const int64_t day0 = 1700000000;
  std::vector<common::v1::Event> events = {Product("P", "Plain tea", "drinks"),
                                           Product("X", "Xmas cake", "bakery"), Customer("c9")};
  for (int i = 1; i <= 5; ++i) {
    const int64_t last_day = i == 5 ? 10 : 100 - 10 * (i - 1);
    for (int o = 0; o < 6 - i; ++o) {
      const std::string id = "c" + std::to_string(i) + "-" + std::to_string(o);
      // Only the champion buys X; everyone else buys P (the overall favourite).
      events.push_back(
          Order(id, "c" + std::to_string(i), {i == 1 ? "X" : "P"}, day0 + (last_day - o) * 86400));
    }
  }
  Send(std::move(events));
  ASSERT_EQ(Train(0.2, 0.5).state(), common::v1::JOB_STATE_SUCCEEDED);

  auto popular_for = [&](const std::string& profile) {
    v1::RecommendRequest request;
    request.set_profile_id(profile);
    request.set_strategy(v1::STRATEGY_POPULARITY);
    request.set_exclude_purchased(false);
    v1::RecommendResponse response;
    EXPECT_TRUE(Recommend(request, &response).ok()) << profile;
    return response;
  };
  // The champion's segment bought X only: X first, P after it by overall popularity.
  v1::RecommendResponse champion = popular_for("web/c1");
  ASSERT_EQ(champion.items_size(), 2);
  EXPECT_EQ(champion.items(0).sku(), "X");
  EXPECT_EQ(champion.items(0).reason(), "popular in your segment (Champions)");
  EXPECT_EQ(champion.items(1).sku(), "P");
  EXPECT_EQ(champion.items(1).reason(), "popular");
  v1::RecommendResponse lost = popular_for("web/c5");
  ASSERT_EQ(lost.items_size(), 2);
  EXPECT_EQ(lost.items(0).sku(), "P");
  EXPECT_EQ(lost.items(0).reason(), "popular in your segment (Lost)");
  EXPECT_EQ(popular_for("web/c3").items(0).reason(), "popular in your segment (Need Attention)");
  EXPECT_EQ(popular_for("web/c2").items(0).reason(), "popular in your segment (Loyal Customers)");
  EXPECT_EQ(popular_for("web/c4").items(0).reason(), "popular in your segment (Hibernating)");
  // A customer without orders has no segment: overall popularity (P: four buyers).
  v1::RecommendResponse cold = popular_for("web/c9");
  ASSERT_FALSE(cold.items().empty());
  EXPECT_EQ(cold.items(0).sku(), "P");
  EXPECT_EQ(cold.items(0).reason(), "popular");
}

TEST_P(RecommenderServiceTest, BadRequestsHaveClearErrors) {
  v1::RecommendRequest request;
  request.set_profile_id("web/c1");
  v1::RecommendResponse response;
  // Before any training.
  EXPECT_EQ(Recommend(request, &response).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  SendShop();
  ASSERT_EQ(Train(0.2, 0.5).state(), common::v1::JOB_STATE_SUCCEEDED);
  request.set_profile_id("web/nobody");
  grpc::Status status = Recommend(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("web/nobody"));

  request.set_profile_id("web/c1");
  for (int k : {-1, 1001}) {
    request.set_k(k);
    status = Recommend(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << k;
    EXPECT_THAT(status.error_message(), HasSubstr("k: must be between 1 and 1000"));
  }
  request.set_k(1000);
  EXPECT_TRUE(Recommend(request, &response).ok());

  status = Recommend(v1::RecommendRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("profile_id or source_key"));

  v1::SimilarItemsRequest similar;
  similar.set_sku("no-such-sku");
  v1::SimilarItemsResponse similar_response;
  grpc::ClientContext context;
  status = stub_->SimilarItems(&context, similar, &similar_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("sku"));

  StartRequest bad_job;
  bad_job.mutable_spec()->mutable_evaluate()->set_split("halves");
  common::v1::StartJobResponse started;
  grpc::ClientContext job_context;
  status = jobs_.StartJob(&job_context, bad_job, &started);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("spec.evaluate.split"));
}

TEST_P(RecommenderServiceTest, RespectConsentServesPopularItemsAndSeesRevocationsAtOnce) {
  SendShop();
  ASSERT_EQ(Train(0.2, 0.5).state(), common::v1::JOB_STATE_SUCCEEDED);
  v1::RecommendRequest request;
  request.set_profile_id("web/c2");  // Denied.
  request.set_respect_consent(true);
  v1::RecommendResponse response;
  ASSERT_TRUE(Recommend(request, &response).ok());
  EXPECT_FALSE(response.personalized());
  EXPECT_EQ(response.strategy(), v1::STRATEGY_POPULARITY);
  EXPECT_THAT(response.note(), HasSubstr("consent"));
  for (const auto& item : response.items()) EXPECT_EQ(item.reason(), "popular");

  request.set_profile_id("web/c1");  // Granted.
  ASSERT_TRUE(Recommend(request, &response).ok());
  EXPECT_TRUE(response.personalized());

  // A revocation after training takes effect without retraining.
  Send({Consent("c1", common::v1::CONSENT_STATUS_REVOKED, 1700001000)});
  ASSERT_TRUE(Recommend(request, &response).ok());
  EXPECT_FALSE(response.personalized());
  // Without respect_consent the caller gets the personal list (its own responsibility).
  request.set_respect_consent(false);
  ASSERT_TRUE(Recommend(request, &response).ok());
  EXPECT_TRUE(response.personalized());
}

// A withdrawal counts from the moment the recommender's consumer has applied it (polled with
// a deadline, no retraining), by profile id and by source key; a withdrawal for another purpose
// (marketing e-mail) leaves the personal list: Recommend's purpose is PROFILING.
TEST_P(RecommenderServiceTest, RespectConsentNeverPersonalizesOnceTheWithdrawalIsApplied) {
  SendShop();
  ASSERT_EQ(Train(0.2, 0.5).state(), common::v1::JOB_STATE_SUCCEEDED);
  v1::RecommendRequest by_profile;
  by_profile.set_profile_id("web/c1");  // Granted at training.
  by_profile.set_respect_consent(true);
  v1::RecommendRequest by_key;
  by_key.mutable_source_key()->set_system("web");
  by_key.mutable_source_key()->set_id("c1");
  by_key.set_respect_consent(true);
  v1::RecommendResponse response;
  ASSERT_TRUE(Recommend(by_profile, &response).ok());
  ASSERT_TRUE(response.personalized());

  auto ingest_only = [&](common::v1::Event event) {
    ingest::v1::IngestRequest request;
    *request.add_events() = std::move(event);
    grpc::ClientContext context;
    ingest::v1::IngestResponse ingested;
    ASSERT_TRUE(ingest_.Stub()->Ingest(&context, request, &ingested).ok());
    ASSERT_EQ(ingested.accepted(), 1);
    const uint64_t last = ingest_.log().LastSequence(0);
    ASSERT_TRUE(PollUntil([&] { return server_->consumer().applied_sequence(0) >= last; },
                          absl::Seconds(30)));
  };
  common::v1::Event marketing = Consent("c1", common::v1::CONSENT_STATUS_REVOKED, 1700000900);
  marketing.set_event_id("consent/c1/marketing");
  marketing.mutable_consent_change()->set_purpose(common::v1::CONSENT_PURPOSE_MARKETING_EMAIL);
  ingest_only(std::move(marketing));
  ASSERT_TRUE(Recommend(by_profile, &response).ok());
  EXPECT_TRUE(response.personalized());

  ingest_only(Consent("c1", common::v1::CONSENT_STATUS_REVOKED, 1700001000));
  for (const v1::RecommendRequest& request : {by_profile, by_key}) {
    for (v1::Strategy strategy : {v1::STRATEGY_UNSPECIFIED, v1::STRATEGY_EASE, v1::STRATEGY_SAR,
                                  v1::STRATEGY_ITEM_CF, v1::STRATEGY_HYBRID, v1::STRATEGY_RULES}) {
      v1::RecommendRequest asked = request;
      asked.set_strategy(strategy);
      ASSERT_TRUE(Recommend(asked, &response).ok()) << asked.DebugString();
      EXPECT_FALSE(response.personalized()) << asked.DebugString();
      EXPECT_EQ(response.strategy(), v1::STRATEGY_POPULARITY);
      for (const auto& item : response.items()) EXPECT_EQ(item.reason(), "popular");
    }
  }
}

common::v1::Event Rating(const std::string& id, const std::string& customer, const std::string& sku,
                         int64_t seconds) {
  common::v1::Event e = BaseEvent("rating/" + id, "web", customer, seconds);
  e.mutable_interaction()->set_type(common::v1::INTERACTION_TYPE_RATING);
  e.mutable_interaction()->set_sku(sku);
  e.mutable_interaction()->set_rating(5);
  return e;
}

// Issue 12, defect 12 (b): what a customer buys or rates after the last training is excluded
// at once (the live purchase history), by every strategy, by source key and by profile id.
TEST_P(RecommenderServiceTest, ItemsBoughtAfterTrainingAreExcludedAtOnce) {
  SendShop();
  const RecJob job = Train(0.2, 0.5);
  ASSERT_EQ(job.state(), common::v1::JOB_STATE_SUCCEEDED) << job.error();
  v1::RecommendRequest request;
  request.mutable_source_key()->set_system("web");
  request.mutable_source_key()->set_id("c1");
  request.set_k(10);
  v1::RecommendResponse response;
  ASSERT_TRUE(Recommend(request, &response).ok());
  ASSERT_THAT(Skus(response), ::testing::Contains("C"));
  ASSERT_THAT(Skus(response), ::testing::Contains("D"));

  // c1 orders C and rates D; no training since.
  Send({Order("o9", "c1", {"C"}, 1700000900), Rating("r1", "c1", "D", 1700000901)});
  for (v1::Strategy strategy :
       {v1::STRATEGY_UNSPECIFIED, v1::STRATEGY_POPULARITY, v1::STRATEGY_ITEM_CF, v1::STRATEGY_SAR,
        v1::STRATEGY_EASE, v1::STRATEGY_HYBRID, v1::STRATEGY_CONTENT, v1::STRATEGY_RULES}) {
    request.set_strategy(strategy);
    const grpc::Status status = Recommend(request, &response);
    if (!status.ok()) {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
          << v1::Strategy_Name(strategy) << ": " << status.error_message();
      continue;
    }
    for (const char* sku : {"A", "B", "C", "D"}) {
      EXPECT_THAT(Skus(response), ::testing::Not(::testing::Contains(sku)))
          << v1::Strategy_Name(strategy) << " suggests " << sku;
    }
  }
  // By profile id (no identity: the source key text), and cold start excludes too.
  v1::RecommendRequest by_profile;
  by_profile.set_profile_id("web/c1");
  ASSERT_TRUE(Recommend(by_profile, &response).ok());
  EXPECT_THAT(Skus(response), ::testing::Not(::testing::Contains("C")));
  Send({Order("o10", "c5", {"A"}, 1700001000)});
  v1::RecommendRequest cold;
  cold.set_profile_id("web/c5");
  ASSERT_TRUE(Recommend(cold, &response).ok());
  EXPECT_THAT(Skus(response), ::testing::Not(::testing::Contains("A")));
  EXPECT_THAT(Skus(response), ::testing::Contains("C"));
  // Another customer is unaffected; exclude_purchased = false brings C back for c1.
  request.set_strategy(v1::STRATEGY_POPULARITY);
  request.set_exclude_purchased(false);
  ASSERT_TRUE(Recommend(request, &response).ok());
  EXPECT_THAT(Skus(response), ::testing::Contains("C"));
  request.mutable_source_key()->set_id("c3");
  request.clear_exclude_purchased();
  ASSERT_TRUE(Recommend(request, &response).ok());
  EXPECT_THAT(Skus(response), ::testing::Contains("D"));

  // The next training takes the new purchases in; the answer is the same.
  ASSERT_EQ(Train(0.2, 0.5).state(), common::v1::JOB_STATE_SUCCEEDED);
  request.mutable_source_key()->set_id("c1");
  ASSERT_TRUE(Recommend(request, &response).ok());
  EXPECT_THAT(Skus(response), ::testing::Not(::testing::Contains("C")));
  EXPECT_THAT(Skus(response), ::testing::Not(::testing::Contains("D")));
}

// Above the dense cap (here 3 items; the shop has 5) the default train fits als instead of
// ease and hybrid, says why in the result and the model info, and the default strategy and
// STRATEGY_EASE are answered by als.
TEST_P(RecommenderServiceTest, AboveTheDenseCapTrainSelectsAls) {
  SendShop();
  recommender::TrainDefaults defaults;
  defaults.dense_item_cap = 3;
  server_.reset();
  server_ = std::make_unique<RecommenderServer>(dir_.Sub("recommender"), ingest_.Channel(),
                                                defaults, &log_);
  stub_ = server_->Stub();
  jobs_ = JobClient(server_->JobStub());
  const RecJob job = Train(0.2, 0.5);
  ASSERT_EQ(job.state(), common::v1::JOB_STATE_SUCCEEDED) << job.error();
  EXPECT_THAT(job.result().models(), ::testing::ElementsAre("popularity", "item_cf", "sar", "als"));
  EXPECT_THAT(job.result().model_selection(), HasSubstr("5 items exceed the dense cap of 3"));
  EXPECT_THAT(job.result().model_selection(), HasSubstr("sar keeps 100 neighbours per item"));

  v1::GetModelInfoResponse info;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->GetModelInfo(&context, v1::GetModelInfoRequest(), &info).ok());
  }
  EXPECT_EQ(info.model_selection(), job.result().model_selection());
  EXPECT_THAT(info.strategies(), ::testing::Contains("als"));
  EXPECT_THAT(info.strategies(), ::testing::Not(::testing::Contains("ease")));

  for (v1::Strategy strategy : {v1::STRATEGY_UNSPECIFIED, v1::STRATEGY_EASE}) {
    v1::RecommendRequest request;
    request.set_profile_id("web/c1");  // Bought A and B; A, B and C go together.
    request.set_strategy(strategy);
    v1::RecommendResponse response;
    const grpc::Status status = Recommend(request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.strategy(), v1::STRATEGY_EASE);
    EXPECT_TRUE(response.personalized());
    ASSERT_FALSE(response.items().empty());
    EXPECT_THAT(Skus(response), ::testing::Not(::testing::Contains("A")));
  }

  // Models named in the spec are fitted as named, with no selection note.
  StartRequest start;
  start.mutable_spec()->mutable_train()->add_models("ease");
  common::v1::StartJobResponse started;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(jobs_.StartJob(&context, start, &started).ok());
  }
  const RecJob named = WaitFinished(started.job().job_id());
  ASSERT_EQ(named.state(), common::v1::JOB_STATE_SUCCEEDED) << named.error();
  EXPECT_THAT(named.result().models(), ::testing::ElementsAre("ease"));
  EXPECT_EQ(named.result().model_selection(), "");
}

TEST_P(RecommenderServiceTest, RestartServesTheLastTrainedVersion) {
  SendShop();
  const RecJob job = Train(0.2, 0.5);
  ASSERT_EQ(job.state(), common::v1::JOB_STATE_SUCCEEDED);
  v1::RecommendRequest request;
  request.set_profile_id("web/c1");
  v1::RecommendResponse before;
  ASSERT_TRUE(Recommend(request, &before).ok());

  server_.reset();
  server_ = std::make_unique<RecommenderServer>(dir_.Sub("recommender"), ingest_.Channel(),
                                                recommender::TrainDefaults(), &log_);
  stub_ = server_->Stub();
  v1::RecommendResponse after;
  ASSERT_TRUE(Recommend(request, &after).ok());
  EXPECT_EQ(after.model_version(), job.result().model_version());
  EXPECT_EQ(Skus(after), Skus(before));
  grpc::ClientContext context;
  v1::GetModelInfoResponse info;
  ASSERT_TRUE(stub_->GetModelInfo(&context, v1::GetModelInfoRequest(), &info).ok());
  EXPECT_EQ(info.model_version(), job.result().model_version());
  EXPECT_EQ(info.users(), 4);
  EXPECT_EQ(info.profiles(), 5);  // c5 has no history but is known.
}

TEST_P(RecommenderServiceTest, EvaluateReportsMetricsPerModel) {
  SendShop();
  StartRequest start;
  v1::EvaluateJobSpec* spec = start.mutable_spec()->mutable_evaluate();
  spec->set_split("random:0.5");
  spec->set_seed(7);
  spec->set_k(2);
  spec->add_models("popularity");
  spec->add_models("item_cf");
  common::v1::StartJobResponse started;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(jobs_.StartJob(&context, start, &started).ok());
  }
  const RecJob job = WaitFinished(started.job().job_id());
  ASSERT_EQ(job.state(), common::v1::JOB_STATE_SUCCEEDED) << job.error();
  ASSERT_EQ(job.result().metrics_size(), 2);
  EXPECT_EQ(job.result().metrics(0).model(), "popularity");
  EXPECT_EQ(job.result().k(), 2);
  for (const auto& m : job.result().metrics()) {
    EXPECT_GE(m.precision(), 0);
    EXPECT_LE(m.precision(), 1);
    EXPECT_GE(m.ndcg(), 0);
    EXPECT_LE(m.ndcg(), 1);
    EXPECT_GT(m.users(), 0);
  }
}

// A time split holding out the last day: c4 and c2 bought before it, c6 only within it (no
// training history: cold). "skip" leaves c6 out of the metrics, "popularity" scores it; the
// result says which, and how many test users of each kind there were.
TEST_P(RecommenderServiceTest, EvaluateReportsAndTreatsColdUsersAsAsked) {
  const int64_t day = 86400;
  Send({Product("A", "Apple juice", "drinks"), Product("B", "Banana bread", "bakery"),
        Product("C", "Carrot cake", "bakery"), Order("o1", "c1", {"A", "B"}, 1700000000),
        Order("o2", "c2", {"A"}, 1700000000), Order("o3", "c4", {"B"}, 1700000000),
        Order("o4", "c2", {"B"}, 1700000000 + 10 * day),
        Order("o5", "c4", {"A", "C"}, 1700000000 + 10 * day),
        Order("o6", "c6", {"C"}, 1700000000 + 10 * day)});
  std::vector<RecJob> jobs;
  for (const std::string mode : {"", "skip", "popularity", "everyone"}) {
    StartRequest start;
    v1::EvaluateJobSpec* spec = start.mutable_spec()->mutable_evaluate();
    spec->set_split("time:1");
    spec->set_k(1);
    spec->add_models("popularity");
    spec->set_cold_users(mode);
    common::v1::StartJobResponse started;
    grpc::ClientContext context;
    const grpc::Status status = jobs_.StartJob(&context, start, &started);
    if (mode == "everyone") {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_THAT(status.error_message(), HasSubstr("spec.evaluate.cold_users"));
      continue;
    }
    ASSERT_TRUE(status.ok()) << status.error_message();
    jobs.push_back(WaitFinished(started.job().job_id()));
    ASSERT_EQ(jobs.back().state(), common::v1::JOB_STATE_SUCCEEDED) << jobs.back().error();
    EXPECT_EQ(jobs.back().result().warm_test_users(), 2) << mode;
    EXPECT_EQ(jobs.back().result().cold_test_users(), 1) << mode;
    ASSERT_EQ(jobs.back().result().metrics_size(), 1);
  }
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].result().cold_users(), "skip");  // The default.
  EXPECT_EQ(jobs[1].result().cold_users(), "skip");
  EXPECT_EQ(jobs[2].result().cold_users(), "popularity");
  EXPECT_EQ(jobs[0].result().metrics(0).users(), 2);
  EXPECT_EQ(jobs[1].result().metrics(0).users(), 2);
  EXPECT_EQ(jobs[2].result().metrics(0).users(), 3);
  // Top unseen by popularity (A and B have 2 buyers in training, C none): c2 gets B, c4 gets
  // A, both hits; c6 gets A or B, a miss, counted only when scored.
  EXPECT_DOUBLE_EQ(jobs[1].result().metrics(0).hit_rate(), 1.0);
  EXPECT_DOUBLE_EQ(jobs[2].result().metrics(0).hit_rate(), 2.0 / 3);
}

privacy::v1::Subject WebSubject(const std::string& id) {
  privacy::v1::Subject subject;
  subject.add_source_keys()->set_system("web");
  subject.mutable_source_keys(0)->set_id(id);
  subject.add_profile_ids("web/" + id);
  return subject;
}

// Erasure of one customer without retraining: the store's rows of their source key, their
// profile and user in the served snapshot and in every stored artifact go; Recommend then
// answers them as a customer it has never seen (NOT_FOUND), at once and after a restart; no
// file of the store holds their id; the others are served as before. Export before erasure
// has every part.
TEST_P(RecommenderServiceTest, EraseSubjectDataForgetsTheCustomerWithoutRetraining) {
  const std::string erased = "alice-erased-4711", kept = "bob-kept-0815";
  Send({Product("A", "Apple juice", "drinks"), Product("B", "Banana bread", "bakery"),
        Product("C", "Carrot cake", "bakery"), Product("D", "Dark beer", "drinks"),
        Product("E", "Earl grey", "drinks"), Order("o1", erased, {"A", "B"}, 1700000100),
        Order("o2", kept, {"A", "B", "C"}, 1700000200),
        Order("o3", "carol-2222", {"A", "C"}, 1700000300),
        Order("o4", "dave-3333", {"D", "E"}, 1700000400), Order("o5", kept, {"D"}, 1700000500),
        Rating("r1", erased, "D", 1700000600),
        Consent(erased, common::v1::CONSENT_STATUS_GRANTED, 1700000000),
        Consent(kept, common::v1::CONSENT_STATUS_GRANTED, 1700000000)});
  const RecJob job = Train(0.2, 0.5);
  ASSERT_EQ(job.state(), common::v1::JOB_STATE_SUCCEEDED) << job.error();

  v1::RecommendRequest by_profile;
  by_profile.set_profile_id("web/" + erased);
  v1::RecommendResponse response;
  ASSERT_TRUE(Recommend(by_profile, &response).ok());
  ASSERT_TRUE(response.personalized());
  v1::RecommendRequest kept_request;
  kept_request.set_profile_id("web/" + kept);
  v1::RecommendResponse kept_before;
  ASSERT_TRUE(Recommend(kept_request, &kept_before).ok());

  auto privacy = server_->PrivacyStub();
  auto export_json = [&]() -> nlohmann::json {
    grpc::ClientContext context;
    privacy::v1::ExportSubjectDataRequest request;
    *request.mutable_subject() = WebSubject(erased);
    privacy::v1::ExportSubjectDataResponse exported;
    const grpc::Status status = privacy->ExportSubjectData(&context, request, &exported);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return status.ok() ? nlohmann::json::parse(exported.json()) : nlohmann::json();
  };
  {
    const nlohmann::json json = export_json();
    ASSERT_EQ(json["interactions"].size(), 1u);
    EXPECT_EQ(json["interactions"][0]["interaction"]["sku"], "D");
    EXPECT_EQ(json["recommendations"]["profile_id"], "web/" + erased);
    EXPECT_FALSE(json["recommendations"]["items"].empty());
    EXPECT_EQ(json["recommendations"]["personalized"], true);
  }
  ASSERT_THAT(server_->Flush(), IsOk());
  const std::string store_dir = dir_.Sub("recommender");
  const int cfs = static_cast<int>(recommender::RecommenderColumnFamilies().size());
  // The scans are not blind: before erasure the id is in the files and in rows (artifacts too).
  ASSERT_GE(CountFilesContaining(store_dir, erased), 1);
  ASSERT_GE(RowsContaining(server_->kv(), cfs, erased), 1);

  privacy::v1::EraseSubjectDataRequest erase;
  erase.set_request_id("privacy-1");
  *erase.add_subjects() = WebSubject(erased);
  {
    grpc::ClientContext context;
    privacy::v1::EraseSubjectDataResponse erased_response;
    const grpc::Status status = privacy->EraseSubjectData(&context, erase, &erased_response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    // Order, interaction, 2 purchases, customer, consent, the profile of the version.
    EXPECT_EQ(erased_response.keys_deleted(), 7);
  }
  auto expect_unknown = [&] {
    v1::RecommendResponse unknown;
    grpc::Status status = Recommend(by_profile, &unknown);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
    v1::RecommendRequest by_key;
    by_key.mutable_source_key()->set_system("web");
    by_key.mutable_source_key()->set_id(erased);
    by_key.set_respect_consent(true);
    status = Recommend(by_key, &unknown);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
    v1::RecommendResponse kept_after;
    ASSERT_TRUE(Recommend(kept_request, &kept_after).ok());
    EXPECT_EQ(Skus(kept_after), Skus(kept_before));
    EXPECT_EQ(kept_after.personalized(), kept_before.personalized());
  };
  expect_unknown();
  // No file holds a byte of the id (write-ahead log, SST files, MANIFEST; the scan of
  // compressed blocks is weak, hence the rows too), and no row (model artifacts, manifests,
  // events) has it.
  EXPECT_EQ(CountFilesContaining(store_dir, erased), 0);
  EXPECT_EQ(RowsContaining(server_->kv(), cfs, erased), 0);
  EXPECT_GE(RowsContaining(server_->kv(), cfs, kept), 1);
  {
    const nlohmann::json json = export_json();
    EXPECT_EQ(json, nlohmann::json::parse(R"({"interactions": [], "recommendations": {}})"));
  }
  {  // Idempotent.
    grpc::ClientContext context;
    privacy::v1::EraseSubjectDataResponse again;
    ASSERT_TRUE(privacy->EraseSubjectData(&context, erase, &again).ok());
    EXPECT_EQ(again.keys_deleted(), 0);
  }

  // A restart loads the rewritten artifacts: the customer does not come back.
  server_.reset();
  EXPECT_EQ(CountFilesContaining(store_dir, erased), 0);
  server_ = std::make_unique<RecommenderServer>(store_dir, ingest_.Channel(),
                                                recommender::TrainDefaults(), &log_);
  stub_ = server_->Stub();
  expect_unknown();
  EXPECT_EQ(RowsContaining(server_->kv(), cfs, erased), 0);
  grpc::ClientContext context;
  v1::GetModelInfoResponse info;
  ASSERT_TRUE(stub_->GetModelInfo(&context, v1::GetModelInfoRequest(), &info).ok());
  EXPECT_EQ(info.model_version(), job.result().model_version());
  EXPECT_EQ(info.profiles(), 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, RecommenderServiceTest,
                         ::testing::Values(::clientele::testing::LogBackendParam::kEmbedded,
                                           ::clientele::testing::LogBackendParam::kKafka),
                         ::clientele::testing::LogBackendName);

}  // namespace
}  // namespace clientele
