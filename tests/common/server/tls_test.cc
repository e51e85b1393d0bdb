// TLS and mutual TLS of GrpcServer's listener and of channels, over real servers on
// 127.0.0.1:0 with certificates made by scripts/dev-certs for the test (a CA, a server
// certificate, a client certificate with common name "tester", and an unrelated CA with its
// own client certificate).
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "clientele/server_test/v1/test_service.grpc.pb.h"
#include "common/server/component_channels.h"
#include "common/server/grpc_server.h"
#include "common/server/tls_credentials.h"
#include "common/server/tls_flags.h"
#include "common/server/tls_identity.h"
#include "common/testing/child_process.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"

namespace clientele::server {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
namespace test_v1 = ::clientele::server_test::v1;

// Echo answers with the caller's certificate identity.
class IdentityEchoService final : public test_v1::TestService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext* context, const test_v1::TestRequest* /*request*/,
                    test_v1::TestResponse* response) override {
    response->set_payload("identity=" + PeerCertificateIdentity(*context->auth_context()));
    return grpc::Status::OK;
  }
};

struct EchoResult {
  grpc::Status status;
  std::string payload;
};

EchoResult EchoOver(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = test_v1::TestService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  test_v1::TestRequest request;
  test_v1::TestResponse response;
  EchoResult result;
  result.status = stub->Echo(&context, request, &response);
  result.payload = response.payload();
  return result;
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new clientele::testing::TempDir();
    const clientele::testing::CommandResult made =
        clientele::testing::RunCommand({CLT_DEV_CERTS, certs_->path(), "tester"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }

  static std::string Cert(const std::string& name) { return certs_->Sub(name); }

  static ServerTls ListenerTls(const std::string& client_ca = "") {
    absl::StatusOr<ServerTls> tls =
        LoadServerTls({"--tls_cert", Cert("server.pem")}, {"--tls_key", Cert("server-key.pem")},
                      {"--tls_client_ca", client_ca.empty() ? "" : Cert(client_ca)});
    EXPECT_THAT(tls, IsOk());
    return tls.ok() ? *tls : ServerTls();
  }

  // `client` "": no client certificate; else "client" or "other-client".
  static ChannelTls ClientTls(const std::string& ca, const std::string& client = "") {
    absl::StatusOr<ChannelTls> tls = LoadChannelTls(
        {"--tls_ca", Cert(ca)}, {"--tls_client_cert", client.empty() ? "" : Cert(client + ".pem")},
        {"--tls_client_key", client.empty() ? "" : Cert(client + "-key.pem")});
    EXPECT_THAT(tls, IsOk());
    return tls.ok() ? *tls : ChannelTls();
  }

  void Start(const ServerTls& tls) {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.tls = tls;
    absl::StatusOr<std::unique_ptr<GrpcServer>> server =
        GrpcServer::Start(options, {&service_}, {}, nullptr);
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
  }

  EchoResult Echo(const ChannelTls& tls, const std::string& host = "127.0.0.1") {
    return EchoOver(grpc::CreateChannel(host + ":" + std::to_string(server_->port()),
                                        ChannelCredentialsFor(tls)));
  }

  static clientele::testing::TempDir* certs_;
  IdentityEchoService service_;
  std::unique_ptr<GrpcServer> server_;
};

clientele::testing::TempDir* TlsTest::certs_ = nullptr;

TEST_F(TlsTest, AClientTrustingTheCaCompletesTheHandshakeByAddressAndByName) {
  Start(ListenerTls());
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    const EchoResult result = Echo(ClientTls("ca.pem"), host);
    ASSERT_TRUE(result.status.ok()) << host << ": " << result.status.error_message();
    EXPECT_EQ(result.payload, "identity=") << "no client certificate was asked for";
  }
}

TEST_F(TlsTest, AClientTrustingAnotherCaIsRefused) {
  Start(ListenerTls());
  const EchoResult result = Echo(ClientTls("other-ca.pem"));
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << result.status.error_message();
}

