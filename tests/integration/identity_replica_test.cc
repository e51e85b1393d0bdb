// Identity read replicas on loopback: a primary (its store behind the change log, the Resolver,
// IdentityService, IdentityPrivacy and IdentityReplication on a real gRPC server; batches
// applied to it directly, as its log consumer does) and replicas (IdentityReplica with its
// services on their own servers, RocksDB in temp dirs). A replica bootstraps, converges to
// the primary's answers for every profile, follows merges and splits, resumes after a restart
// without bootstrapping again, bootstraps again when the primary no longer keeps its position,
// refuses writes naming the primary, reports its lag, and after an erasure holds the erased
// e-mail in no byte of its data directory.
#include "identity/replication/identity_replica.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "common/server/grpc_server.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/poll.h"
#include "common/testing/store_scan.h"
#include "common/testing/temp_dir.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "identity/identity_service.h"
#include "identity/privacy/identity_privacy_service.h"
#include "identity/replication/change_log_store.h"
#include "identity/replication/replica_service.h"
#include "identity/replication/replication_service.h"
#include "identity/resolution/fellegi_sunter_matcher.h"
#include "identity/resolution/identity_schema.h"
#include "tests/identity/resolution/resolver_test_util.h"

namespace clientele::identity::testing {
namespace {

using ::clientele::testing::CountFilesContaining;
using ::clientele::testing::PollUntil;
using ::google::protobuf::util::MessageDifferencer;

constexpr char kErasedEmail[] = "gulizar.karakocoglu@example.com";

std::shared_ptr<grpc::Channel> ChannelTo(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
}

// The identity primary with its change log, served over TCP.
class Primary {
 public:
  explicit Primary(const std::string& dir, uint64_t retention = 10000) {
    storage::RocksDbOptions db;
    db.path = dir;
    db.column_families = IdentityColumnFamilies();
    ChangeLogOptions log = IdentityChangeLogOptions(retention);
    log.trim_every = 1;
    store_ = std::move(ChangeLogStore::Open(std::move(storage::OpenRocksDbStore(db)).value(), log))
                 .value();
    resolver_ = std::move(Resolver::Open(store_.get(), std::make_unique<FellegiSunterMatcher>(),
                                         ResolverOptions()))
                    .value();
    service_ = std::make_unique<IdentityServiceImpl>(resolver_.get());
    privacy_ = std::make_unique<IdentityPrivacyServiceImpl>(resolver_.get(), store_.get());
    replication_ = std::make_unique<ReplicationServiceImpl>(store_.get());
    server::ServerOptions so;
    so.listen = "127.0.0.1:0";
    so.shutdown_grace = absl::Seconds(2);
    server_ = std::move(server::GrpcServer::Start(
                            so, {service_.get(), privacy_.get(), replication_.get()}, {}, nullptr))
                  .value();
  }
  ~Primary() {
    replication_->Stop();
    server_->Shutdown();
  }

  // One committed batch, as the log consumer writes it.
  void Apply(const std::vector<common::v1::Event>& events) {
    ApplyCommittedBatch(*resolver_, *store_, events);
  }

  int port() const { return server_->port(); }
  ChangeLogStore& store() { return *store_; }
  std::unique_ptr<v1::IdentityService::Stub> Stub() {
    return v1::IdentityService::NewStub(ChannelTo(port()));
  }

 private:
  std::unique_ptr<ChangeLogStore> store_;
  std::unique_ptr<Resolver> resolver_;
  std::unique_ptr<IdentityServiceImpl> service_;
  std::unique_ptr<IdentityPrivacyServiceImpl> privacy_;
  std::unique_ptr<ReplicationServiceImpl> replication_;
  std::unique_ptr<server::GrpcServer> server_;
};

// A replica of `primary_port` under `dir`, served over TCP.
class Replica {
 public:
  Replica(const std::string& dir, int primary_port) {
    ReplicaOptions options;
    options.dir = dir;
    options.rebuild_interval = absl::Milliseconds(50);
    replica_ = std::move(IdentityReplica::Open(options)).value();
    service_ = std::make_unique<ReplicaIdentityService>(replica_.get(),
                                                        absl::StrCat("127.0.0.1:", primary_port));
    privacy_ = std::make_unique<ReplicaPrivacyService>(replica_.get());
    server::ServerOptions so;
    so.listen = "127.0.0.1:0";
    so.shutdown_grace = absl::Seconds(2);
    server_ =
        std::move(server::GrpcServer::Start(so, {service_.get(), privacy_.get()}, {}, nullptr))
            .value();
    privacy_->SetPrimary(ChannelTo(primary_port));
    replica_->Start(ChannelTo(primary_port));
  }
  ~Replica() {
    replica_->Stop();
    server_->Shutdown();
  }

