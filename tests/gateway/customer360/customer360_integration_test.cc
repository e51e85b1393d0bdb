// Customer 360 over real servers on 127.0.0.1:0: ingest, identity and analytics in one server,
// the recommender in another (it consumes the first one's log), and the CustomerService in a
// third. With every backend up the answer is complete; with the recommender's server shut
// down it is partial: recommendations UNAVAILABLE, every other part OK.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "analytics/analytics_component.h"
#include "clientele/analytics/v1/analytics.pb.h"
#include "clientele/common/v1/jobs.grpc.pb.h"
#include "clientele/gateway/v1/customer.grpc.pb.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "clientele/recommender/v1/recommender.grpc.pb.h"
#include "common/jobs/job_registry.h"
#include "common/jobs/job_service.h"
#include "common/metrics/registry.h"
#include "common/server/component.h"
#include "common/server/component_channels.h"
#include "common/server/grpc_server.h"
#include "common/testing/poll.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gateway/customer_service.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "identity/identity_component.h"
#include "ingest/ingest_component.h"
#include "recommender/recommender_component.h"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::PollUntil;
using ::testing::HasSubstr;

// Components served by one gRPC server on 127.0.0.1:0, with the process's JobService, run
// through the lifecycle clienteled gives them (common/server/component.h).
class Node {
 public:
  ~Node() { Stop(); }

  absl::Status Start(std::vector<std::unique_ptr<server::Component>> components,
                     const std::string& data_dir, server::Deployment deployment) {
    components_ = std::move(components);
    server::ComponentEnvironment env;
    env.data_dir = data_dir;
    env.deployment = deployment;
    env.metrics = &metrics_;
    std::vector<grpc::Service*> services;
    std::vector<std::string> health_names;
    for (auto& component : components_) {
      if (absl::Status s = component->Open(env); !s.ok()) return s;
      for (grpc::Service* service : component->services()) services.push_back(service);
      for (jobs::JobManager* manager : component->job_managers()) {
        if (absl::Status s = job_registry_.Add(manager); !s.ok()) return s;
      }
    }
    job_service_ = std::make_unique<jobs::JobServiceImpl>(&job_registry_);
    services.push_back(job_service_.get());
    server::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.shutdown_grace = absl::Seconds(1);
    absl::StatusOr<std::unique_ptr<server::GrpcServer>> server =
        server::GrpcServer::Start(options, services, health_names, &metrics_);
    if (!server.ok()) return server.status();
    server_ = *std::move(server);
    auto channels =
        std::make_shared<server::ComponentChannels>(server_.get(), deployment, 64 << 20);
    for (auto& component : components_) {
      if (absl::Status s = component->Start(channels); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  void Stop() {
    if (server_ == nullptr || stopped_) return;
    stopped_ = true;
    for (auto it = components_.rbegin(); it != components_.rend(); ++it) (*it)->Drain();
    server_->Shutdown();
    for (auto it = components_.rbegin(); it != components_.rend(); ++it) (*it)->Stop();
  }

  server::GrpcServer& server() { return *server_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }

 private:
  metrics::Registry metrics_;  // Outlives the components.
  std::vector<std::unique_ptr<server::Component>> components_;
  jobs::JobRegistry job_registry_;
  std::unique_ptr<jobs::JobServiceImpl> job_service_;
  std::unique_ptr<server::GrpcServer> server_;
  bool stopped_ = false;
};

common::v1::Event Consent(const std::string& event_id, const std::string& customer_id,
                          common::v1::ConsentPurpose purpose) {
  common::v1::Event e;
  e.set_event_id(event_id);
  e.set_channel(common::v1::CHANNEL_ONLINE_SHOP);
  e.mutable_source()->set_system("web_shop");
  e.mutable_source()->set_id(customer_id);
  ::clientele::testing::SetTime(::clientele::testing::kBaseTime + 30, e.mutable_occurred_at());
  e.mutable_consent_change()->set_purpose(purpose);
  e.mutable_consent_change()->set_status(common::v1::CONSENT_STATUS_GRANTED);
  return e;
}

common::v1::Event Order(const std::string& order_id, const std::string& customer_id, int64_t offset,
                        std::vector<std::string> skus) {
  common::v1::Event e =
      ::clientele::testing::OrderEvent("order/" + order_id, order_id, customer_id, /*lines=*/0);
  ::clientele::testing::SetTime(::clientele::testing::kBaseTime + offset, e.mutable_occurred_at());
  for (const std::string& sku : skus) {
    common::v1::OrderLine* line = e.mutable_order()->add_lines();
    line->set_sku(sku);
    line->set_quantity(1);
    line->mutable_unit_price()->set_minor_units(1250);
    line->mutable_unit_price()->set_currency_code("TRY");
  }
  return e;
}

// A recommender that never answers: each call waits until the caller gives up.
class StuckRecommender final : public recommender::v1::RecommenderService::Service {
 public:
  grpc::Status Recommend(grpc::ServerContext* context, const recommender::v1::RecommendRequest*,
                         recommender::v1::RecommendResponse*) override {
    entered_ = true;
    if (PollUntil([context] { return context->IsCancelled(); }, absl::Seconds(60))) {
      saw_cancel_ = true;
    }
    return grpc::Status(grpc::StatusCode::CANCELLED, "caller gone");
  }
  bool entered() const { return entered_; }
  bool saw_cancel() const { return saw_cancel_; }

 private:
  std::atomic<bool> entered_{false};
  std::atomic<bool> saw_cancel_{false};
};

class Customer360IntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Node A: ingest, identity, analytics.
    std::vector<std::unique_ptr<server::Component>> a;
    a.push_back(std::make_unique<ingest::IngestComponent>());
    a.push_back(std::make_unique<identity::IdentityComponent>());
    a.push_back(std::make_unique<analytics::AnalyticsComponent>());
    server::Deployment deployment_a;
    deployment_a.local = {"ingest", "identity", "analytics"};
    ASSERT_THAT(a_.Start(std::move(a), dir_.Sub("a"), deployment_a), IsOk());
    // Node B: the recommender, consuming node A's log.
    std::vector<std::unique_ptr<server::Component>> b;
    b.push_back(std::make_unique<recommender::RecommenderComponent>());
    server::Deployment deployment_b;
    deployment_b.local = {"recommender"};
    deployment_b.addresses = {{"ingest", a_.address()}, {"identity", a_.address()}};
    ASSERT_THAT(b_.Start(std::move(b), dir_.Sub("b"), deployment_b), IsOk());

    // The CustomerService on its own server, as the gateway reaches the backends.
    service_ = std::make_unique<CustomerServiceImpl>(std::make_unique<Customer360Fanout>(
        Customer360Backends{a_.server().InProcessChannel(), a_.server().InProcessChannel(),
                            grpc::CreateChannel(b_.address(), grpc::InsecureChannelCredentials())},
        Customer360Options{absl::Seconds(10), absl::Milliseconds(20)}));
    server::ServerOptions options;
    options.listen = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<server::GrpcServer>> gateway =
        server::GrpcServer::Start(options, {service_.get()}, {}, nullptr);
    ASSERT_THAT(gateway, IsOk());
    gateway_ = *std::move(gateway);
    stub_ = v1::CustomerService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(gateway_->port()), grpc::InsecureChannelCredentials()));

