// GrpcIdentityClient against real gRPC servers on 127.0.0.1:0: a fake identity service that
// streams a profile map, a server without the identity service (UNIMPLEMENTED: each source
// key is its own profile), an address nobody serves, and a real identity (Resolver over
// RocksDB in a temp dir) whose applied log position the test sets.
#include "identity/client/grpc_identity_client.h"

#include "absl/synchronization/mutex.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "common/server/grpc_server.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "identity/identity_service.h"
#include "tests/identity/resolution/resolver_test_util.h"

namespace clientele::identity {
namespace {

using ::clientele::identity::testing::Key;
using ::clientele::identity::testing::Person;
using ::clientele::identity::testing::ResolverHarness;
using ::clientele::identity::testing::Upsert;
using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

// Streams three entries in two messages.
class FakeIdentity final : public v1::IdentityService::Service {
 public:
  grpc::Status GetProfileMap(grpc::ServerContext* /*context*/,
                             const v1::GetProfileMapRequest* /*request*/,
                             grpc::ServerWriter<v1::GetProfileMapResponse>* writer) override {
    v1::GetProfileMapResponse first, second;
    auto add = [](v1::GetProfileMapResponse& r, common::v1::SourceKey key,
                  const std::string& profile) {
      v1::ProfileMapEntry* e = r.add_entries();
      *e->mutable_source() = std::move(key);
      e->set_profile_id(profile);
    };
    add(first, Key("web", "a"), "P1");
    add(first, Key("pos", "7"), "P1");
    add(second, Key("web", "b"), "P2");
    writer->Write(first);
    writer->Write(second);
    return grpc::Status::OK;
  }
};

std::shared_ptr<grpc::Channel> ChannelTo(int port) {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                             grpc::InsecureChannelCredentials());
}

std::unique_ptr<server::GrpcServer> Serve(grpc::Service* service) {
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.shutdown_grace = absl::Seconds(1);
  auto started = server::GrpcServer::Start(options, {service}, {}, nullptr);
  EXPECT_THAT(started, IsOk());
  return std::move(*started);
}

TEST(GrpcIdentityClientTest, ReadsTheWholeStreamedMap) {
  FakeIdentity identity;
  auto server = Serve(&identity);
  GrpcIdentityClient client(ChannelTo(server->port()));
  auto map = client.GetProfileMap({}, absl::ZeroDuration(), nullptr);
  ASSERT_THAT(map, IsOk());
  EXPECT_EQ(map->size(), 3u);
  EXPECT_EQ(map->at(ProfileMapKey(Key("web", "a"))), "P1");
  EXPECT_EQ(map->at(ProfileMapKey(Key("pos", "7"))), "P1");
  EXPECT_EQ(map->at(ProfileMapKey(Key("web", "b"))), "P2");
}

TEST(GrpcIdentityClientTest, AServerWithoutIdentityMeansOneProfilePerSourceKey) {
  // A server that serves only grpc.health (GrpcServer adds it), no identity.
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  auto started = server::GrpcServer::Start(options, {}, {}, nullptr);
  ASSERT_THAT(started, IsOk());
  GrpcIdentityClient client(ChannelTo((*started)->port()));
  auto map = client.GetProfileMap({}, absl::ZeroDuration(), nullptr);
  ASSERT_THAT(map, IsOk());
  EXPECT_TRUE(map->empty());
}

TEST(GrpcIdentityClientTest, AnUnreachableIdentityFailsWithItsStatus) {
  int port = 0;
  {
    FakeIdentity identity;
    auto server = Serve(&identity);
    port = server->port();
  }  // Stopped: nothing listens there now.
  GrpcIdentityClientOptions options;
  options.map_timeout = absl::Seconds(2);
  options.lookup_timeout = absl::Seconds(2);
  GrpcIdentityClient client(ChannelTo(port), options);
  EXPECT_THAT(client.GetProfileMap({}, absl::ZeroDuration(), nullptr),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("identity GetProfileMap")));
  EXPECT_THAT(client.KnowsProfile("P1"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("profile_id 'P1'")));
  EXPECT_THAT(client.CheckCaughtUp({{0, 3}}, absl::ZeroDuration()),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("identity")));
}

TEST(GrpcIdentityClientTest, AnIdentityThatReportsNoAppliedPositionIsNotTrusted) {
  // FakeIdentity ignores min_applied and reports no position (as an identity without a log
  // consumer would): its map may be partial, so the caller refuses it.
  FakeIdentity identity;
  auto server = Serve(&identity);
  GrpcIdentityClient client(ChannelTo(server->port()));
  EXPECT_THAT(client.GetProfileMap({{0, 42}}, absl::Milliseconds(100), nullptr),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("identity"), HasSubstr("partition 0"), HasSubstr("42"))));
  // A caller that has applied nothing yet needs no position.
  EXPECT_THAT(client.GetProfileMap({{0, 0}}, absl::Milliseconds(100), nullptr), IsOk());
}