TEST_F(TlsTest, PlaintextAndTlsDoNotMix) {
  Start(ListenerTls());
  EXPECT_EQ(Echo(ChannelTls()).status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << "a plaintext client reached a TLS listener";
  server_.reset();
  Start(ServerTls());
  EXPECT_EQ(Echo(ClientTls("ca.pem")).status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << "a TLS client reached a plaintext listener";
  const EchoResult plain = Echo(ChannelTls());
  ASSERT_TRUE(plain.status.ok()) << plain.status.error_message();
  EXPECT_EQ(plain.payload, "identity=");
}

TEST_F(TlsTest, MutualTlsRefusesAClientWithoutACertificate) {
  Start(ListenerTls("ca.pem"));
  const EchoResult result = Echo(ClientTls("ca.pem"));
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << result.status.error_message();
}

TEST_F(TlsTest, MutualTlsRefusesACertificateOfAnotherCa) {
  Start(ListenerTls("ca.pem"));
  const EchoResult result = Echo(ClientTls("ca.pem", "other-client"));
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << result.status.error_message();
}

TEST_F(TlsTest, MutualTlsAcceptsAGoodCertificateAndTheServerSeesItsCommonName) {
  Start(ListenerTls("ca.pem"));
  const EchoResult result = Echo(ClientTls("ca.pem", "client"));
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.payload, "identity=tester");
}

TEST_F(TlsTest, InProcessCallsHaveNoCertificateIdentity) {
  Start(ListenerTls("ca.pem"));
  const EchoResult result = EchoOver(server_->InProcessChannel());
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.payload, "identity=");
}

