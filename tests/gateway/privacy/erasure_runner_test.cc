// The erasure flow against fake component servers on 127.0.0.1:0: the order of the steps and
// the wait for the log's consumers, a failed step and the next attempt, idempotency keys, a
// restart in the middle of a request, and what the gateway's store keeps afterwards.
#include "gateway/privacy/erasure_runner.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "common/log/partitioning.h"
#include "common/testing/poll.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gateway/gateway_store.h"
#include "gateway/privacy/privacy_request_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/gateway/privacy/fake_privacy_components.h"

namespace clientele::gateway {
namespace {

namespace pv1 = privacy::v1;
using ::clientele::testing::IsOk;
using ::clientele::testing::PollUntil;
using testing::CallLog;
using ::testing::ElementsAre;
using testing::FakeBehaviour;
using testing::FakeComponent;
using testing::FakeIdentity;
using testing::FakeIngestNode;
using testing::FakeServer;
using ::testing::HasSubstr;

constexpr uint32_t kPartitions = 2;
constexpr char kEmail[] = "ayse.yilmaz@example.com";
constexpr char kPhone[] = "+905321234567";

pv1::SubjectSelector Email(const std::string& email) {
  pv1::SubjectSelector s;
  s.set_email(email);
  return s;
}
pv1::SubjectSelector Phone(const std::string& phone) {
  pv1::SubjectSelector s;
  s.set_phone(phone);
  return s;
}

common::v1::SourceKey Key(const std::string& system, const std::string& id) {
  common::v1::SourceKey key;
  key.set_system(system);
  key.set_id(id);
  return key;
}

// A source key of system "web" that routes to `partition`.
common::v1::SourceKey KeyOnPartition(uint32_t partition, const std::string& stem) {
  for (int i = 0;; ++i) {
    common::v1::SourceKey key = Key("web", stem + "-" + std::to_string(i));
    if (log::PartitionOf(key, kPartitions) == partition) return key;
  }
}

bool FileHolds(const std::filesystem::path& file, const std::string& needle) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes.find(needle) != std::string::npos;
}

// Files under `dir` that hold `needle`.
std::vector<std::string> FilesHolding(const std::string& dir, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && FileHolds(entry.path(), needle)) {
      found.push_back(entry.path().filename().string());
    }
  }
  return found;
}

class ErasureRunnerTest : public ::testing::Test {
 protected:
  ErasureRunnerTest()
      : ingest0_("ingest0", {0}, 10, &log_),
        ingest1_("ingest1", {1}, 7, &log_),
        identity_(&log_, &identity_behaviour_),
        analytics_("analytics", &log_, &analytics_behaviour_),
        recommender_("recommender", &log_, &recommender_behaviour_),
        ingest0_server_(ingest0_.services()),
        ingest1_server_(ingest1_.services()),
        identity_server_({&identity_}),
        analytics_server_({&analytics_}),
        recommender_server_({&recommender_}) {
    source0_ = KeyOnPartition(0, "ayse");
    source1_ = KeyOnPartition(1, "ayse");
    pv1::Subject ayse;
    *ayse.add_source_keys() = source0_;
    *ayse.add_source_keys() = source1_;
    ayse.add_profile_ids("P0000000042");
    identity_.Know(Email(kEmail), ayse);
    pv1::Subject phone_only;
    *phone_only.add_source_keys() = KeyOnPartition(0, "pos-customer");
    phone_only.add_profile_ids("P0000000043");
    identity_.Know(Phone(kPhone), phone_only);
    SetKeys(&ingest0_.behaviour(), 3);
    SetKeys(&ingest1_.behaviour(), 2);
    SetKeys(&identity_behaviour_, 11);
    SetKeys(&analytics_behaviour_, 5);
    SetKeys(&recommender_behaviour_, 4);
    OpenStore();
  }
  ~ErasureRunnerTest() override { CloseStore(); }

  static void SetKeys(FakeBehaviour* behaviour, int64_t keys) {
    absl::MutexLock lock(&behaviour->mu);
    behaviour->keys_deleted = keys;
  }

