// PrivacyService over a real gRPC server on 127.0.0.1:0 in front of fake component servers:
// the export merges every component's part with the gateway's own and is audited, the
// suppressions fan out over the ingest nodes and a lift goes to the node of its partition,
// and bad requests are refused naming the field.
#include "gateway/privacy/privacy_service.h"

#include <memory>
#include <string>
#include <vector>

#include "common/log/partitioning.h"
#include "common/testing/poll.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gateway/caller_metadata.h"
#include "gateway/gateway_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/gateway/privacy/fake_privacy_components.h"

namespace clientele::gateway {
namespace {

namespace pv1 = privacy::v1;
using ::clientele::testing::IsOk;
using ::clientele::testing::PollUntil;
using nlohmann::json;
using testing::CallLog;
using ::testing::ElementsAre;
using testing::FakeBehaviour;
using testing::FakeComponent;
using testing::FakeIdentity;
using testing::FakeIngestNode;
using testing::FakeServer;
using ::testing::HasSubstr;

constexpr uint32_t kPartitions = 2;

pv1::SubjectSelector Email(const std::string& email) {
  pv1::SubjectSelector s;
  s.set_email(email);
  return s;
}

class PrivacyServiceTest : public ::testing::Test {
 protected:
  PrivacyServiceTest()
      : ingest0_("ingest0", {0}, 10, &log_),
        ingest1_("ingest1", {1}, 10, &log_),
        identity_(&log_, &identity_behaviour_),
        analytics_("analytics", &log_, &analytics_behaviour_),
        recommender_("recommender", &log_, &recommender_behaviour_),
        ingest0_server_(ingest0_.services()),
        ingest1_server_(ingest1_.services()),
        identity_server_({&identity_}),
        analytics_server_({&analytics_}),
        recommender_server_({&recommender_}) {
    pv1::Subject subject;
    auto* key = subject.add_source_keys();
    key->set_system("web");
    key->set_id("c-17");
    subject.add_profile_ids("P0000000042");
    identity_.Know(Email("ayse@example.com"), subject);
    SetExport(
        &identity_behaviour_,
        R"({"profile": {"profile_id": "P0000000042"}, "members": [{"email": "ayse@example.com"}],
                  "consents": [], "identity_audit": []})");
    SetExport(
        &analytics_behaviour_,
        R"({"orders": [{"order_id": "o-1"}], "rfm": {}, "segment": "champions", "cluster": {}})");
    SetExport(&recommender_behaviour_,
              R"({"interactions": [{"sku": "s-1"}], "recommendations": []})");

    std::vector<storage::ColumnFamilySpec> specs = PiiAuditColumnFamilySpecs();
    for (auto& spec : PrivacyColumnFamilySpecs()) specs.push_back(spec);
    auto kv = OpenGatewayStore(dir_.path(), specs);
    EXPECT_THAT(kv.status(), IsOk());
    kv_ = *std::move(kv);
    auto audit = PiiAuditLog::Open(kv_.get(), PiiAuditColumnFamilies::Starting(1));
    EXPECT_THAT(audit.status(), IsOk());
    audit_ = *std::move(audit);
    auto store = PrivacyRequestStore::Open(kv_.get(), PrivacyColumnFamilies::Starting(4));
    EXPECT_THAT(store.status(), IsOk());
    store_ = *std::move(store);
    service_ = std::make_unique<PrivacyServiceImpl>(store_.get(), audit_.get());
    server_ = std::make_unique<FakeServer>(std::vector<grpc::Service*>{service_.get()});
    stub_ = pv1::PrivacyService::NewStub(server_->channel());
  }
  ~PrivacyServiceTest() override {
    server_.reset();
    service_.reset();
  }

  static void SetExport(FakeBehaviour* behaviour, std::string json) {
    absl::MutexLock lock(&behaviour->mu);
    behaviour->export_json = std::move(json);
  }

  void Start() {
    PrivacyBackends backends;
    backends.identity = identity_server_.channel();
    backends.analytics = analytics_server_.channel();
    backends.recommender = recommender_server_.channel();
    auto c0 = ingest0_server_.channel();
    auto c1 = ingest1_server_.channel();
    backends.ingest = [c0, c1](uint32_t p) { return p == 0 ? c0 : c1; };
    backends.partition_count = kPartitions;
    ASSERT_THAT(service_->Start(std::move(backends)), IsOk());
  }

  // A call as the front makes it: with the admitted caller's metadata.
  static void AsSteward(grpc::ClientContext* context) {
    context->AddMetadata(kCallerKeyIdMetadata, "key-0001");
    context->AddMetadata(kCallerNameMetadata, "dpo");
    context->AddMetadata(kCallerRoleMetadata, "steward");
  }

