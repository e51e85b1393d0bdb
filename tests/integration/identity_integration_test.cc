// Identity end to end: a real ingest server and a real identity server (RocksDB in temp dirs,
// gRPC on 127.0.0.1:0) with the "identity" log consumer between them. Records arrive through
// ingest and resolve into profiles; a restart of the identity side mid-stream loses nothing and
// applies nothing twice; the IdentityService calls answer, including their error cases.
#include <set>

#include "absl/strings/str_cat.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "common/log/log_consumer.h"
#include "common/testing/poll.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/identity_applier.h"
#include "identity/identity_service.h"
#include "tests/identity/resolution/resolver_test_util.h"
#include "tests/integration/ingest_server_fixture.h"
#include "tests/integration/kafka_fixture.h"

namespace clientele::identity::testing {
namespace {

using ::clientele::testing::IngestServer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The identity side of clienteled: store, resolver, consumer, gRPC service.
class IdentityServer {
 public:
  // Reads `log` (either backend, tests/integration/kafka_fixture.h).
  IdentityServer(const std::string& dir, std::shared_ptr<grpc::Channel> ingest,
                 const clientele::testing::TestLog& log, uint32_t max_batch_events = 512) {
    storage::RocksDbOptions db;
    db.path = dir;
    db.column_families = IdentityColumnFamilies();
    store_ = std::move(storage::OpenRocksDbStore(db)).value();
    resolver_ = std::move(Resolver::Open(store_.get(), std::make_unique<FellegiSunterMatcher>(),
                                         ResolverOptions()))
                    .value();
    applier_ = std::make_unique<IdentityApplier>(resolver_.get());
    service_ = std::make_unique<IdentityServiceImpl>(resolver_.get());
    server::ServerOptions so;
    so.listen = "127.0.0.1:0";
    so.shutdown_grace = absl::Seconds(2);
    server_ = std::move(server::GrpcServer::Start(so, {service_.get()}, {}, nullptr)).value();
    log::LogConsumerOptions options;
    options.name = "identity";
    options.progress_cf = kProgressCf;
    options.max_batch_events = max_batch_events;
    consumer_ =
        log.Consumer(options, store_.get(), applier_.get(), [ingest](uint32_t) { return ingest; });
    EXPECT_TRUE(consumer_->Start().ok());
  }
  ~IdentityServer() {  // clienteled's order: stop the consumer, drain, flush.
    consumer_->Stop();
    server_->Shutdown();
    EXPECT_TRUE(store_->Flush().ok());
  }

  bool WaitForApplied(uint64_t sequence) {
    return consumer_->WaitForApplied(0, sequence, absl::Now() + absl::Seconds(60));
  }
  std::unique_ptr<v1::IdentityService::Stub> Stub() {
    return v1::IdentityService::NewStub(server_->InProcessChannel());
  }
  Resolver& resolver() { return *resolver_; }

