// Identity's part of data subject rights end to end: a real ingest server and a real identity
// server (RocksDB in temp dirs, gRPC on 127.0.0.1:0, the "identity" log consumer between them)
// serving IdentityService and IdentityPrivacy. A person whose records come from three systems
// and were merged manually once is resolved by every kind of selector, exported, erased (every
// read then knows nothing of them and no file of identity's store holds their values, while
// another person's are still there), erased again (nothing left to delete); ListByConsent drops
// a profile as soon as its withdrawal is applied.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "absl/strings/str_cat.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "common/log/log_consumer.h"
#include "common/testing/store_scan.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/identity_applier.h"
#include "identity/identity_service.h"
#include "identity/privacy/consent_proof.h"
#include "identity/privacy/identity_privacy_service.h"
#include "nlohmann/json.hpp"
#include "tests/identity/resolution/resolver_test_util.h"
#include "tests/integration/ingest_server_fixture.h"
#include "tests/integration/kafka_fixture.h"

namespace clientele::identity::testing {
namespace {

using ::clientele::testing::CountFilesContaining;

using ::clientele::testing::IngestServer;
using ::nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// The identity side of clienteled with its privacy service, reached over TCP.
class IdentityServer {
 public:
  // Reads `log` (either backend, tests/integration/kafka_fixture.h).
  IdentityServer(const std::string& dir, std::shared_ptr<grpc::Channel> ingest,
                 const clientele::testing::TestLog& log) {
    storage::RocksDbOptions db;
    db.path = dir;
    db.column_families = IdentityColumnFamilies();
    store_ = std::move(storage::OpenRocksDbStore(db)).value();
    resolver_ = std::move(Resolver::Open(store_.get(), std::make_unique<FellegiSunterMatcher>(),
                                         ResolverOptions()))
                    .value();
    applier_ = std::make_unique<IdentityApplier>(resolver_.get());
    service_ = std::make_unique<IdentityServiceImpl>(resolver_.get());
    privacy_ = std::make_unique<IdentityPrivacyServiceImpl>(resolver_.get(), store_.get());
    server::ServerOptions so;
    so.listen = "127.0.0.1:0";
    so.shutdown_grace = absl::Seconds(2);
    server_ =
        std::move(server::GrpcServer::Start(so, {service_.get(), privacy_.get()}, {}, nullptr))
            .value();
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    log::LogConsumerOptions options;
    options.name = "identity";
    options.progress_cf = kProgressCf;
    consumer_ =
        log.Consumer(options, store_.get(), applier_.get(), [ingest](uint32_t) { return ingest; });
    EXPECT_TRUE(consumer_->Start().ok());
  }
  ~IdentityServer() {
    consumer_->Stop();
    server_->Shutdown();
    EXPECT_TRUE(store_->Flush().ok());
  }

  // Polls the consumer's progress until it has applied `sequence` (deadline: 60 s).
  bool WaitForApplied(uint64_t sequence) {
    return consumer_->WaitForApplied(0, sequence, absl::Now() + absl::Seconds(60));
  }
  std::unique_ptr<v1::IdentityService::Stub> Stub() {
    return v1::IdentityService::NewStub(channel_);
  }
  std::unique_ptr<privacy::v1::IdentityPrivacy::Stub> PrivacyStub() {
    return privacy::v1::IdentityPrivacy::NewStub(channel_);
  }
  storage::KvStore& store() { return *store_; }