    ASSERT_NO_FATAL_FAILURE(IngestAndTrain());
  }

  void IngestAndTrain() {
    ingest::v1::IngestRequest request;
    *request.add_events() = ::clientele::testing::CustomerEvent("cust/c1", "c1", "ada@example.com");
    *request.add_events() = ::clientele::testing::CustomerEvent("cust/c2", "c2", "bob@example.com");
    *request.add_events() = Consent("consent/c1", "c1", common::v1::CONSENT_PURPOSE_PROFILING);
    *request.add_events() =
        Consent("consent/c1-mail", "c1", common::v1::CONSENT_PURPOSE_MARKETING_EMAIL);
    *request.add_events() = Order("o1", "c1", 60, {"SKU-A", "SKU-B"});
    *request.add_events() = Order("o2", "c1", 120, {"SKU-C"});
    *request.add_events() = Order("o3", "c2", 60, {"SKU-A", "SKU-C", "SKU-D"});
    *request.add_events() = Order("o4", "c2", 90, {"SKU-B", "SKU-D"});
    auto ingest = ingest::v1::IngestService::NewStub(a_.server().InProcessChannel());
    ingest::v1::IngestResponse response;
    {
      grpc::ClientContext context;
      grpc::Status s = ingest->Ingest(&context, request, &response);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
    // Every consumer has applied the whole log.
    ASSERT_TRUE(PollUntil([&] {
      grpc::ClientContext context;
      ingest::v1::GetLogInfoResponse info;
      if (!ingest->GetLogInfo(&context, ingest::v1::GetLogInfoRequest(), &info).ok()) return false;
      const uint64_t last = info.partitions(0).last_sequence();
      int caught_up = 0;
      for (const ingest::v1::ConsumerInfo& c : info.consumers()) {
        if (c.applied_sequence() == last) ++caught_up;
      }
      return last > 0 && caught_up == 3;
    }));
    analytics::v1::JobSpec rfm;
    rfm.mutable_rfm();
    ASSERT_NO_FATAL_FAILURE(RunJob(a_, "rfm", rfm));
    recommender::v1::JobSpec train;
    train.mutable_train()->add_models("popularity");
    train.mutable_train()->add_models("item_cf");
    ASSERT_NO_FATAL_FAILURE(RunJob(b_, "train", train));
  }

  void RunJob(Node& node, const std::string& kind, const google::protobuf::Message& spec) {
    auto jobs = common::v1::JobService::NewStub(node.server().InProcessChannel());
    common::v1::StartJobRequest start;
    start.set_kind(kind);
    start.mutable_spec()->PackFrom(spec);
    common::v1::StartJobResponse started;
    {
      grpc::ClientContext context;
      grpc::Status s = jobs->StartJob(&context, start, &started);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
    common::v1::WaitJobRequest wait;
    wait.set_job_id(started.job().job_id());
    common::v1::WaitJobResponse waited;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
    grpc::Status s = jobs->WaitJob(&context, wait, &waited);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(waited.job().state(), common::v1::JOB_STATE_SUCCEEDED) << waited.job().error();
  }

  grpc::Status Get(const v1::GetCustomer360Request& request, v1::GetCustomer360Response* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    return stub_->GetCustomer360(&context, request, response);
  }

  ::clientele::testing::TempDir dir_;
  Node a_;
  Node b_;
  std::unique_ptr<CustomerServiceImpl> service_;
  std::unique_ptr<server::GrpcServer> gateway_;
  std::unique_ptr<v1::CustomerService::Stub> stub_;
};

TEST_F(Customer360IntegrationTest, EveryBackendUpGivesTheWholeAnswer) {
  v1::GetCustomer360Request request;
  request.set_email("ada@example.com");
  v1::GetCustomer360Response response;
  grpc::Status s = Get(request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();

  const v1::Customer360Status& status = response.status();
  for (const v1::PartStatus* part : {&status.profile(), &status.consents(), &status.rfm(),
                                     &status.orders(), &status.recommendations()}) {
    EXPECT_EQ(part->code(), v1::PartStatus::OK) << part->message();
  }
  EXPECT_FALSE(response.profile().profile_id().empty());
  EXPECT_EQ(response.profile().golden().record().email(), "ada@example.com");
  ASSERT_EQ(response.profile().members_size(), 1);
  EXPECT_EQ(response.profile().members(0).id(), "c1");
  EXPECT_EQ(response.consents_size(), 2);
  EXPECT_FALSE(response.rfm().segment().empty());
  EXPECT_EQ(response.rfm().frequency(), 2);
  EXPECT_GE(response.rfm().r(), 1);
  ASSERT_EQ(response.orders_size(), 2);
  EXPECT_EQ(response.orders(0).order_id(), "o2");  // Newest first.
  EXPECT_EQ(response.orders(1).order_id(), "o1");
  EXPECT_EQ(response.orders(1).total().minor_units(), 2 * 1250);
  ASSERT_FALSE(response.recommendations().empty());
  for (const recommender::v1::RecommendedItem& item : response.recommendations()) {
    EXPECT_EQ(item.sku(), "SKU-D");  // The one item c1 has not bought.
  }

  // The same customer by the other lookups.
  v1::GetCustomer360Request by_id;
  by_id.set_profile_id(response.profile().profile_id());
  by_id.set_orders_limit(1);
  v1::GetCustomer360Response again;
  ASSERT_TRUE(Get(by_id, &again).ok());
  EXPECT_EQ(again.profile().profile_id(), response.profile().profile_id());
  ASSERT_EQ(again.orders_size(), 1);
  EXPECT_EQ(again.orders(0).order_id(), "o2");
  v1::GetCustomer360Request by_source;
  by_source.set_source_key("web_shop/c1");
  ASSERT_TRUE(Get(by_source, &again).ok());
  EXPECT_EQ(again.profile().profile_id(), response.profile().profile_id());
}

TEST_F(Customer360IntegrationTest, ARecommenderThatIsDownGivesAPartialAnswer) {
  b_.Stop();
  v1::GetCustomer360Request request;
  request.set_email("ada@example.com");
  v1::GetCustomer360Response response;
  grpc::Status s = Get(request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();

  const v1::Customer360Status& status = response.status();
  EXPECT_EQ(status.recommendations().code(), v1::PartStatus::UNAVAILABLE);
  EXPECT_THAT(status.recommendations().message(), HasSubstr("recommender: "));
  EXPECT_TRUE(response.recommendations().empty());
  for (const v1::PartStatus* part :
       {&status.profile(), &status.consents(), &status.rfm(), &status.orders()}) {
    EXPECT_EQ(part->code(), v1::PartStatus::OK) << part->message();
  }
  EXPECT_EQ(response.profile().golden().record().email(), "ada@example.com");
  EXPECT_EQ(response.orders_size(), 2);
  EXPECT_FALSE(response.rfm().segment().empty());
}

TEST_F(Customer360IntegrationTest, ASlowRecommenderIsCutOffByThePartDeadline) {
  StuckRecommender stuck;
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.shutdown_grace = absl::Seconds(1);
  absl::StatusOr<std::unique_ptr<server::GrpcServer>> slow =
      server::GrpcServer::Start(options, {&stuck}, {}, nullptr);
  ASSERT_THAT(slow, IsOk());
  Customer360Fanout fanout(
      Customer360Backends{a_.server().InProcessChannel(), a_.server().InProcessChannel(),
                          (*slow)->InProcessChannel()},
      Customer360Options{absl::Milliseconds(500), absl::Milliseconds(20)});
  v1::GetCustomer360Request request;
  request.set_email("ada@example.com");
  const absl::Time start = absl::Now();
  absl::StatusOr<v1::GetCustomer360Response> response =
      fanout.Get(request, absl::Now() + absl::Seconds(30));
  ASSERT_THAT(response, IsOk());
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(response->status().recommendations().code(), v1::PartStatus::DEADLINE_EXCEEDED);
  EXPECT_EQ(response->status().orders().code(), v1::PartStatus::OK);
  EXPECT_EQ(response->status().rfm().code(), v1::PartStatus::OK);
  EXPECT_EQ(response->orders_size(), 2);

  // The caller's own deadline bounds every part as well.
  Customer360Fanout patient(
      Customer360Backends{a_.server().InProcessChannel(), a_.server().InProcessChannel(),
                          (*slow)->InProcessChannel()},
      Customer360Options{absl::Seconds(60), absl::Milliseconds(20)});
  response = patient.Get(request, absl::Now() + absl::Seconds(1));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status().recommendations().code(), v1::PartStatus::DEADLINE_EXCEEDED);
}

TEST_F(Customer360IntegrationTest, ACallerThatCancelsCancelsTheBackendCalls) {
  StuckRecommender stuck;
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.shutdown_grace = absl::Seconds(1);
  absl::StatusOr<std::unique_ptr<server::GrpcServer>> slow =
      server::GrpcServer::Start(options, {&stuck}, {}, nullptr);
  ASSERT_THAT(slow, IsOk());
  // A part timeout far beyond the test: only the caller's cancellation can end the call.
  CustomerServiceImpl service(std::make_unique<Customer360Fanout>(
      Customer360Backends{a_.server().InProcessChannel(), a_.server().InProcessChannel(),
                          (*slow)->InProcessChannel()},
      Customer360Options{absl::Minutes(10), absl::Milliseconds(20)}));
  absl::StatusOr<std::unique_ptr<server::GrpcServer>> gateway =
      server::GrpcServer::Start(options, {&service}, {}, nullptr);
  ASSERT_THAT(gateway, IsOk());
  auto stub = v1::CustomerService::NewStub((*gateway)->InProcessChannel());

  v1::GetCustomer360Request request;
  request.set_email("ada@example.com");
  v1::GetCustomer360Response response;
  grpc::ClientContext context;
  absl::Notification done;
  grpc::Status status;
  stub->async()->GetCustomer360(&context, &request, &response, [&](grpc::Status s) {
    status = std::move(s);
    done.Notify();
  });
  ASSERT_TRUE(PollUntil([&] { return stuck.entered(); }));
  context.TryCancel();
  EXPECT_TRUE(PollUntil([&] { return stuck.saw_cancel(); }));
  done.WaitForNotification();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(Customer360IntegrationTest, AnUnknownCustomerIsNotFoundAndABadLookupInvalid) {
  v1::GetCustomer360Request request;
  request.set_email("nobody@example.com");
  v1::GetCustomer360Response response;
  grpc::Status s = Get(request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
  EXPECT_THAT(s.error_message(), ::testing::Not(HasSubstr("nobody")));

  request.set_source_key("no-slash");
  s = Get(request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("source_key"));
}

}  // namespace
}  // namespace clientele::gateway