  void OpenStore() {
    std::vector<storage::ColumnFamilySpec> specs = PrivacyColumnFamilySpecs();
    auto kv = OpenGatewayStore(dir_.path(), specs);
    ASSERT_THAT(kv.status(), IsOk());
    kv_ = *std::move(kv);
    auto store = PrivacyRequestStore::Open(kv_.get(), PrivacyColumnFamilies::Starting(1));
    ASSERT_THAT(store.status(), IsOk());
    store_ = *std::move(store);
  }

  void StartRunner(PrivacyBackends backends) {
    ErasureOptions options;
    options.consumer_wait = absl::Seconds(20);
    options.first_poll_interval = absl::Milliseconds(1);
    options.max_poll_interval = absl::Milliseconds(20);
    runner_ = std::make_unique<ErasureRunner>(store_.get(), std::move(backends), options);
    ASSERT_THAT(runner_->Start(), IsOk());
  }
  void StartRunner() { StartRunner(Backends()); }

  void CloseStore() {
    runner_.reset();
    store_.reset();
    kv_.reset();
  }

  PrivacyBackends Backends() {
    PrivacyBackends backends;
    backends.identity = identity_server_.channel();
    backends.analytics = analytics_server_.channel();
    backends.recommender = recommender_server_.channel();
    auto c0 = ingest0_server_.channel();
    auto c1 = ingest1_server_.channel();
    backends.ingest = [c0, c1](uint32_t p) { return p == 0 ? c0 : c1; };
    backends.partition_count = kPartitions;
    return backends;
  }

  pv1::EraseSubjectRequest Request(std::string idempotency_key = "") {
    pv1::EraseSubjectRequest request;
    *request.add_subjects() = Email(kEmail);
    *request.add_subjects() = Phone(kPhone);
    *request.add_subjects() = Email("nobody@example.com");
    request.set_reason("art. 17 request of 2026-12-01");
    request.set_idempotency_key(std::move(idempotency_key));
    return request;
  }

  // Stores and submits the request; returns its id.
  std::string Submit(const pv1::EraseSubjectRequest& request, bool* existing = nullptr) {
    auto created = store_->Create(request, "key-steward");
    EXPECT_THAT(created.status(), IsOk());
    if (existing != nullptr) *existing = created->existing;
    if (!created->existing) runner_->Submit(created->request.request_id());
    return created->request.request_id();
  }

  // The request once it has finished (its last state when it does not within the deadline).
  pv1::PrivacyRequest AwaitFinished(const std::string& id) {
    pv1::PrivacyRequest request;
    PollUntil([&] {
      auto got = store_->Get(id);
      if (!got.ok()) return false;
      request = *got;
      return request.state() == pv1::REQUEST_STATE_SUCCEEDED ||
             request.state() == pv1::REQUEST_STATE_FAILED;
    });
    return request;
  }

