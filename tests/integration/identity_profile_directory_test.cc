// IdentityProfileDirectory against real gRPC servers on 127.0.0.1:0: a fake identity that
// streams a profile map, a server without the identity service (UNIMPLEMENTED: each source
// key is its own profile), and an address nobody serves (the error fails the job).
#include "analytics/identity_profile_directory.h"

#include "analytics/state/analytics_store.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "common/metrics/registry.h"
#include "common/server/grpc_server.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

common::v1::SourceKey Key(const std::string& system, const std::string& id) {
  common::v1::SourceKey key;
  key.set_system(system);
  key.set_id(id);
  return key;
}

// Streams three entries in two messages.
class FakeIdentity final : public identity::v1::IdentityService::Service {
 public:
  grpc::Status GetProfileMap(
      grpc::ServerContext* /*context*/, const identity::v1::GetProfileMapRequest* /*request*/,
      grpc::ServerWriter<identity::v1::GetProfileMapResponse>* writer) override {
    identity::v1::GetProfileMapResponse first, second;
    auto add = [](identity::v1::GetProfileMapResponse& r, common::v1::SourceKey key,
                  const std::string& profile) {
      identity::v1::ProfileMapEntry* e = r.add_entries();
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

TEST(IdentityProfileDirectoryTest, ReadsTheWholeStreamedMap) {
  FakeIdentity identity;
  auto server = Serve(&identity);
  const int port = server->port();
  IdentityProfileDirectory directory([port] { return ChannelTo(port); });
  auto map = directory.GetProfileMap(nullptr);
  ASSERT_THAT(map, IsOk());
  EXPECT_EQ(map->size(), 3u);
  EXPECT_EQ(map->at(EncodeSourceKey(Key("web", "a"))), "P1");
  EXPECT_EQ(map->at(EncodeSourceKey(Key("pos", "7"))), "P1");
  EXPECT_EQ(map->at(EncodeSourceKey(Key("web", "b"))), "P2");
}

TEST(IdentityProfileDirectoryTest, AServerWithoutIdentityMeansOneProfilePerSourceKey) {
  // A server that serves only grpc.health (GrpcServer adds it), no identity.
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  auto started = server::GrpcServer::Start(options, {}, {}, nullptr);
  ASSERT_THAT(started, IsOk());
  const int port = (*started)->port();
  IdentityProfileDirectory directory([port] { return ChannelTo(port); });
  auto map = directory.GetProfileMap(nullptr);
  ASSERT_THAT(map, IsOk());
  EXPECT_TRUE(map->empty());
}

TEST(IdentityProfileDirectoryTest, AnUnreachableIdentityFailsWithItsStatus) {
  int port = 0;
  {
    FakeIdentity identity;
    auto server = Serve(&identity);
    port = server->port();
  }  // Stopped: nothing listens there now.
  IdentityProfileDirectory directory([port] { return ChannelTo(port); }, absl::Seconds(2));
  EXPECT_THAT(directory.GetProfileMap(nullptr),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("identity GetProfileMap")));
}

TEST(IdentityProfileDirectoryTest, AnIdentityThatReportsNoAppliedPositionIsNotTrusted) {
  // FakeIdentity ignores min_applied and reports no position (as an identity without a log
  // consumer would): its map may be partial, so the caller refuses it.
  FakeIdentity identity;
  auto server = Serve(&identity);
  const int port = server->port();
  IdentityProfileDirectory directory([port] { return ChannelTo(port); },
                                     []() -> absl::StatusOr<LogPositions> {
                                       return LogPositions{{0, 42}};
                                     },
                                     absl::Milliseconds(100));
  EXPECT_THAT(directory.GetProfileMap(nullptr),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("identity"), HasSubstr("partition 0"), HasSubstr("42"))));
  // A caller that has applied nothing yet needs no position.
  IdentityProfileDirectory fresh([port] { return ChannelTo(port); },
                                 []() -> absl::StatusOr<LogPositions> {
                                   return LogPositions{{0, 0}};
                                 },
                                 absl::Milliseconds(100));
  EXPECT_THAT(fresh.GetProfileMap(nullptr), IsOk());
}

}  // namespace
}  // namespace clientele::analytics