  ::clientele::testing::TempDir dir_;
  CallLog log_;
  FakeBehaviour identity_behaviour_, analytics_behaviour_, recommender_behaviour_;
  FakeIngestNode ingest0_, ingest1_;
  FakeIdentity identity_;
  FakeComponent<pv1::AnalyticsPrivacy::Service> analytics_;
  FakeComponent<pv1::RecommenderPrivacy::Service> recommender_;
  FakeServer ingest0_server_, ingest1_server_, identity_server_, analytics_server_,
      recommender_server_;
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<PiiAuditLog> audit_;
  std::unique_ptr<PrivacyRequestStore> store_;
  std::unique_ptr<PrivacyServiceImpl> service_;
  std::unique_ptr<FakeServer> server_;
  std::unique_ptr<pv1::PrivacyService::Stub> stub_;
};

TEST_F(PrivacyServiceTest, ExportMergesEveryPartWithTheSubjectAndThePiiAuditAndIsAudited) {
  Start();
  gateway::v1::PiiAuditEntry earlier;
  earlier.set_key_id("key-0002");
  earlier.set_method("/clientele.identity.v1.IdentityService/GetProfile");
  earlier.add_profile_ids("P0000000042");
  ASSERT_THAT(audit_->Append(earlier), IsOk());

  grpc::ClientContext context;
  AsSteward(&context);
  pv1::ExportSubjectRequest request;
  *request.mutable_subject() = Email("ayse@example.com");
  pv1::ExportSubjectResponse response;
  grpc::Status status = stub_->ExportSubject(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const json document = json::parse(response.json());
  for (const char* key :
       {"profile", "members", "consents", "identity_audit", "orders", "rfm", "segment", "cluster",
        "interactions", "recommendations", "subject", "pii_audit", "exported_at"}) {
    EXPECT_TRUE(document.contains(key)) << key;
  }
  EXPECT_EQ(document["members"][0]["email"], "ayse@example.com");
  EXPECT_EQ(document["orders"][0]["order_id"], "o-1");
  EXPECT_EQ(document["interactions"][0]["sku"], "s-1");
  EXPECT_EQ(document["subject"]["profile_ids"], json::array({"P0000000042"}));
  EXPECT_EQ(document["subject"]["source_keys"][0]["system"], "web");
  EXPECT_EQ(document["subject"]["source_keys"][0]["id"], "c-17");
  ASSERT_EQ(document["pii_audit"].size(), 1u);
  EXPECT_EQ(document["pii_audit"][0]["key_id"], "key-0002");
  EXPECT_TRUE(document["exported_at"].is_string());

  // The export itself is now in the audit, with who asked.
  gateway::v1::ListPiiAuditRequest list;
  list.set_profile_id("P0000000042");
  auto entries = audit_->List(list);
  ASSERT_THAT(entries.status(), IsOk());
  ASSERT_EQ(entries->entries_size(), 2);
  const gateway::v1::PiiAuditEntry& exported = entries->entries(1);
  EXPECT_EQ(exported.method(), "/clientele.privacy.v1.PrivacyService/ExportSubject");
  EXPECT_EQ(exported.key_id(), "key-0001");
  EXPECT_EQ(exported.key_name(), "dpo");
  EXPECT_EQ(exported.role(), "steward");
  EXPECT_THAT(exported.fields(), ElementsAre("clientele.privacy.v1.ExportSubjectResponse.json"));
}

TEST_F(PrivacyServiceTest, ExportOfNobodyIsNotFoundAndAFailingPartFailsTheExport) {
  Start();
  {
    grpc::ClientContext context;
    pv1::ExportSubjectRequest request;
    *request.mutable_subject() = Email("nobody@example.com");
    pv1::ExportSubjectResponse response;
    EXPECT_EQ(stub_->ExportSubject(&context, request, &response).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    SetExport(&analytics_behaviour_, "[1, 2]");
    grpc::ClientContext context;
    pv1::ExportSubjectRequest request;
    *request.mutable_subject() = Email("ayse@example.com");
    pv1::ExportSubjectResponse response;
    grpc::Status status = stub_->ExportSubject(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
    EXPECT_THAT(status.error_message(), HasSubstr("analytics: its export is not a JSON object"));
  }
  {
    grpc::ClientContext context;
    pv1::ExportSubjectRequest request;
    pv1::ExportSubjectResponse response;
    grpc::Status status = stub_->ExportSubject(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("subject: one of profile_id"));
  }
}

TEST_F(PrivacyServiceTest, EraseRecordsTheCallerAndRefusesABadRequestNamingTheField) {
  Start();
  {
    grpc::ClientContext context;
    pv1::EraseSubjectRequest request;
    *request.add_subjects() = Email("ayse@example.com");
    pv1::EraseSubjectResponse response;
    grpc::Status status = stub_->EraseSubject(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("reason"));
  }
  grpc::ClientContext context;
  AsSteward(&context);
  pv1::EraseSubjectRequest request;
  *request.add_subjects() = Email("ayse@example.com");
  request.set_reason("asked by e-mail");
  pv1::EraseSubjectResponse response;
  ASSERT_TRUE(stub_->EraseSubject(&context, request, &response).ok());
  EXPECT_EQ(response.request().requested_by(), "key-0001");
  EXPECT_EQ(response.request().state(), pv1::REQUEST_STATE_QUEUED);
  EXPECT_FALSE(response.existing());
  pv1::PrivacyRequest finished;
  ASSERT_TRUE(PollUntil([&] {
    grpc::ClientContext get_context;
    pv1::GetPrivacyRequestRequest get;
    get.set_request_id(response.request().request_id());
    pv1::GetPrivacyRequestResponse got;
    if (!stub_->GetPrivacyRequest(&get_context, get, &got).ok()) return false;
    finished = got.request();
    return finished.state() == pv1::REQUEST_STATE_SUCCEEDED;
  }));
  grpc::ClientContext list_context;
  pv1::ListPrivacyRequestsResponse listed;
  ASSERT_TRUE(
      stub_->ListPrivacyRequests(&list_context, pv1::ListPrivacyRequestsRequest(), &listed).ok());
  ASSERT_EQ(listed.requests_size(), 1);
  EXPECT_EQ(listed.requests(0).request_id(), response.request().request_id());

  grpc::ClientContext missing_context;
  pv1::GetPrivacyRequestRequest missing;
  missing.set_request_id("privacy-0000000099");
  pv1::GetPrivacyRequestResponse none;
  EXPECT_EQ(stub_->GetPrivacyRequest(&missing_context, missing, &none).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(PrivacyServiceTest, ListsRequestsNewestFirstInPages) {
  Start();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    pv1::EraseSubjectRequest request;
    *request.add_subjects() = Email("nobody" + std::to_string(i) + "@example.com");
    request.set_reason("test");
    auto created = store_->Create(request, "");
    ASSERT_THAT(created.status(), IsOk());
    ids.push_back(created->request.request_id());
  }
  pv1::ListPrivacyRequestsRequest request;
  request.set_page_size(2);
  std::vector<std::string> listed;
  do {
    auto page = store_->List(request);
    ASSERT_THAT(page.status(), IsOk());
    for (const auto& r : page->requests()) listed.push_back(r.request_id());
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  EXPECT_THAT(listed, ElementsAre(ids[4], ids[3], ids[2], ids[1], ids[0]));
  request.set_page_token("garbage");
  EXPECT_THAT(
      store_->List(request).status(),
      ::clientele::testing::StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

TEST_F(PrivacyServiceTest, SuppressionsFanOutOverTheIngestNodesInPages) {
  Start();
  for (int i = 0; i < 3; ++i) {
    pv1::Suppression s;
    s.set_hash("a" + std::to_string(i));
    s.set_partition(0);
    ingest0_.Suppress(s);
  }
  for (int i = 0; i < 2; ++i) {
    pv1::Suppression s;
    s.set_hash("b" + std::to_string(i));
    s.set_partition(1);
    ingest1_.Suppress(s);
  }
  pv1::ListSuppressionsRequest request;
  request.set_page_size(2);
  std::vector<std::string> hashes;
  int pages = 0;
  do {
    grpc::ClientContext context;
    pv1::ListSuppressionsResponse page;
    grpc::Status status = stub_->ListSuppressions(&context, request, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_LE(page.suppressions_size(), 2);
    for (const auto& s : page.suppressions()) hashes.push_back(s.hash());
    request.set_page_token(page.next_page_token());
    ASSERT_LT(++pages, 10);
  } while (!request.page_token().empty());
  EXPECT_THAT(hashes, ElementsAre("a0", "a1", "a2", "b0", "b1"));

  grpc::ClientContext bad_context;
  request.set_page_token("7:");
  pv1::ListSuppressionsResponse bad;
  EXPECT_EQ(stub_->ListSuppressions(&bad_context, request, &bad).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(PrivacyServiceTest, LiftGoesToTheNodeOwningTheKeysPartition) {
  Start();
  pv1::LiftSuppressionRequest request;
  for (int i = 0;; ++i) {
    request.mutable_source_key()->set_system("web");
    request.mutable_source_key()->set_id("c-" + std::to_string(i));
    if (log::PartitionOf(request.source_key(), kPartitions) == 1) break;
  }
  grpc::ClientContext context;
  pv1::LiftSuppressionResponse response;
  ASSERT_TRUE(stub_->LiftSuppression(&context, request, &response).ok());
  EXPECT_TRUE(response.lifted());
  EXPECT_TRUE(ingest0_.Lifted().empty());
  ASSERT_EQ(ingest1_.Lifted().size(), 1u);
  EXPECT_EQ(ingest1_.Lifted()[0].source_key().id(), request.source_key().id());

  grpc::ClientContext bad_context;
  pv1::LiftSuppressionRequest bad;
  EXPECT_EQ(stub_->LiftSuppression(&bad_context, bad, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(PrivacyServiceTest, BeforeStartTheCallsThatNeedTheComponentsAreUnavailable) {
  grpc::ClientContext context;
  pv1::EraseSubjectRequest request;
  *request.add_subjects() = Email("ayse@example.com");
  request.set_reason("asked");
  pv1::EraseSubjectResponse response;
  EXPECT_EQ(stub_->EraseSubject(&context, request, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace clientele::gateway