  IdentityReplica& replica() { return *replica_; }
  std::unique_ptr<v1::IdentityService::Stub> Stub() {
    return v1::IdentityService::NewStub(ChannelTo(server_->port()));
  }
  std::unique_ptr<privacy::v1::IdentityPrivacy::Stub> PrivacyStub() {
    return privacy::v1::IdentityPrivacy::NewStub(ChannelTo(server_->port()));
  }
  bool CaughtUpWith(Primary& primary) {
    return replica_->WaitForVisible(primary.store().head(), absl::Now() + absl::Seconds(20));
  }

 private:
  std::unique_ptr<IdentityReplica> replica_;
  std::unique_ptr<ReplicaIdentityService> service_;
  std::unique_ptr<ReplicaPrivacyService> privacy_;
  std::unique_ptr<server::GrpcServer> server_;
};

// Records of `n` persons, some sharing an e-mail so that they link into profiles.
std::vector<common::v1::Event> Persons(int first, int n) {
  std::vector<common::v1::Event> out;
  for (int i = first; i < first + n; ++i) {
    const std::string email = absl::StrCat("person", i / 2, "@example.com");
    out.push_back(Upsert(i % 2 ? "web_shop" : "pos", absl::StrCat("c-", i),
                         {email, "", absl::StrCat("Given", i / 2), "Family"}, kT0 + i));
  }
  return out;
}

std::vector<std::string> ProfileIds(v1::IdentityService::Stub& stub) {
  std::vector<std::string> ids;
  v1::ListProfilesRequest request;
  request.set_page_size(1000);
  while (true) {
    grpc::ClientContext ctx;
    v1::ListProfilesResponse response;
    EXPECT_TRUE(stub.ListProfiles(&ctx, request, &response).ok());
    for (const auto& p : response.profiles()) ids.push_back(p.profile_id());
    if (response.next_page_token().empty()) return ids;
    request.set_page_token(response.next_page_token());
  }
}

// GetProfile and ListMembers of every profile of the primary, as the replica answers them.
void ExpectSameAnswers(v1::IdentityService::Stub& primary, v1::IdentityService::Stub& replica) {
  const std::vector<std::string> ids = ProfileIds(primary);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ProfileIds(replica), ids);
  for (const std::string& id : ids) {
    v1::GetProfileRequest get;
    get.mutable_lookup()->set_profile_id(id);
    v1::GetProfileResponse want, got;
    grpc::ClientContext c1, c2;
    ASSERT_TRUE(primary.GetProfile(&c1, get, &want).ok());
    ASSERT_TRUE(replica.GetProfile(&c2, get, &got).ok()) << id;
    // created_at as stored (to the microsecond): the primary's memory keeps the split's own
    // clock reading for a profile a split creates, which its store (and a restart) do not.
    MessageDifferencer same;
    same.IgnoreField(v1::Profile::descriptor()->FindFieldByName("created_at"));
    EXPECT_TRUE(same.Compare(want, got)) << id;
    v1::ListMembersRequest list;
    list.set_profile_id(id);
    v1::ListMembersResponse want_members, got_members;
    grpc::ClientContext c3, c4;
    ASSERT_TRUE(primary.ListMembers(&c3, list, &want_members).ok());
    ASSERT_TRUE(replica.ListMembers(&c4, list, &got_members).ok());
    EXPECT_TRUE(MessageDifferencer::Equals(want_members, got_members)) << id;
  }
}

std::string ProfileOf(v1::IdentityService::Stub& stub, const std::string& system,
                      const std::string& id) {
  v1::GetProfileRequest get;
  *get.mutable_lookup()->mutable_source() = Key(system, id);
  v1::GetProfileResponse response;
  grpc::ClientContext ctx;
  return stub.GetProfile(&ctx, get, &response).ok() ? response.profile().profile_id() : "";
}

TEST(IdentityReplicaTest, BootstrapsConvergesAndFollowsMergesAndSplits) {
  clientele::testing::TempDir dir;
  Primary primary(dir.Sub("primary"));
  primary.Apply(Persons(0, 40));  // Before the replica exists: the snapshot carries it.
  Replica replica(dir.Sub("replica"), primary.port());
  for (int i = 40; i < 200; i += 20) primary.Apply(Persons(i, 20));  // Tailed.
  ASSERT_TRUE(replica.CaughtUpWith(primary));
  EXPECT_EQ(replica.replica().bootstraps(), 1u);
  auto primary_stub = primary.Stub();
  auto replica_stub = replica.Stub();
  ExpectSameAnswers(*primary_stub, *replica_stub);

  // A merge and a split on the primary.
  const std::string a = ProfileOf(*primary_stub, "pos", "c-0");
  const std::string b = ProfileOf(*primary_stub, "pos", "c-2");
  ASSERT_NE(a, b);
  {
    v1::MergeProfilesRequest merge;
    merge.set_into_profile_id(a);
    merge.set_from_profile_id(b);
    merge.set_actor("op");
    merge.set_reason("same person");
    merge.set_idempotency_key("m1");
    v1::MergeProfilesResponse merged;
    grpc::ClientContext ctx;
    ASSERT_TRUE(primary_stub->MergeProfiles(&ctx, merge, &merged).ok());
  }
  ASSERT_TRUE(replica.CaughtUpWith(primary));
  EXPECT_EQ(ProfileOf(*replica_stub, "pos", "c-2"), a);
  {
    v1::SplitProfileRequest split;
    split.set_profile_id(a);
    *split.add_records() = Key("pos", "c-2");
    *split.add_records() = Key("web_shop", "c-3");
    split.set_actor("op");
    split.set_reason("not the same");
    split.set_idempotency_key("s1");
    v1::SplitProfileResponse response;
    grpc::ClientContext ctx;
    ASSERT_TRUE(primary_stub->SplitProfile(&ctx, split, &response).ok());
  }
  ASSERT_TRUE(replica.CaughtUpWith(primary));
  EXPECT_NE(ProfileOf(*replica_stub, "pos", "c-2"), a);
  ExpectSameAnswers(*primary_stub, *replica_stub);

  // Writes are the primary's; reads carry the lag.
  v1::MergeProfilesRequest merge;
  v1::MergeProfilesResponse merged;
  grpc::ClientContext write;
  grpc::Status refused = replica_stub->MergeProfiles(&write, merge, &merged);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find(absl::StrCat("127.0.0.1:", primary.port())),
            std::string::npos)
      << refused.error_message();
  v1::GetProfileRequest get;
  get.mutable_lookup()->set_profile_id(a);
  v1::GetProfileResponse got;
  grpc::ClientContext read;
  ASSERT_TRUE(replica_stub->GetProfile(&read, get, &got).ok());
  auto lag = read.GetServerTrailingMetadata().find(kReplicaLagSeqTrailer);
  ASSERT_NE(lag, read.GetServerTrailingMetadata().end());
  EXPECT_EQ(std::string(lag->second.data(), lag->second.size()), "0");
}