 private:
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<Resolver> resolver_;
  std::unique_ptr<IdentityApplier> applier_;
  std::unique_ptr<IdentityServiceImpl> service_;
  std::unique_ptr<server::GrpcServer> server_;
  std::unique_ptr<log::LogConsumer> consumer_;
};

void Ingest(ingest::v1::IngestService::Stub& stub, const std::vector<common::v1::Event>& events) {
  grpc::ClientContext ctx;
  ingest::v1::IngestRequest req;
  for (const auto& e : events) *req.add_events() = e;
  ingest::v1::IngestResponse resp;
  ASSERT_TRUE(stub.Ingest(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.accepted(), static_cast<int64_t>(events.size()))
      << (resp.results_size() > 0 ? resp.results(0).reason() : "");
}

std::map<std::string, std::string> ProfileMap(v1::IdentityService::Stub& stub,
                                              const std::string& system = "") {
  grpc::ClientContext ctx;
  v1::GetProfileMapRequest request;
  request.set_system(system);
  auto reader = stub.GetProfileMap(&ctx, request);
  std::map<std::string, std::string> out;
  v1::GetProfileMapResponse chunk;
  while (reader->Read(&chunk)) {
    for (const auto& e : chunk.entries()) {
      out[e.source().system() + "/" + e.source().id()] = e.profile_id();
    }
  }
  EXPECT_TRUE(reader->Finish().ok());
  return out;
}

// A deterministic stream of customers (some of them the same person on two channels), orders
// and consents.
std::vector<common::v1::Event> Stream(int people, int offset = 0) {
  const std::vector<std::string> given = {"Ayşe", "Mehmet", "Zeynep", "Emre", "Elif", "Can"};
  const std::vector<std::string> family = {"Yılmaz", "Demir", "Kaya", "Şahin", "Çelik", "Öztürk"};
  std::vector<common::v1::Event> out;
  for (int i = offset; i < offset + people; ++i) {
    Person p{absl::StrCat("person", i, "@example.com"),
             "",
             given[i % given.size()],
             family[(i / given.size()) % family.size()],
             1950 + i % 50,
             1 + i % 12,
             1 + i % 28};
    out.push_back(Upsert("web_shop", absl::StrCat("w", i), p, kT0 + i));
    if (i % 2 == 0) {
      Person pos = p;
      pos.phone = absl::StrCat("0532 ", 1000000 + i);
      out.push_back(
          Upsert("pos", absl::StrCat("p", i), pos, kT0 + i + 1, common::v1::CHANNEL_STORE_POS));
    }
    if (i % 3 == 0) out.push_back(OrderOf("web_shop", absl::StrCat("w", i), absl::StrCat("o", i)));
    if (i % 5 == 0) {
      out.push_back(Consent("web_shop", absl::StrCat("w", i),
                            common::v1::CONSENT_PURPOSE_MARKETING_EMAIL,
                            common::v1::CONSENT_STATUS_GRANTED, kT0 + i));
    }
  }
  return out;
}

// Every test runs against the embedded log and Kafka.
class IdentityIntegrationTest
    : public ::testing::TestWithParam<clientele::testing::LogBackendParam> {
 protected:
  clientele::testing::TestLog log_{GetParam()};
};

TEST_P(IdentityIntegrationTest, RecordsArriveThroughIngestAndResolveIntoProfiles) {
  clientele::testing::TempDir dir;
  IngestServer ingest(dir.Sub("ingest"), log_.Options());
  auto ingest_stub = ingest.Stub();
  IdentityServer identity(dir.Sub("identity"), ingest.Channel(), log_);
  const std::vector<common::v1::Event> events = Stream(12);
  Ingest(*ingest_stub, events);
  ASSERT_TRUE(identity.WaitForApplied(events.size()));
  auto stub = identity.Stub();

  const std::map<std::string, std::string> map = ProfileMap(*stub);
  EXPECT_EQ(map.size(), 12u + 6u);  // Every web and pos record.
  for (int i = 0; i < 12; i += 2) {
    EXPECT_EQ(map.at(absl::StrCat("web_shop/w", i)), map.at(absl::StrCat("pos/p", i))) << i;
  }
  EXPECT_EQ(ProfileMap(*stub, "pos").size(), 6u);

  // GetProfile by e-mail, with the golden record.
  grpc::ClientContext c1;
  v1::GetProfileRequest get;
  get.mutable_lookup()->set_email("PERSON4@example.com");
  v1::GetProfileResponse profile;
  ASSERT_TRUE(stub->GetProfile(&c1, get, &profile).ok());
  EXPECT_EQ(profile.profile().profile_id(), map.at("web_shop/w4"));
  EXPECT_EQ(profile.profile().members_size(), 2);
  EXPECT_EQ(profile.profile().golden().record().phone(), "0532 1000004");

  // ListProfiles pages through all of them.
  v1::ListProfilesRequest list;
  list.set_page_size(5);
  std::set<std::string> listed;
  do {
    grpc::ClientContext c;
    v1::ListProfilesResponse page;
    ASSERT_TRUE(stub->ListProfiles(&c, list, &page).ok());
    for (const auto& p : page.profiles()) listed.insert(p.profile_id());
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  EXPECT_EQ(listed.size(), 12u);

  // Consents and ListByConsent.
  grpc::ClientContext c2;
  v1::ListByConsentRequest by;
  by.set_purpose(common::v1::CONSENT_PURPOSE_MARKETING_EMAIL);
  v1::ListByConsentResponse granted;
  ASSERT_TRUE(stub->ListByConsent(&c2, by, &granted).ok());
  EXPECT_THAT(granted.profile_ids(),
              ElementsAre(map.at("web_shop/w0"), map.at("web_shop/w5"), map.at("web_shop/w10")));

  // Merge, split and audit through the API.
  grpc::ClientContext c3;
  v1::MergeProfilesRequest merge;
  merge.set_into_profile_id(map.at("web_shop/w1"));
  merge.set_from_profile_id(map.at("web_shop/w3"));
  merge.set_actor("it");
  merge.set_reason("test");
  merge.set_idempotency_key("merge-1");
  v1::MergeProfilesResponse merged;
  ASSERT_TRUE(stub->MergeProfiles(&c3, merge, &merged).ok());
  grpc::ClientContext c4;
  v1::SplitProfileRequest split;
  split.set_profile_id(merged.merged_profile_id());  // An alias works too.
  *split.add_records() = Key("web_shop", "w3");
  split.set_actor("it");
  split.set_reason("undo");
  split.set_idempotency_key("split-1");
  v1::SplitProfileResponse splitted;
  ASSERT_TRUE(stub->SplitProfile(&c4, split, &splitted).ok());
  EXPECT_EQ(splitted.profile_id(), merged.surviving_profile_id());
  grpc::ClientContext c5;
  v1::GetAuditRequest audit;
  audit.set_profile_id(merged.surviving_profile_id());
  v1::GetAuditResponse trail;
  ASSERT_TRUE(stub->GetAudit(&c5, audit, &trail).ok());
  std::vector<v1::AuditAction> actions;
  for (const auto& e : trail.entries()) actions.push_back(e.action());
  EXPECT_THAT(actions,
              ::testing::IsSupersetOf({v1::AUDIT_ACTION_MANUAL_MERGE, v1::AUDIT_ACTION_SPLIT}));

  // Resolve and ExplainMatch.
  grpc::ClientContext c6;
  v1::ResolveRequest resolve;
  resolve.mutable_record()->set_email("person7@example.com");
  v1::ResolveResponse resolved;
  ASSERT_TRUE(stub->Resolve(&c6, resolve, &resolved).ok());
  EXPECT_EQ(resolved.profile_id(), map.at("web_shop/w7"));
  grpc::ClientContext c7;
  v1::ExplainMatchRequest explain;
  *explain.mutable_a()->mutable_source() = Key("web_shop", "w2");
  *explain.mutable_b()->mutable_source() = Key("pos", "p2");
  v1::ExplainMatchResponse why;
  ASSERT_TRUE(stub->ExplainMatch(&c7, explain, &why).ok());
  EXPECT_EQ(why.explanation().decision(), v1::MATCH_DECISION_LINK);
}

TEST_P(IdentityIntegrationTest, ErrorsAreInvalidArgumentNamingTheFieldOrNotFound) {
  clientele::testing::TempDir dir;
  IngestServer ingest(dir.Sub("ingest"), log_.Options());
  IdentityServer identity(dir.Sub("identity"), ingest.Channel(), log_);
  Ingest(*ingest.Stub(), Stream(2));
  ASSERT_TRUE(identity.WaitForApplied(3));
  auto stub = identity.Stub();
  auto expect = [](grpc::Status s, grpc::StatusCode code, const std::string& text) {
    EXPECT_EQ(s.error_code(), code) << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(text));
  };
  {
    grpc::ClientContext c;
    v1::GetProfileRequest r;
    v1::GetProfileResponse out;
    expect(stub->GetProfile(&c, r, &out), grpc::StatusCode::INVALID_ARGUMENT, "lookup");
  }
  {
    grpc::ClientContext c;
    v1::GetProfileRequest r;
    r.mutable_lookup()->set_profile_id("P0000000404");
    v1::GetProfileResponse out;
    expect(stub->GetProfile(&c, r, &out), grpc::StatusCode::NOT_FOUND, "P0000000404");
  }
  {
    grpc::ClientContext c;
    v1::GetConsentsRequest r;
    r.mutable_lookup()->set_phone("abc");
    v1::GetConsentsResponse out;
    expect(stub->GetConsents(&c, r, &out), grpc::StatusCode::INVALID_ARGUMENT, "lookup.phone");
  }
  {
    grpc::ClientContext c;
    v1::MergeProfilesRequest r;
    r.set_into_profile_id("P0000000001");
    r.set_from_profile_id("P0000000002");
    r.set_reason("x");
    r.set_idempotency_key("k");
    v1::MergeProfilesResponse out;
    expect(stub->MergeProfiles(&c, r, &out), grpc::StatusCode::INVALID_ARGUMENT, "actor");
  }
  {
    grpc::ClientContext c;
    v1::ListMembersRequest r;
    r.set_profile_id("P0000000001");
    r.set_page_size(-3);
    v1::ListMembersResponse out;
    expect(stub->ListMembers(&c, r, &out), grpc::StatusCode::INVALID_ARGUMENT, "page_size");
  }
  {
    grpc::ClientContext c;
    v1::GetAuditRequest r;
    r.set_profile_id("nope");
    v1::GetAuditResponse out;
    expect(stub->GetAudit(&c, r, &out), grpc::StatusCode::INVALID_ARGUMENT, "profile_id");
  }
  {
    grpc::ClientContext c;
    v1::ExplainMatchRequest r;
    r.mutable_a()->set_profile_id("P0000000001");
    *r.mutable_b()->mutable_source() = Key("web_shop", "missing");
    v1::ExplainMatchResponse out;
    expect(stub->ExplainMatch(&c, r, &out), grpc::StatusCode::NOT_FOUND, "web_shop/missing");
  }
}

TEST_P(IdentityIntegrationTest, RestartMidStreamLosesNothingAndAppliesNothingTwice) {
  clientele::testing::TempDir dir;
  IngestServer ingest(dir.Sub("ingest"), log_.Options());
  auto ingest_stub = ingest.Stub();
  const std::vector<common::v1::Event> first = Stream(150);
  Ingest(*ingest_stub, first);
  {
    // Small batches, stopped once part of the log is applied.
    IdentityServer identity(dir.Sub("identity"), ingest.Channel(), log_, /*max_batch_events=*/16);
    ASSERT_TRUE(identity.WaitForApplied(100));
  }
  const std::vector<common::v1::Event> second = Stream(50, 150);
  Ingest(*ingest_stub, second);
  IdentityServer identity(dir.Sub("identity"), ingest.Channel(), log_);
  const uint64_t total = first.size() + second.size();
  ASSERT_TRUE(identity.WaitForApplied(total));
  auto stub = identity.Stub();
  const std::map<std::string, std::string> restarted = ProfileMap(*stub);

  // The same events applied in one go by a fresh resolver give the same state.
  ResolverHarness reference;
  std::vector<common::v1::Event> all = first;
  all.insert(all.end(), second.begin(), second.end());
  reference.Apply(all);
  std::map<std::string, std::string> expected;
  reference.resolver().ForEachProfileMapChunk("", 1000, [&](v1::GetProfileMapResponse& chunk) {
    for (const auto& e : chunk.entries()) {
      expected[e.source().system() + "/" + e.source().id()] = e.profile_id();
    }
    return true;
  });
  EXPECT_EQ(restarted, expected);
  EXPECT_EQ(identity.resolver().profile_count(), reference.resolver().profile_count());
  // Every consent event is in the ledger exactly once: the restarted ledger equals the
  // reference's (which saw each event once).
  for (int i = 0; i < 200; i += 5) {
    grpc::ClientContext c;
    v1::GetConsentsRequest r;
    *r.mutable_lookup()->mutable_source() = Key("web_shop", absl::StrCat("w", i));
    v1::GetConsentsResponse out;
    ASSERT_TRUE(stub->GetConsents(&c, r, &out).ok());
    auto want = reference.resolver().GetConsents(r.lookup());
    ASSERT_TRUE(want.ok());
    ASSERT_EQ(out.history_size(), want->history_size()) << i;
    std::set<std::string> ids;
    for (const auto& e : out.history()) ids.insert(e.event_id());
    EXPECT_EQ(ids.size(), static_cast<size_t>(out.history_size())) << i;
  }
  // And every record has exactly one creation or link in the audit trail.
  for (const std::string key : {"web_shop/w0", "pos/p120", "web_shop/w199"}) {
    grpc::ClientContext c;
    v1::GetAuditRequest r;
    r.set_profile_id(restarted.at(key));
    v1::GetAuditResponse out;
    ASSERT_TRUE(stub->GetAudit(&c, r, &out).ok());
    int mentions = 0;
    for (const auto& e : out.entries()) {
      if (e.action() != v1::AUDIT_ACTION_CREATE && e.action() != v1::AUDIT_ACTION_LINK) continue;
      for (const auto& k : e.records()) mentions += (k.system() + "/" + k.id()) == key;
    }
    EXPECT_EQ(mentions, 1) << key;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, IdentityIntegrationTest,
                         ::testing::Values(clientele::testing::LogBackendParam::kEmbedded,
                                           clientele::testing::LogBackendParam::kKafka),
                         clientele::testing::LogBackendName);

}  // namespace
}  // namespace clientele::identity::testing