  static const pv1::ErasureStep& Step(const pv1::PrivacyRequest& r, const std::string& service) {
    for (const pv1::ErasureStep& step : r.steps()) {
      if (step.service() == service) return step;
    }
    static const pv1::ErasureStep kNone;
    return kNone;
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
  common::v1::SourceKey source0_, source1_;
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<PrivacyRequestStore> store_;
  std::unique_ptr<ErasureRunner> runner_;
};

TEST_F(ErasureRunnerTest, ErasesInIngestWaitsForTheConsumersThenErasesEverywhereElse) {
  StartRunner();
  const std::string id = Submit(Request());
  EXPECT_EQ(id, "privacy-0000000001");
  const pv1::PrivacyRequest request = AwaitFinished(id);
  ASSERT_EQ(request.state(), pv1::REQUEST_STATE_SUCCEEDED) << request.DebugString();
  EXPECT_EQ(request.subject_count(), 3);
  EXPECT_EQ(request.subjects_not_found(), 1);
  EXPECT_EQ(request.attempt(), 1);
  EXPECT_EQ(request.requested_by(), "key-steward");
  ASSERT_EQ(request.steps_size(), 4);
  EXPECT_EQ(Step(request, "ingest").keys_deleted(), 3 + 2);
  EXPECT_EQ(Step(request, "identity").keys_deleted(), 11);
  EXPECT_EQ(Step(request, "analytics").keys_deleted(), 5);
  EXPECT_EQ(Step(request, "recommender").keys_deleted(), 4);
  for (const pv1::ErasureStep& step : request.steps()) {
    EXPECT_EQ(step.state(), pv1::REQUEST_STATE_SUCCEEDED) << step.service();
    EXPECT_TRUE(step.has_finished_at()) << step.service();
  }

  // Each ingest node got only the source keys of its own partitions.
  auto erased0 = ingest0_.behaviour().Erased();
  auto erased1 = ingest1_.behaviour().Erased();
  ASSERT_EQ(erased0.size(), 1u);
  ASSERT_EQ(erased1.size(), 1u);
  EXPECT_EQ(erased0[0].request_id(), id);
  ASSERT_EQ(erased0[0].subjects_size(), 2);  // Ayşe's key on 0 and the phone's customer.
  for (const pv1::Subject& s : erased0[0].subjects()) {
    for (const auto& key : s.source_keys()) EXPECT_EQ(log::PartitionOf(key, kPartitions), 0u);
  }
  ASSERT_EQ(erased1[0].subjects_size(), 1);
  ASSERT_EQ(erased1[0].subjects(0).source_keys_size(), 1);
  EXPECT_EQ(erased1[0].subjects(0).source_keys(0).id(), source1_.id());
  // The other components got every subject whole.
  ASSERT_EQ(analytics_behaviour_.Erased().size(), 1u);
  EXPECT_EQ(analytics_behaviour_.Erased()[0].subjects_size(), 2);

  // Order: both ingest erasures, then the polls until each node's consumer reached its
  // last_sequences (10 and 7, reached in steps of 4), then identity, analytics, recommender.
  const int ingest0_erase = log_.IndexOf("ingest0.EraseSubjectData");
  const int ingest1_erase = log_.IndexOf("ingest1.EraseSubjectData");
  const int caught_up0 = log_.IndexOf("ingest0.GetLogInfo applied=10");
  const int caught_up1 = log_.IndexOf("ingest1.GetLogInfo applied=7");
  const int identity = log_.IndexOf("identity.EraseSubjectData");
  const int analytics = log_.IndexOf("analytics.EraseSubjectData");
  const int recommender = log_.IndexOf("recommender.EraseSubjectData");
  ASSERT_GE(ingest0_erase, 0);
  EXPECT_GE(log_.IndexOf("ingest0.GetLogInfo applied=4"), 0);  // It polled while behind.
  EXPECT_LT(ingest0_erase, caught_up0);
  EXPECT_LT(ingest1_erase, caught_up1);
  EXPECT_LT(caught_up0, identity);
  EXPECT_LT(caught_up1, identity);
  EXPECT_LT(identity, analytics);
  EXPECT_LT(analytics, recommender);
}

TEST_F(ErasureRunnerTest, AConsumerWithAnErrorFailsTheIngestStepAndNothingElseRuns) {
  ingest1_.SetConsumerError("DATA_LOSS: partition 1 lost entries");
  StartRunner();
  const pv1::PrivacyRequest request = AwaitFinished(Submit(Request()));
  ASSERT_EQ(request.state(), pv1::REQUEST_STATE_FAILED);
  EXPECT_EQ(Step(request, "ingest").state(), pv1::REQUEST_STATE_FAILED);
  EXPECT_THAT(Step(request, "ingest").error(),
              HasSubstr("consumer identity of partition 1 stopped on an error: DATA_LOSS"));
  EXPECT_THAT(request.error(), HasSubstr("ingest: "));
  EXPECT_EQ(Step(request, "identity").state(), pv1::REQUEST_STATE_QUEUED);
  EXPECT_EQ(log_.IndexOf("identity.EraseSubjectData"), -1);
}

TEST_F(ErasureRunnerTest, ConsumersThatDoNotCatchUpInTimeFailTheStep) {
  ingest0_.SetCatchUpStep(0);
  ErasureOptions options;
  options.consumer_wait = absl::Seconds(1);
  options.first_poll_interval = absl::Milliseconds(1);
  options.max_poll_interval = absl::Milliseconds(10);
  runner_ = std::make_unique<ErasureRunner>(store_.get(), Backends(), options);
  ASSERT_THAT(runner_->Start(), IsOk());
  const pv1::PrivacyRequest request = AwaitFinished(Submit(Request()));
  ASSERT_EQ(request.state(), pv1::REQUEST_STATE_FAILED);
  EXPECT_THAT(Step(request, "ingest").error(),
              HasSubstr("consumer identity of partition 0 has applied through 0, not yet 10"));
}

TEST_F(ErasureRunnerTest, AFailedStepFailsTheRequestAndTheNextAttemptRedoesEveryStep) {
  analytics_behaviour_.Fail("analytics store is closing");
  StartRunner();
  bool existing = true;
  const std::string first = Submit(Request("ticket-77"), &existing);
  EXPECT_FALSE(existing);
  const pv1::PrivacyRequest failed = AwaitFinished(first);
  ASSERT_EQ(failed.state(), pv1::REQUEST_STATE_FAILED);
  EXPECT_EQ(Step(failed, "ingest").state(), pv1::REQUEST_STATE_SUCCEEDED);
  EXPECT_EQ(Step(failed, "identity").state(), pv1::REQUEST_STATE_SUCCEEDED);
  EXPECT_EQ(Step(failed, "analytics").state(), pv1::REQUEST_STATE_FAILED);
  EXPECT_THAT(Step(failed, "analytics").error(), HasSubstr("analytics store is closing"));
  EXPECT_EQ(Step(failed, "recommender").state(), pv1::REQUEST_STATE_SUCCEEDED);
  EXPECT_THAT(failed.error(), HasSubstr("analytics: UNAVAILABLE"));

  // Identity has forgotten the subjects by now; the next attempt still erases them
  // everywhere, with the subjects the failed attempt resolved.
  identity_.ForgetAll();
  analytics_behaviour_.Fail("");
  log_.Clear();
  const std::string second = Submit(Request("ticket-77"), &existing);
  EXPECT_FALSE(existing);
  EXPECT_NE(second, first);
  const pv1::PrivacyRequest succeeded = AwaitFinished(second);
  ASSERT_EQ(succeeded.state(), pv1::REQUEST_STATE_SUCCEEDED) << succeeded.DebugString();
  EXPECT_EQ(succeeded.attempt(), 2);
  EXPECT_EQ(succeeded.idempotency_key(), "ticket-77");
  for (const char* call :
       {"ingest0.EraseSubjectData", "ingest1.EraseSubjectData", "identity.EraseSubjectData",
        "analytics.EraseSubjectData", "recommender.EraseSubjectData"}) {
    EXPECT_GE(log_.IndexOf(call), 0) << call;
  }
  auto analytics = analytics_behaviour_.Erased();
  ASSERT_EQ(analytics.size(), 2u);
  EXPECT_EQ(analytics[1].subjects_size(), 2);
  EXPECT_EQ(analytics[1].request_id(), second);
}

TEST_F(ErasureRunnerTest, AnIdempotencyKeyNamesTheRequestWhileItRunsAndOnceItSucceeded) {
  StartRunner();
  const std::string id = Submit(Request("ticket-1"));
  bool existing = false;
  EXPECT_EQ(Submit(Request("ticket-1"), &existing), id);
  EXPECT_TRUE(existing);
  ASSERT_EQ(AwaitFinished(id).state(), pv1::REQUEST_STATE_SUCCEEDED);
  EXPECT_EQ(Submit(Request("ticket-1"), &existing), id);
  EXPECT_TRUE(existing);
  EXPECT_EQ(analytics_behaviour_.Erased().size(), 1u);
  // Another key (or none) is another request.
  EXPECT_NE(Submit(Request("ticket-2"), &existing), id);
  EXPECT_FALSE(existing);
}

TEST_F(ErasureRunnerTest, ARequestInterruptedByAStopResumesAfterARestart) {
  recommender_behaviour_.Block(true);
  StartRunner();
  const std::string id = Submit(Request());
  ASSERT_TRUE(PollUntil([&] { return !recommender_behaviour_.Erased().empty(); }));
  runner_->Stop();  // Cancels the recommender's call.
  auto interrupted = store_->Get(id);
  ASSERT_THAT(interrupted.status(), IsOk());
  EXPECT_EQ(interrupted->state(), pv1::REQUEST_STATE_RUNNING);

  CloseStore();
  recommender_behaviour_.Block(false);
  log_.Clear();
  OpenStore();
  StartRunner();
  const pv1::PrivacyRequest resumed = AwaitFinished(id);
  ASSERT_EQ(resumed.state(), pv1::REQUEST_STATE_SUCCEEDED) << resumed.DebugString();
  EXPECT_GE(log_.IndexOf("ingest0.EraseSubjectData"), 0);  // Run again from the start.
  EXPECT_EQ(recommender_behaviour_.Erased().size(), 2u);
  // Numbers continue after the reopen.
  auto next = store_->Create(Request(), "");
  ASSERT_THAT(next.status(), IsOk());
  EXPECT_EQ(next->request.request_id(), "privacy-0000000002");
}

TEST_F(ErasureRunnerTest, ASucceededRequestLeavesNoSelectorBytesInTheStoreFiles) {
  const std::vector<std::string> secrets = {kEmail, kPhone, source0_.id(), "nobody@example.com"};
  // Not blind: while the request has not succeeded, its selectors are in the files.
  analytics_behaviour_.Fail("down");
  StartRunner();
  const std::string first = Submit(Request("ticket-9"));
  ASSERT_EQ(AwaitFinished(first).state(), pv1::REQUEST_STATE_FAILED);
  CloseStore();
  for (const std::string& secret : {std::string(kEmail), std::string(kPhone)}) {
    EXPECT_FALSE(FilesHolding(dir_.Sub(kGatewayStoreDir), secret).empty()) << secret;
  }
  EXPECT_FALSE(FilesHolding(dir_.Sub(kGatewayStoreDir), source0_.id()).empty());

  analytics_behaviour_.Fail("");
  OpenStore();
  StartRunner();
  const std::string second = Submit(Request("ticket-9"));
  const pv1::PrivacyRequest succeeded = AwaitFinished(second);
  ASSERT_EQ(succeeded.state(), pv1::REQUEST_STATE_SUCCEEDED);
  ASSERT_EQ(succeeded.subjects_hashed_size(), 3);
  EXPECT_EQ(succeeded.subjects_hashed(0).size(), 64u);
  EXPECT_EQ(succeeded.subjects_hashed(0), store_->HashSelector(Email(kEmail)));
  auto selectors = store_->Selectors(second);
  ASSERT_THAT(selectors.status(), IsOk());
  EXPECT_TRUE(selectors->empty());
  CloseStore();
  for (const std::string& secret : secrets) {
    EXPECT_THAT(FilesHolding(dir_.Sub(kGatewayStoreDir), secret), ::testing::IsEmpty()) << secret;
  }
  EXPECT_THAT(FilesHolding(dir_.Sub(kGatewayStoreDir), "P0000000042"), ::testing::IsEmpty());
}

TEST_F(ErasureRunnerTest, AComponentThatIsNotReachableIsAFailedStep) {
  PrivacyBackends backends = Backends();
  backends.recommender = nullptr;
  StartRunner(std::move(backends));
  const pv1::PrivacyRequest request = AwaitFinished(Submit(Request()));
  ASSERT_EQ(request.state(), pv1::REQUEST_STATE_FAILED);
  EXPECT_EQ(Step(request, "analytics").state(), pv1::REQUEST_STATE_SUCCEEDED);
  EXPECT_EQ(Step(request, "recommender").state(), pv1::REQUEST_STATE_FAILED);
  EXPECT_THAT(Step(request, "recommender").error(),
              HasSubstr("recommender: not reachable from this gateway"));
}

TEST_F(ErasureRunnerTest, TheIdentityStepWaitsOnEveryIdentityReplica) {
  FakeBehaviour replica_behaviour;
  FakeComponent<pv1::IdentityPrivacy::Service> replica("identity-replica", &log_,
                                                       &replica_behaviour);
  FakeServer replica_server({&replica});
  PrivacyBackends backends = Backends();
  backends.identity_replicas.push_back({"replica-0:50051", replica_server.channel()});
  StartRunner(std::move(backends));
  const pv1::PrivacyRequest done = AwaitFinished(Submit(Request("first")));
  ASSERT_EQ(done.state(), pv1::REQUEST_STATE_SUCCEEDED) << done.error();
  EXPECT_EQ(Step(done, "identity").keys_deleted(), 11);  // The primary's count.
  // After the primary erased, before the next component.
  const int primary = log_.IndexOf("identity.EraseSubjectData");
  const int confirmed = log_.IndexOf("identity-replica.EraseSubjectData");
  ASSERT_GE(primary, 0);
  EXPECT_LT(primary, confirmed);
  EXPECT_LT(confirmed, log_.IndexOf("analytics.EraseSubjectData"));

  // A replica that cannot confirm fails the identity step, naming it.
  replica_behaviour.Fail("still catching up");
  const pv1::PrivacyRequest failed = AwaitFinished(Submit(Request("second")));
  ASSERT_EQ(failed.state(), pv1::REQUEST_STATE_FAILED);
  EXPECT_EQ(Step(failed, "identity").state(), pv1::REQUEST_STATE_FAILED);
  EXPECT_THAT(Step(failed, "identity").error(), HasSubstr("identity read replica replica-0:50051"));
}

TEST_F(ErasureRunnerTest, AnIngestPartitionWithoutANodeFailsTheIngestStep) {
  PrivacyBackends backends = Backends();
  auto c0 = ingest0_server_.channel();
  backends.ingest = [c0](uint32_t p) { return p == 0 ? c0 : nullptr; };
  StartRunner(std::move(backends));
  const pv1::PrivacyRequest request = AwaitFinished(Submit(Request()));
  ASSERT_EQ(request.state(), pv1::REQUEST_STATE_FAILED);
  EXPECT_THAT(Step(request, "ingest").error(), HasSubstr("ingest partition 1: not reachable"));
  EXPECT_EQ(log_.IndexOf("ingest0.EraseSubjectData"), -1);
}

TEST(PrivacyRequestValidationTest, NamesTheField) {
  pv1::EraseSubjectRequest request;
  EXPECT_THAT(ValidateEraseRequest(request),
              ::clientele::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("subjects: at least one")));
  request.add_subjects()->set_email("a@b.c");
  EXPECT_THAT(ValidateEraseRequest(request),
              ::clientele::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("reason: required")));
  request.set_reason("asked");
  EXPECT_THAT(ValidateEraseRequest(request), IsOk());
  request.add_subjects();
  EXPECT_THAT(ValidateEraseRequest(request),
              ::clientele::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("subjects[1]: one of profile_id")));
  request.mutable_subjects(1)->mutable_source_key()->set_system("web");
  EXPECT_THAT(ValidateEraseRequest(request),
              ::clientele::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("subjects[1].source_key")));
  request.mutable_subjects(1)->set_phone("");
  EXPECT_THAT(ValidateEraseRequest(request),
              ::clientele::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("subjects[1].phone: empty")));
  request.mutable_subjects(1)->set_profile_id("P1");
  request.set_idempotency_key(std::string(257, 'k'));
  EXPECT_THAT(ValidateEraseRequest(request),
              ::clientele::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("idempotency_key")));
}

}  // namespace
}  // namespace clientele::gateway