// Where identity's log consumer stands, as the test says.
class SettableProgress final : public LogProgress {
 public:
  void Set(uint64_t sequence) {
    absl::MutexLock lock(&mu_);
    applied_ = sequence;
  }
  std::vector<std::pair<uint32_t, uint64_t>> Applied() const override {
    absl::MutexLock lock(&mu_);
    return {{0, applied_}};
  }
  bool WaitForApplied(uint32_t partition, uint64_t sequence, absl::Time deadline) const override {
    if (partition != 0) return false;
    absl::MutexLock lock(&mu_);
    auto reached = [this, sequence]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return applied_ >= sequence; };
    return mu_.AwaitWithDeadline(absl::Condition(&reached), deadline);
  }

 private:
  mutable absl::Mutex mu_;
  uint64_t applied_ ABSL_GUARDED_BY(mu_) = 0;
};

// A real identity service over a Resolver in a temp dir, on 127.0.0.1:0.
class RealIdentityTest : public ::testing::Test {
 protected:
  RealIdentityTest() : service_(&harness_.resolver()) {
    service_.SetLogProgress(&progress_);
    server_ = Serve(&service_);
    const Person ayse{"ayse.yilmaz@example.com", "+90 532 111 2233", "Ayşe", "Yılmaz", 1980, 5, 17};
    const Person emre{"emre.kaya@example.com", "+90 533 444 5566", "Emre", "Kaya", 1975, 2, 3};
    harness_.Apply({Upsert("web_shop", "w1", ayse), Upsert("pos", "p1", ayse),
                    Upsert("web_shop", "w2", emre)});
    progress_.Set(3);
  }

  ResolverHarness harness_;
  SettableProgress progress_;
  IdentityServiceImpl service_;
  std::unique_ptr<server::GrpcServer> server_;
};

TEST_F(RealIdentityTest, MapsEachSourceKeyToItsProfile) {
  GrpcIdentityClient client(ChannelTo(server_->port()));
  auto map = client.GetProfileMap({{0, 3}}, absl::ZeroDuration(), nullptr);
  ASSERT_THAT(map, IsOk());
  const std::string ayse = harness_.ProfileOf("web_shop", "w1");
  const std::string emre = harness_.ProfileOf("web_shop", "w2");
  ASSERT_FALSE(ayse.empty());
  EXPECT_NE(ayse, emre);
  EXPECT_EQ(map->at(ProfileMapKey(Key("web_shop", "w1"))), ayse);
  EXPECT_EQ(map->at(ProfileMapKey(Key("pos", "p1"))), ayse);
  EXPECT_EQ(map->at(ProfileMapKey(Key("web_shop", "w2"))), emre);
}

TEST_F(RealIdentityTest, KnowsItsProfilesAndNothingElse) {
  GrpcIdentityClient client(ChannelTo(server_->port()));
  const absl::StatusOr<bool> known = client.KnowsProfile(harness_.ProfileOf("pos", "p1"));
  ASSERT_THAT(known, IsOk());
  EXPECT_TRUE(*known);
  const absl::StatusOr<bool> unknown = client.KnowsProfile("P999999");
  ASSERT_THAT(unknown, IsOk());
  EXPECT_FALSE(*unknown);
  // Not in identity's id format (a source key text): not its profile, not an error.
  const absl::StatusOr<bool> foreign = client.KnowsProfile("movielens/1");
  ASSERT_THAT(foreign, IsOk());
  EXPECT_FALSE(*foreign);
}

TEST_F(RealIdentityTest, BehindTheCallerIsUnavailableNamingBothSequencesUntilItCatchesUp) {
  GrpcIdentityClient client(ChannelTo(server_->port()));
  EXPECT_THAT(client.CheckCaughtUp({{0, 7}}, absl::ZeroDuration()),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("partition 0"), HasSubstr("applied through sequence 3"),
                             HasSubstr("the caller through 7"))));
  EXPECT_THAT(client.GetProfileMap({{0, 7}}, absl::ZeroDuration(), nullptr),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("the caller through 7")));
  progress_.Set(7);
  EXPECT_THAT(client.CheckCaughtUp({{0, 7}}, absl::ZeroDuration()), IsOk());
  auto map = client.GetProfileMap({{0, 7}}, absl::ZeroDuration(), nullptr);
  ASSERT_THAT(map, IsOk());
  EXPECT_EQ(map->size(), 3u);
}

TEST_F(RealIdentityTest, ACancelledCallerStopsWaitingForIdentity) {
  GrpcIdentityClient client(ChannelTo(server_->port()));
  // Identity never reaches 9: without the cancellation this would wait ten minutes.
  EXPECT_THAT(client.GetProfileMap({{0, 9}}, absl::Minutes(10), [] { return true; }),
              StatusIs(absl::StatusCode::kCancelled, HasSubstr("catching up")));
}

}  // namespace
}  // namespace clientele::identity