TEST(IdentityReplicaTest, RestartResumesWithoutBootstrapAndTooFarBehindBootstrapsAgain) {
  clientele::testing::TempDir dir;
  Primary primary(dir.Sub("primary"), /*retention=*/5);
  primary.Apply(Persons(0, 20));
  {
    Replica replica(dir.Sub("replica"), primary.port());
    ASSERT_TRUE(replica.CaughtUpWith(primary));
    EXPECT_EQ(replica.replica().bootstraps(), 1u);
  }
  // Stopped: the primary goes on within what it keeps.
  primary.Apply(Persons(20, 10));
  primary.Apply(Persons(30, 10));
  {
    Replica replica(dir.Sub("replica"), primary.port());
    EXPECT_NE(replica.replica().state(), nullptr);  // Serves its stored state at once.
    ASSERT_TRUE(replica.CaughtUpWith(primary));
    EXPECT_EQ(replica.replica().bootstraps(), 0u);  // Resumed from its applied sequence.
    auto primary_stub = primary.Stub();
    auto replica_stub = replica.Stub();
    ExpectSameAnswers(*primary_stub, *replica_stub);
  }
  // Stopped longer than the primary keeps changes: bootstraps again, then agrees.
  for (int i = 40; i < 140; i += 10) primary.Apply(Persons(i, 10));
  {
    Replica replica(dir.Sub("replica"), primary.port());
    ASSERT_TRUE(replica.CaughtUpWith(primary));
    EXPECT_EQ(replica.replica().bootstraps(), 1u);
    auto primary_stub = primary.Stub();
    auto replica_stub = replica.Stub();
    ExpectSameAnswers(*primary_stub, *replica_stub);
  }
}