 private:
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<Resolver> resolver_;
  std::unique_ptr<IdentityApplier> applier_;
  std::unique_ptr<IdentityServiceImpl> service_;
  std::unique_ptr<IdentityPrivacyServiceImpl> privacy_;
  std::unique_ptr<server::GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<log::LogConsumer> consumer_;
};

// Sends events to ingest and counts them (the log's last sequence, one partition).
class Sender {
 public:
  explicit Sender(IngestServer& ingest) : stub_(ingest.Stub()) {}
  uint64_t Send(const std::vector<common::v1::Event>& events) {
    grpc::ClientContext ctx;
    ingest::v1::IngestRequest req;
    for (const auto& e : events) *req.add_events() = e;
    ingest::v1::IngestResponse resp;
    EXPECT_TRUE(stub_->Ingest(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.accepted(), static_cast<int64_t>(events.size()))
        << (resp.results_size() > 0 ? resp.results(0).reason() : "");
    sent_ += events.size();
    return sent_;
  }

 private:
  std::unique_ptr<ingest::v1::IngestService::Stub> stub_;
  uint64_t sent_ = 0;
};

// The person to erase: one e-mail, one phone, one street line, unusual names (so that a scan
// for them finds no one else).
constexpr char kEmail[] = "gulizar.karakocoglu@example.com";
constexpr char kPhoneRaw[] = "0532 487 19 63";
constexpr char kPhoneE164[] = "+905324871963";
constexpr char kGiven[] = "Gülizar";
constexpr char kFamily[] = "Karakoçoğlu";
constexpr char kStreet[] = "Ihlamurdere Sokak No 17";
// Another person, who stays.
constexpr char kOtherEmail[] = "bartholomew.quennell@example.org";

common::v1::Event WithAddress(common::v1::Event e) {
  auto* address = e.mutable_customer_upsert()->mutable_address();
  address->add_lines(kStreet);
  address->set_city("Istanbul");
  address->set_country_code("TR");
  return e;
}

// Three systems: the web shop and the store know her e-mail (they link at once); the mobile
// app knows only her name and phone in another form, and gets a loyalty id (no automatic link
// to the others is needed: an operator merges it). Consents from two of them.
std::vector<common::v1::Event> PersonEvents() {
  std::vector<common::v1::Event> out;
  out.push_back(Upsert("web_shop", "w-771", {kEmail, "", kGiven, kFamily, 1988, 4, 12}, kT0));
  out.push_back(
      WithAddress(Upsert("pos", "c-5512", {kEmail, kPhoneRaw, kGiven, kFamily, 1988, 4, 12},
                         kT0 + 10, common::v1::CHANNEL_STORE_POS)));
  common::v1::Event app = Upsert("mobile_app", "u-90210", {"", "", kGiven, kFamily}, kT0 + 20,
                                 common::v1::CHANNEL_MOBILE_APP);
  app.mutable_customer_upsert()->set_loyalty_id("LOY-88231");
  out.push_back(app);
  out.push_back(Consent("web_shop", "w-771", common::v1::CONSENT_PURPOSE_MARKETING_EMAIL,
                        common::v1::CONSENT_STATUS_GRANTED, kT0 + 30));
  out.push_back(Consent("mobile_app", "u-90210", common::v1::CONSENT_PURPOSE_MARKETING_SMS,
                        common::v1::CONSENT_STATUS_GRANTED, kT0 + 40));
  out.push_back(OrderOf("pos", "c-5512", "o-1", kT0 + 50));
  return out;
}

std::vector<common::v1::Event> OtherEvents() {
  return {Upsert("web_shop", "w-42", {kOtherEmail, "0212 555 01 01", "Bartholomew", "Quennell"},
                 kT0 + 5),
          Consent("web_shop", "w-42", common::v1::CONSENT_PURPOSE_MARKETING_EMAIL,
                  common::v1::CONSENT_STATUS_GRANTED, kT0 + 6)};
}

absl::StatusOr<v1::GetProfileResponse> GetProfile(v1::IdentityService::Stub& stub,
                                                  const v1::ProfileLookup& lookup) {
  grpc::ClientContext ctx;
  v1::GetProfileRequest request;
  *request.mutable_lookup() = lookup;
  v1::GetProfileResponse response;
  grpc::Status s = stub.GetProfile(&ctx, request, &response);
  if (!s.ok())
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  return response;
}

v1::ProfileLookup ById(const std::string& id) {
  v1::ProfileLookup l;
  l.set_profile_id(id);
  return l;
}
v1::ProfileLookup BySource(const std::string& system, const std::string& id) {
  v1::ProfileLookup l;
  *l.mutable_source() = Key(system, id);
  return l;
}
v1::ProfileLookup ByEmail(const std::string& email) {
  v1::ProfileLookup l;
  l.set_email(email);
  return l;
}

struct Resolved {
  grpc::Status status;
  privacy::v1::Subject subject;
};

Resolved ResolveSubject(privacy::v1::IdentityPrivacy::Stub& stub,
                        const privacy::v1::SubjectSelector& selector) {
  grpc::ClientContext ctx;
  privacy::v1::ResolveSubjectRequest request;
  *request.mutable_selector() = selector;
  privacy::v1::ResolveSubjectResponse response;
  Resolved out;
  out.status = stub.ResolveSubject(&ctx, request, &response);
  out.subject = response.subject();
  return out;
}

std::vector<std::string> KeysOf(const privacy::v1::Subject& subject) {
  std::vector<std::string> out;
  for (const auto& k : subject.source_keys()) out.push_back(k.system() + "/" + k.id());
  return out;
}

// The person's three records, resolved and merged manually into one profile.
struct MergedPerson {
  std::string surviving, merged;  // Profile ids.
};

MergedPerson IngestAndMerge(Sender& sender, IdentityServer& identity) {
  std::vector<common::v1::Event> events = OtherEvents();
  for (const auto& e : PersonEvents()) events.push_back(e);
  EXPECT_TRUE(identity.WaitForApplied(sender.Send(events)));
  auto stub = identity.Stub();
  const std::string web = GetProfile(*stub, BySource("web_shop", "w-771"))->profile().profile_id();
  const std::string app =
      GetProfile(*stub, BySource("mobile_app", "u-90210"))->profile().profile_id();
  EXPECT_EQ(GetProfile(*stub, BySource("pos", "c-5512"))->profile().profile_id(), web);
  EXPECT_NE(web, app) << "the mobile record must need the operator's merge";
  grpc::ClientContext ctx;
  v1::MergeProfilesRequest merge;
  merge.set_into_profile_id(web);
  merge.set_from_profile_id(app);
  merge.set_actor("steward-1");
  merge.set_reason(absl::StrCat("same person: ", kGiven, " ", kFamily, " called the store"));
  merge.set_idempotency_key("merge-person");
  v1::MergeProfilesResponse merged;
  EXPECT_TRUE(stub->MergeProfiles(&ctx, merge, &merged).ok());
  return {merged.surviving_profile_id(), merged.merged_profile_id()};
}

privacy::v1::SubjectSelector SelectEmail(const std::string& email) {
  privacy::v1::SubjectSelector s;
  s.set_email(email);
  return s;
}

// Every test runs against the embedded log and Kafka.
class IdentityPrivacyTest : public ::testing::TestWithParam<clientele::testing::LogBackendParam> {
 protected:
  clientele::testing::TestLog log_{GetParam()};
};

TEST_P(IdentityPrivacyTest, ResolveSubjectFindsThePersonByEverySelector) {
  clientele::testing::TempDir dir;
  IngestServer ingest(dir.Sub("ingest"), log_.Options());
  IdentityServer identity(dir.Sub("identity"), ingest.Channel(), log_);
  Sender sender(ingest);
  const MergedPerson person = IngestAndMerge(sender, identity);
  auto privacy = identity.PrivacyStub();
  const std::vector<std::string> keys = {"mobile_app/u-90210", "pos/c-5512", "web_shop/w-771"};

  std::vector<privacy::v1::SubjectSelector> selectors(7);
  selectors[0].set_profile_id(person.surviving);
  selectors[1].set_profile_id(person.merged);                 // Merged away: names the survivor.
  selectors[2].set_email("Gulizar.Karakocoglu@EXAMPLE.com");  // Normalized like records.
  selectors[3].set_phone(kPhoneRaw);
  selectors[4].set_phone(kPhoneE164);
  *selectors[5].mutable_source_key() = Key("mobile_app", "u-90210");
  *selectors[6].mutable_source_key() = Key("pos", "c-5512");
  for (const auto& selector : selectors) {
    Resolved r = ResolveSubject(*privacy, selector);
    ASSERT_TRUE(r.status.ok()) << selector.ShortDebugString() << ": " << r.status.error_message();
    EXPECT_EQ(KeysOf(r.subject), keys) << selector.ShortDebugString();
    EXPECT_THAT(r.subject.profile_ids(), UnorderedElementsAre(person.surviving, person.merged))
        << selector.ShortDebugString();
  }

  // A source key identity has no record of: just the key (other services may hold its data).
  privacy::v1::SubjectSelector unknown_key;
  *unknown_key.mutable_source_key() = Key("crm", "nobody");
  Resolved r = ResolveSubject(*privacy, unknown_key);
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  EXPECT_THAT(KeysOf(r.subject), ElementsAre("crm/nobody"));
  EXPECT_EQ(r.subject.profile_ids_size(), 0);

  EXPECT_EQ(ResolveSubject(*privacy, SelectEmail("nobody@example.com")).status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  privacy::v1::SubjectSelector unknown_id;
  unknown_id.set_profile_id("P0000099999");
  EXPECT_EQ(ResolveSubject(*privacy, unknown_id).status.error_code(), grpc::StatusCode::NOT_FOUND);

  // Malformed selectors name the field.
  Resolved empty = ResolveSubject(*privacy, {});
  EXPECT_EQ(empty.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(empty.status.error_message(), HasSubstr("selector"));
  Resolved bad = ResolveSubject(*privacy, SelectEmail("not an address"));
  EXPECT_EQ(bad.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.status.error_message(), HasSubstr("selector.email"));
  privacy::v1::SubjectSelector bad_id;
  bad_id.set_profile_id("42");
  Resolved bad_profile = ResolveSubject(*privacy, bad_id);
  EXPECT_EQ(bad_profile.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad_profile.status.error_message(), HasSubstr("selector.profile_id"));
}

// How many entries (key or value) of every column family of `store` hold `needle`: the values
// as stored, decompressed.
int EntriesContaining(storage::KvStore& store, const std::string& needle) {
  return ::clientele::testing::RowsContaining(
      store, static_cast<int>(IdentityColumnFamilies().size()), needle);
}

// Every form of the person's values a file could hold.
std::vector<std::string> PersonNeedles() {
  return {kEmail,    kPhoneRaw,     kPhoneE164, "5324871963",  kGiven,     kFamily,
          "gulizar", "karakocoglu", kStreet,    "Ihlamurdere", "LOY-88231"};
}

privacy::v1::EraseSubjectDataResponse Erase(privacy::v1::IdentityPrivacy::Stub& stub,
                                            const privacy::v1::Subject& subject) {
  grpc::ClientContext ctx;
  privacy::v1::EraseSubjectDataRequest request;
  request.set_request_id("privacy-1");
  *request.add_subjects() = subject;
  privacy::v1::EraseSubjectDataResponse response;
  grpc::Status s = stub.EraseSubjectData(&ctx, request, &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return response;
}

json Export(privacy::v1::IdentityPrivacy::Stub& stub, const privacy::v1::Subject& subject) {
  grpc::ClientContext ctx;
  privacy::v1::ExportSubjectDataRequest request;
  *request.mutable_subject() = subject;
  privacy::v1::ExportSubjectDataResponse response;
  grpc::Status s = stub.ExportSubjectData(&ctx, request, &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return json::parse(response.json());
}

TEST_P(IdentityPrivacyTest, ErasingAMergedPersonOfThreeChannelsLeavesNothingButAConsentProof) {
  clientele::testing::TempDir dir;
  IngestServer ingest(dir.Sub("ingest"), log_.Options());
  IdentityServer identity(dir.Sub("identity"), ingest.Channel(), log_);
  Sender sender(ingest);
  const MergedPerson person = IngestAndMerge(sender, identity);
  auto stub = identity.Stub();
  auto privacy = identity.PrivacyStub();
  Resolved resolved = ResolveSubject(*privacy, SelectEmail(kEmail));
  ASSERT_TRUE(resolved.status.ok()) << resolved.status.error_message();
  const privacy::v1::Subject subject = resolved.subject;

  // The export before erasure holds every part.
  const json doc = Export(*privacy, subject);
  EXPECT_EQ(doc["profile"]["profile_id"], person.surviving);
  EXPECT_EQ(doc["profile"]["golden"]["record"]["email"], kEmail);
  std::set<std::string> lineage;
  for (const json& l : doc["profile"]["golden"]["lineage"]) {
    lineage.insert(l["attribute"].get<std::string>() + "<-" +
                   l["source"]["system"].get<std::string>());
  }
  EXPECT_THAT(lineage, Contains("phone<-pos"));
  ASSERT_EQ(doc["members"].size(), 3u);
  std::set<std::string> raw_phones, normalized_phones;
  for (const json& m : doc["members"]) {
    EXPECT_EQ(m["profile_id"], person.surviving);
    if (m["raw"].contains("phone")) raw_phones.insert(m["raw"]["phone"]);
    if (m["normalized"].contains("phone")) normalized_phones.insert(m["normalized"]["phone"]);
  }
  EXPECT_THAT(raw_phones, ElementsAre(kPhoneRaw));
  EXPECT_THAT(normalized_phones, ElementsAre(kPhoneE164));
  ASSERT_EQ(doc["consents"]["current"].size(), 2u);
  ASSERT_EQ(doc["consents"]["history"].size(), 2u);
  EXPECT_EQ(doc["consents"]["history"][0]["evidence"], absl::StrCat("form-", kT0 + 30));
  std::set<std::string> actions;
  for (const json& a : doc["identity_audit"]) actions.insert(a["action"]);
  EXPECT_THAT(actions, Contains("AUDIT_ACTION_MANUAL_MERGE"));
  EXPECT_THAT(actions, Contains("AUDIT_ACTION_CREATE"));
  {  // Source keys alone: their records and consents (no profile was named).
    privacy::v1::Subject keys_only;
    *keys_only.mutable_source_keys() = subject.source_keys();
    const json by_keys = Export(*privacy, keys_only);
    EXPECT_EQ(by_keys["profile"], json::object());
    EXPECT_EQ(by_keys["members"].size(), 3u);
    EXPECT_EQ(by_keys["consents"]["history"].size(), 2u);
  }

  // Before erasure the scan finds her (it is not blind).
  for (const std::string& needle : PersonNeedles()) {
    EXPECT_GE(EntriesContaining(identity.store(), needle) +
                  CountFilesContaining(dir.Sub("identity"), needle),
              1)
        << needle;
  }
  EXPECT_GE(CountFilesContaining(dir.Sub("identity"), kEmail), 1);

  const privacy::v1::EraseSubjectDataResponse erased = Erase(*privacy, subject);
  // 3 records, 2 consents, 2 profiles (the alias's own entry went when merged: 1 profile and
  // 1 alias), the cached merge result.
  EXPECT_GE(erased.keys_deleted(), 3 + 2 + 1 + 1 + 1);

  // Every read knows nothing of her.
  for (const v1::ProfileLookup& lookup :
       {ById(person.surviving), ById(person.merged), ByEmail(kEmail), BySource("web_shop", "w-771"),
        BySource("pos", "c-5512"), BySource("mobile_app", "u-90210")}) {
    EXPECT_EQ(GetProfile(*stub, lookup).status().code(), absl::StatusCode::kNotFound)
        << lookup.ShortDebugString();
    grpc::ClientContext ctx;
    v1::GetConsentsRequest consents;
    *consents.mutable_lookup() = lookup;
    v1::GetConsentsResponse consents_response;
    EXPECT_EQ(stub->GetConsents(&ctx, consents, &consents_response).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  for (const std::string& id : {person.surviving, person.merged}) {
    grpc::ClientContext c1, c2, c3;
    v1::ListMembersRequest members;
    members.set_profile_id(id);
    v1::ListMembersResponse members_response;
    EXPECT_EQ(stub->ListMembers(&c1, members, &members_response).error_code(),
              grpc::StatusCode::NOT_FOUND);
    v1::GetAuditRequest audit;
    audit.set_profile_id(id);
    v1::GetAuditResponse audit_response;
    EXPECT_EQ(stub->GetAudit(&c2, audit, &audit_response).error_code(),
              grpc::StatusCode::NOT_FOUND);
    v1::ExplainMatchRequest explain;
    explain.mutable_a()->set_profile_id(id);
    *explain.mutable_b()->mutable_source() = Key("web_shop", "w-42");
    v1::ExplainMatchResponse explain_response;
    EXPECT_EQ(stub->ExplainMatch(&c3, explain, &explain_response).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {  // Resolve by her e-mail: no candidate.
    grpc::ClientContext ctx;
    v1::ResolveRequest request;
    request.mutable_record()->set_email(kEmail);
    request.mutable_record()->set_given_name(kGiven);
    request.mutable_record()->set_family_name(kFamily);
    v1::ResolveResponse response;
    ASSERT_TRUE(stub->Resolve(&ctx, request, &response).ok());
    EXPECT_EQ(response.candidates_size(), 0);
    EXPECT_EQ(response.decision(), v1::MATCH_DECISION_NO_LINK);
  }
  {  // ListByConsent and the profile map hold only the other person.
    grpc::ClientContext c1, c2;
    v1::ListByConsentRequest by;
    by.set_purpose(common::v1::CONSENT_PURPOSE_MARKETING_EMAIL);
    v1::ListByConsentResponse listed;
    ASSERT_TRUE(stub->ListByConsent(&c1, by, &listed).ok());
    const std::string other = GetProfile(*stub, ByEmail(kOtherEmail))->profile().profile_id();
    EXPECT_THAT(listed.profile_ids(), ElementsAre(other));
    auto reader = stub->GetProfileMap(&c2, v1::GetProfileMapRequest());
    std::vector<std::string> mapped;
    v1::GetProfileMapResponse chunk;
    while (reader->Read(&chunk)) {
      for (const auto& e : chunk.entries())
        mapped.push_back(e.source().system() + "/" + e.source().id());
    }
    ASSERT_TRUE(reader->Finish().ok());
    EXPECT_THAT(mapped, ElementsAre("web_shop/w-42"));
  }
  EXPECT_EQ(ResolveSubject(*privacy, SelectEmail(kEmail)).status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  {  // The export of what she was knows nothing either.
    const json after = Export(*privacy, subject);
    EXPECT_EQ(after["profile"], json::object());
    EXPECT_EQ(after["members"], json::array());
    EXPECT_EQ(after["consents"]["history"], json::array());
    EXPECT_EQ(after["identity_audit"], json::array());
  }

  // The consent proof: purpose, status, time, channel and evidence, under a salted hash.
  auto proofs = ReadConsentProofs(identity.store(), "web_shop/w-771");
  ASSERT_TRUE(proofs.ok()) << proofs.status();
  ASSERT_EQ(proofs->size(), 1u);
  EXPECT_EQ((*proofs)[0].purpose(), common::v1::CONSENT_PURPOSE_MARKETING_EMAIL);
  EXPECT_EQ((*proofs)[0].status(), common::v1::CONSENT_STATUS_GRANTED);
  EXPECT_EQ((*proofs)[0].occurred_at().seconds(), kT0 + 30);
  EXPECT_EQ((*proofs)[0].evidence(), absl::StrCat("form-", kT0 + 30));
  EXPECT_EQ((*proofs)[0].channel(), common::v1::CHANNEL_CALL_CENTER);
  EXPECT_EQ(ReadConsentProofs(identity.store(), "mobile_app/u-90210")->size(), 1u);
  EXPECT_EQ(EntriesContaining(identity.store(), "w-771"), 0);  // Not even her source keys.
  EXPECT_EQ(EntriesContaining(identity.store(), "u-90210"), 0);

  // No entry and no byte of any file holds her values; the other person's are there.
  for (const std::string& needle : PersonNeedles()) {
    EXPECT_EQ(EntriesContaining(identity.store(), needle), 0) << needle;
    EXPECT_EQ(CountFilesContaining(dir.Sub("identity"), needle), 0) << needle;
  }
  EXPECT_GE(EntriesContaining(identity.store(), kOtherEmail), 1);
  EXPECT_GE(CountFilesContaining(dir.Sub("identity"), kOtherEmail), 1);

  // Erasing again deletes nothing and succeeds.
  EXPECT_EQ(Erase(*privacy, subject).keys_deleted(), 0);

  // She comes back under a new source key (the erased ones are suppressed at ingest): a fresh
  // profile, linked to nothing that was hers.
  ASSERT_TRUE(identity.WaitForApplied(sender.Send({Upsert(
      "web_shop", "w-9000", {kEmail, kPhoneRaw, kGiven, kFamily, 1988, 4, 12}, kT0 + 99)})));
  absl::StatusOr<v1::GetProfileResponse> fresh = GetProfile(*stub, ByEmail(kEmail));
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_NE(fresh->profile().profile_id(), person.surviving);
  EXPECT_NE(fresh->profile().profile_id(), person.merged);
  EXPECT_EQ(fresh->profile().members_size(), 1);
  EXPECT_EQ(fresh->profile().aliases_size(), 0);
  grpc::ClientContext ctx;
  v1::GetConsentsRequest consents;
  *consents.mutable_lookup() = ByEmail(kEmail);
  v1::GetConsentsResponse consents_response;
  ASSERT_TRUE(stub->GetConsents(&ctx, consents, &consents_response).ok());
  EXPECT_EQ(consents_response.history_size(), 0);
}

bool Listed(v1::IdentityService::Stub& stub, common::v1::ConsentPurpose purpose,
            const std::string& profile_id) {
  grpc::ClientContext ctx;
  v1::ListByConsentRequest request;
  request.set_purpose(purpose);
  v1::ListByConsentResponse response;
  EXPECT_TRUE(stub.ListByConsent(&ctx, request, &response).ok());
  return std::find(response.profile_ids().begin(), response.profile_ids().end(), profile_id) !=
         response.profile_ids().end();
}

TEST_P(IdentityPrivacyTest, ListByConsentDropsAProfileOnceItsWithdrawalIsApplied) {
  clientele::testing::TempDir dir;
  IngestServer ingest(dir.Sub("ingest"), log_.Options());
  IdentityServer identity(dir.Sub("identity"), ingest.Channel(), log_);
  Sender sender(ingest);
  auto stub = identity.Stub();
  constexpr auto kEmailPurpose = common::v1::CONSENT_PURPOSE_MARKETING_EMAIL;

  ASSERT_TRUE(identity.WaitForApplied(sender.Send(
      {Upsert("web_shop", "a", {"ada@example.com", "", "Ada", "Lovelace"}, kT0),
       Consent("web_shop", "a", kEmailPurpose, common::v1::CONSENT_STATUS_GRANTED, kT0 + 1)})));
  const std::string ada = GetProfile(*stub, BySource("web_shop", "a"))->profile().profile_id();
  EXPECT_TRUE(Listed(*stub, kEmailPurpose, ada));

  // The withdrawal: absent from the first list after the consumer applied it.
  ASSERT_TRUE(identity.WaitForApplied(sender.Send(
      {Consent("web_shop", "a", kEmailPurpose, common::v1::CONSENT_STATUS_REVOKED, kT0 + 2)})));
  EXPECT_FALSE(Listed(*stub, kEmailPurpose, ada));
  EXPECT_FALSE(Listed(*stub, common::v1::CONSENT_PURPOSE_MARKETING_SMS, ada));

  // A profile of two members: the latest change across its members wins. A grant from the
  // store (later than the web shop's withdrawal) lists her again; a later withdrawal from the
  // web shop removes her, whatever the other member said before.
  ASSERT_TRUE(identity.WaitForApplied(sender.Send(
      {Upsert("pos", "b", {"ada@example.com", "", "Ada", "Lovelace"}, kT0 + 3,
              common::v1::CHANNEL_STORE_POS),
       Consent("pos", "b", kEmailPurpose, common::v1::CONSENT_STATUS_GRANTED, kT0 + 4)})));
  ASSERT_EQ(GetProfile(*stub, BySource("pos", "b"))->profile().profile_id(), ada);
  EXPECT_TRUE(Listed(*stub, kEmailPurpose, ada));
  ASSERT_TRUE(identity.WaitForApplied(sender.Send(
      {Consent("web_shop", "a", kEmailPurpose, common::v1::CONSENT_STATUS_REVOKED, kT0 + 5)})));
  EXPECT_FALSE(Listed(*stub, kEmailPurpose, ada));
  // A grant that arrives late but happened before the withdrawal does not bring her back.
  common::v1::Event late =
      Consent("pos", "b", kEmailPurpose, common::v1::CONSENT_STATUS_GRANTED, kT0 + 4);
  late.set_event_id("pos-b-late-grant");
  ASSERT_TRUE(identity.WaitForApplied(sender.Send({late})));
  EXPECT_FALSE(Listed(*stub, kEmailPurpose, ada));
}

INSTANTIATE_TEST_SUITE_P(Backends, IdentityPrivacyTest,
                         ::testing::Values(clientele::testing::LogBackendParam::kEmbedded,
                                           clientele::testing::LogBackendParam::kKafka),
                         clientele::testing::LogBackendName);

}  // namespace
}  // namespace clientele::identity::testing