TEST_F(TlsTest, OptionalClientCertificatesAreVerifiedWhenGiven) {
  ServerTls tls = ListenerTls("ca.pem");
  tls.require_client_cert = false;
  Start(tls);
  const EchoResult without = Echo(ClientTls("ca.pem"));
  ASSERT_TRUE(without.status.ok()) << without.status.error_message();
  EXPECT_EQ(without.payload, "identity=");
  const EchoResult good = Echo(ClientTls("ca.pem", "client"));
  ASSERT_TRUE(good.status.ok()) << good.status.error_message();
  EXPECT_EQ(good.payload, "identity=tester");
  EXPECT_EQ(Echo(ClientTls("ca.pem", "other-client")).status.error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, ComponentChannelsUseTheirCredentialsForRemoteComponents) {
  Start(ListenerTls("ca.pem"));
  Deployment deployment;
  deployment.addresses["ingest"] = "127.0.0.1:" + std::to_string(server_->port());
  const ComponentChannels with_certificate(nullptr, deployment, 1 << 20,
                                           ChannelCredentialsFor(ClientTls("ca.pem", "client")));
  const EchoResult result = EchoOver(with_certificate.ChannelTo("ingest"));
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.payload, "identity=tester");
  const ComponentChannels plaintext(nullptr, deployment, 1 << 20);
  EXPECT_EQ(EchoOver(plaintext.ChannelTo("ingest")).status.error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, AMissingFileIsAnErrorNamingTheFlagAndThePath) {
  const std::string missing = certs_->Sub("nope.pem");
  EXPECT_THAT(LoadServerTls({"--tls_cert", missing}, {"--tls_key", Cert("server-key.pem")},
                            {"--tls_client_ca", ""}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--tls_cert"), HasSubstr(missing))));
  EXPECT_THAT(LoadServerTls({"--tls_cert", Cert("server.pem")},
                            {"--tls_key", Cert("server-key.pem")}, {"--tls_client_ca", missing}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls_client_ca")));
  EXPECT_THAT(LoadChannelTls({"--tls-ca", missing}, {"--tls-cert", ""}, {"--tls-key", ""}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--tls-ca"), HasSubstr(missing))));
  EXPECT_THAT(LoadChannelTls({"--tls-ca", Cert("ca.pem")}, {"--tls-cert", Cert("client.pem")},
                             {"--tls-key", certs_->path()}),  // A directory.
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls-key")));
}

TEST_F(TlsTest, AFileThatIsNotPemOrAKeyOfAnotherCertificateIsRefused) {
  const std::string junk = certs_->Sub("junk.pem");
  std::ofstream(junk) << "not a certificate\n";
  EXPECT_THAT(LoadServerTls({"--tls_cert", junk}, {"--tls_key", Cert("server-key.pem")},
                            {"--tls_client_ca", ""}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--tls_cert"), HasSubstr("no PEM certificate"))));
  EXPECT_THAT(LoadServerTls({"--tls_cert", Cert("server.pem")}, {"--tls_key", Cert("server.pem")},
                            {"--tls_client_ca", ""}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--tls_key"), HasSubstr("no PEM private key"))));
  EXPECT_THAT(LoadServerTls({"--tls_cert", Cert("server.pem")},
                            {"--tls_key", Cert("client-key.pem")}, {"--tls_client_ca", ""}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--tls_key"), HasSubstr("does not match"))));
  EXPECT_THAT(
      LoadChannelTls({"--tls-ca", Cert("ca-key.pem")}, {"--tls-cert", ""}, {"--tls-key", ""}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls-ca")));
}

TEST_F(TlsTest, CertificateAndKeyGoTogether) {
  EXPECT_THAT(
      LoadServerTls({"--tls_cert", Cert("server.pem")}, {"--tls_key", ""}, {"--tls_client_ca", ""}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls_cert: needs --tls_key")));
  EXPECT_THAT(
      LoadServerTls({"--tls_cert", ""}, {"--tls_key", ""}, {"--tls_client_ca", Cert("ca.pem")}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls_client_ca: needs")));
  EXPECT_THAT(
      LoadChannelTls({"--tls-ca", ""}, {"--tls-cert", ""}, {"--tls-key", Cert("client-key.pem")}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls-key: needs --tls-cert")));
}

TEST_F(TlsTest, NoFlagsMeanPlaintextAndAnyChannelFlagMeansTls) {
  absl::StatusOr<ServerTls> server =
      LoadServerTls({"--tls_cert", ""}, {"--tls_key", ""}, {"--tls_client_ca", ""});
  ASSERT_THAT(server, IsOk());
  EXPECT_FALSE(server->enabled());
  absl::StatusOr<ChannelTls> none =
      LoadChannelTls({"--tls-ca", ""}, {"--tls-cert", ""}, {"--tls-key", ""});
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->enabled);
  EXPECT_TRUE(ClientTls("ca.pem").enabled);
  const ServerTls mutual = ListenerTls("ca.pem");
  EXPECT_TRUE(mutual.enabled());
  EXPECT_TRUE(mutual.require_client_cert);
}

TEST(TlsFlagsTest, ValidateNamesTheFlagOfAnIncompleteSet) {
  TlsFlags flags;
  EXPECT_THAT(ValidateTlsFlags(flags), IsOk());
  flags.key = "k.pem";
  EXPECT_THAT(ValidateTlsFlags(flags), StatusIs(absl::StatusCode::kInvalidArgument,
                                                HasSubstr("--tls_key: needs --tls_cert")));
  flags.cert = "c.pem";
  EXPECT_THAT(ValidateTlsFlags(flags), IsOk());
  flags.client_cert = "cc.pem";
  EXPECT_THAT(ValidateTlsFlags(flags),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--tls_client_cert: needs --tls_client_key")));
  TlsFlags ca_only;
  ca_only.client_ca = "ca.pem";
  EXPECT_THAT(ValidateTlsFlags(ca_only),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls_client_ca: needs")));
}

TEST(TlsFlagsTest, RequireMutualTlsListenerNamesWhatIsMissing) {
  TlsFlags flags;
  flags.cert = "c.pem";
  flags.key = "k.pem";
  EXPECT_FALSE(flags.MutualTlsListener());
  EXPECT_THAT(RequireMutualTlsListener(flags, "with --auth=required"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--tls_client_ca: required with --auth=required")));
  flags.client_ca = "ca.pem";
  EXPECT_TRUE(flags.MutualTlsListener());
  EXPECT_THAT(RequireMutualTlsListener(flags, "with --auth=required"), IsOk());
}

}  // namespace
}  // namespace clientele::server