TEST(IdentityReplicaTest, ErasureReachesTheReplicasFiles) {
  clientele::testing::TempDir dir;
  Primary primary(dir.Sub("primary"));
  primary.Apply({Upsert("web_shop", "w-771", {kErasedEmail, "", "Gülizar", "Karakoçoğlu"}, kT0)});
  primary.Apply(Persons(0, 20));
  auto behind = std::make_unique<Replica>(dir.Sub("behind"), primary.port());
  Replica replica(dir.Sub("replica"), primary.port());
  ASSERT_TRUE(replica.CaughtUpWith(primary));
  ASSERT_TRUE(behind->CaughtUpWith(primary));
  ASSERT_GT(clientele::testing::RowsContaining(*replica.replica().state()->store->kv,
                                               static_cast<int>(IdentityColumnFamilies().size()),
                                               kErasedEmail),
            0);
  behind.reset();  // Stopped: will find its position trimmed by the erasure.

  privacy::v1::EraseSubjectDataRequest erase;
  *erase.add_subjects()->add_source_keys() = Key("web_shop", "w-771");
  auto primary_privacy = privacy::v1::IdentityPrivacy::NewStub(ChannelTo(primary.port()));
  {
    grpc::ClientContext ctx;
    privacy::v1::EraseSubjectDataResponse response;
    ASSERT_TRUE(primary_privacy->EraseSubjectData(&ctx, erase, &response).ok());
    EXPECT_GT(response.keys_deleted(), 0);
  }
  primary.Apply(Persons(20, 4));
  // The gateway's step on the replica: returns once it has applied and purged the erasure.
  {
    grpc::ClientContext ctx;
    privacy::v1::EraseSubjectDataResponse response;
    grpc::Status s = replica.PrivacyStub()->EraseSubjectData(&ctx, erase, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(ProfileOf(*replica.Stub(), "web_shop", "w-771"), "");
  EXPECT_EQ(CountFilesContaining(dir.Sub("replica"), kErasedEmail), 0);
  EXPECT_EQ(CountFilesContaining(dir.Sub("primary"), kErasedEmail), 0);

  // The stopped replica restarts behind the erasure: its position is gone, it bootstraps
  // from the erased state and its old files go.
  Replica restarted(dir.Sub("behind"), primary.port());
  ASSERT_TRUE(restarted.CaughtUpWith(primary));
  EXPECT_EQ(restarted.replica().bootstraps(), 1u);
  EXPECT_TRUE(PollUntil([&] { return CountFilesContaining(dir.Sub("behind"), kErasedEmail) == 0; },
                        absl::Seconds(10)));
  EXPECT_EQ(ProfileOf(*restarted.Stub(), "web_shop", "w-771"), "");
}

TEST(IdentityReplicaTest, UnavailableUntilBootstrapped) {
  clientele::testing::TempDir dir;
  // No primary listens there.
  Replica replica(dir.Sub("replica"), 1);
  v1::GetProfileRequest get;
  get.mutable_lookup()->set_profile_id("P0000000001");
  v1::GetProfileResponse got;
  grpc::ClientContext ctx;
  EXPECT_EQ(replica.Stub()->GetProfile(&ctx, get, &got).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(replica.replica().state(), nullptr);
}

}  // namespace
}  // namespace clientele::identity::testing
