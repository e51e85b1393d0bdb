// The Connect HTTP/JSON endpoint against a real gRPC server on 127.0.0.1:0 (a scripted
// IdentityService) and a real HTTP client.
#include "gateway/http/connect_http_server.h"

#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "common/server/grpc_server.h"
#include "common/testing/child_process.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "google/protobuf/any.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::testing::HasSubstr;

constexpr char kGetProfile[] = "/clientele.identity.v1.IdentityService/GetProfile";

// Answers GetProfile by the looked-up profile id: "missing" NOT_FOUND, "denied"
// PERMISSION_DENIED, "busy" RESOURCE_EXHAUSTED with a RetryInfo detail, else a profile of that
// id. Remembers the last call's authorization metadata and deadline.
class ScriptedIdentity final : public identity::v1::IdentityService::Service {
 public:
  grpc::Status GetProfile(grpc::ServerContext* context,
                          const identity::v1::GetProfileRequest* request,
                          identity::v1::GetProfileResponse* response) override {
    {
      absl::MutexLock lock(&mu_);
      auto it = context->client_metadata().find("authorization");
      authorization_ = it == context->client_metadata().end()
                           ? ""
                           : std::string(it->second.data(), it->second.size());
      deadline_ = absl::FromChrono(context->deadline());
    }
    const std::string& id = request->lookup().profile_id();
    if (id == "missing") return grpc::Status(grpc::StatusCode::NOT_FOUND, "no profile 'missing'");
    if (id == "denied") {
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "role marketer may not");
    }
    if (id == "busy") {
      google::protobuf::Any any;
      any.set_type_url("type.googleapis.com/google.rpc.RetryInfo");
      any.set_value("\x0a\x02\x08\x01");  // retry_delay { seconds: 1 }
      const std::string any_bytes = any.SerializeAsString();
      std::string details = "\x08\x08\x1a";
      details += static_cast<char>(any_bytes.size());
      details += any_bytes;
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "over the rate", details);
    }
    response->mutable_profile()->set_profile_id(id);
    response->mutable_profile()->mutable_golden()->mutable_record()->set_given_name("Ada");
    return grpc::Status::OK;
  }

  std::string authorization() {
    absl::MutexLock lock(&mu_);
    return authorization_;
  }
  absl::Time deadline() {
    absl::MutexLock lock(&mu_);
    return deadline_;
  }

 private:
  absl::Mutex mu_;
  std::string authorization_ ABSL_GUARDED_BY(mu_);
  absl::Time deadline_ ABSL_GUARDED_BY(mu_);
};

class ConnectHttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.shutdown_grace = absl::Seconds(1);
    absl::StatusOr<std::unique_ptr<server::GrpcServer>> grpc_server =
        server::GrpcServer::Start(options, {&identity_}, {}, nullptr);
    ASSERT_THAT(grpc_server, IsOk());
    grpc_ = *std::move(grpc_server);
    http_ = std::make_unique<ConnectHttpServer>(
        "127.0.0.1:0", grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc_->port()),
                                           grpc::InsecureChannelCredentials()));
    ASSERT_THAT(http_->Start(), IsOk());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", http_->port());
  }

  httplib::Result Post(const std::string& path, const std::string& body,
                       const httplib::Headers& headers = {},
                       const std::string& content_type = "application/json") {
    return client_->Post(path.c_str(), headers, body, content_type.c_str());
  }

  static nlohmann::json Json(const httplib::Result& result) {
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
    return nlohmann::json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  }

  ScriptedIdentity identity_;
  std::unique_ptr<server::GrpcServer> grpc_;
  std::unique_ptr<ConnectHttpServer> http_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ConnectHttpServerTest, AUnaryCallAnswersItsResponseAsJson) {
  httplib::Result result = Post(kGetProfile, R"({"lookup": {"profileId": "P1"}})");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  const nlohmann::json body = Json(result);
  EXPECT_EQ(body["profile"]["profileId"], "P1");
  EXPECT_EQ(body["profile"]["golden"]["record"]["givenName"], "Ada");
}

TEST_F(ConnectHttpServerTest, ProtoFieldNamesAndAnEmptyBodyAreAccepted) {
  httplib::Result result = Post(kGetProfile, R"({"lookup": {"profile_id": "P2"}})");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(Json(result)["profile"]["profileId"], "P2");
  result = Post(kGetProfile, "");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);  // The empty request: the scripted service answers it.
}

TEST_F(ConnectHttpServerTest, BadJsonIsInvalidArgumentNamingTheProblem) {
  httplib::Result result = Post(kGetProfile, R"({"lookup": {"nickname": "x"}})");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  nlohmann::json body = Json(result);
  EXPECT_EQ(body["code"], "invalid_argument");
  EXPECT_THAT(body["message"].get<std::string>(), HasSubstr("nickname"));
  EXPECT_THAT(body["message"].get<std::string>(),
              HasSubstr("clientele.identity.v1.GetProfileRequest"));

  result = Post(kGetProfile, "{not json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_EQ(Json(result)["code"], "invalid_argument");
}

TEST_F(ConnectHttpServerTest, AnUnknownMethodIsNotFoundUnimplemented) {
  for (const char* path : {"/clientele.identity.v1.IdentityService/Nope",
                           "/clientele.nothing.v1.Nothing/Get", "/not-a-method"}) {
    httplib::Result result = Post(path, "{}");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 404) << path;
    EXPECT_EQ(Json(result)["code"], "unimplemented") << path;
  }
}

TEST_F(ConnectHttpServerTest, StreamingMethodsAndOtherContentTypesAreRefused) {
  httplib::Result result = Post("/clientele.identity.v1.IdentityService/GetProfileMap", "{}");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 415);
  EXPECT_EQ(Json(result)["code"], "unimplemented");
  EXPECT_THAT(Json(result)["message"].get<std::string>(), HasSubstr("streaming"));

  result = Post(kGetProfile, "\x0a\x00", {}, "application/proto");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 415);

  result = client_->Get(kGetProfile);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 405);
}

TEST_F(ConnectHttpServerTest, ErrorsCarryConnectsCodeNameAndHttpStatus) {
  httplib::Result result = Post(kGetProfile, R"({"lookup": {"profileId": "missing"}})");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 404);
  EXPECT_EQ(Json(result)["code"], "not_found");
  EXPECT_EQ(Json(result)["message"], "no profile 'missing'");

  result = Post(kGetProfile, R"({"lookup": {"profileId": "denied"}})");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);
  EXPECT_EQ(Json(result)["code"], "permission_denied");

  result = Post(kGetProfile, R"({"lookup": {"profileId": "busy"}})");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 429);
  const nlohmann::json body = Json(result);
  EXPECT_EQ(body["code"], "resource_exhausted");
  ASSERT_EQ(body["details"].size(), 1u);
  EXPECT_EQ(body["details"][0]["type"], "google.rpc.RetryInfo");
  EXPECT_EQ(body["details"][0]["value"], "CgIIAQ");  // base64 of the RetryInfo bytes.
}

TEST_F(ConnectHttpServerTest, TheAuthorizationHeaderTravelsAsMetadata) {
  httplib::Result result = Post(kGetProfile, R"({"lookup": {"profileId": "P1"}})",
                                {{"Authorization", "Bearer ck_test_secret"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(identity_.authorization(), "Bearer ck_test_secret");

  result = Post(kGetProfile, R"({"lookup": {"profileId": "P1"}})");
  ASSERT_TRUE(result);
  EXPECT_EQ(identity_.authorization(), "");
}

TEST_F(ConnectHttpServerTest, TheTimeoutHeaderBecomesTheCallsDeadline) {
  const absl::Time before = absl::Now();
  httplib::Result result =
      Post(kGetProfile, R"({"lookup": {"profileId": "P1"}})", {{"Connect-Timeout-Ms", "1500"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  // 1.5 s, not the default 60 s (gRPC's deadline on the server side may round up by a few ms).
  EXPECT_GT(identity_.deadline(), before + absl::Milliseconds(1000));
  EXPECT_LE(identity_.deadline(), absl::Now() + absl::Milliseconds(2000));

  result = Post(kGetProfile, "{}", {{"Connect-Timeout-Ms", "soon"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_THAT(Json(result)["message"].get<std::string>(), HasSubstr("Connect-Timeout-Ms"));
}

TEST_F(ConnectHttpServerTest, ABackendThatIsDownIsUnavailable) {
  grpc_->Shutdown();
  httplib::Result result =
      Post(kGetProfile, R"({"lookup": {"profileId": "P1"}})", {{"Connect-Timeout-Ms", "5000"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 503);
  EXPECT_EQ(Json(result)["code"], "unavailable");
}

TEST(ConnectHttpServerTlsTest, ServesHttpsWithTheGivenCertificate) {
  ::clientele::testing::TempDir certs;
  const ::clientele::testing::CommandResult made =
      ::clientele::testing::RunCommand({CLT_DEV_CERTS, certs.path()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  ScriptedIdentity identity;
  server::ServerOptions grpc_options;
  grpc_options.listen = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<server::GrpcServer>> grpc_server =
      server::GrpcServer::Start(grpc_options, {&identity}, {}, nullptr);
  ASSERT_THAT(grpc_server, IsOk());
  ConnectHttpOptions options;
  options.tls_cert_file = certs.Sub("server.pem");
  options.tls_key_file = certs.Sub("server-key.pem");
  ConnectHttpServer http("127.0.0.1:0", (*grpc_server)->InProcessChannel(), options);
  ASSERT_THAT(http.Start(), IsOk());

  httplib::SSLClient client("127.0.0.1", http.port());
  client.set_ca_cert_path(certs.Sub("ca.pem").c_str());
  client.enable_server_certificate_verification(true);
  httplib::Result result =
      client.Post(kGetProfile, R"({"lookup": {"profileId": "P1"}})", "application/json");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200);
  EXPECT_THAT(result->body, HasSubstr("P1"));

  httplib::Client plain("127.0.0.1", http.port());
  httplib::Result refused = plain.Post(kGetProfile, "{}", "application/json");
  EXPECT_TRUE(!refused || refused->status != 200);
}

TEST(ConnectHttpServerTlsTest, TlsFilesThatDoNotLoadNameTheFlags) {
  ConnectHttpOptions options;
  options.tls_cert_file = "/nonexistent/server.pem";
  ConnectHttpServer half("127.0.0.1:0",
                         grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials()),
                         options);
  EXPECT_THAT(half.Start(), ::clientele::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                                           HasSubstr("--tls_key")));
  options.tls_key_file = "/nonexistent/server-key.pem";
  ConnectHttpServer missing("127.0.0.1:0",
                            grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials()),
                            options);
  EXPECT_THAT(missing.Start(), ::clientele::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                                              HasSubstr("--tls_cert")));
}

TEST(ConnectHttpServerStartTest, AMalformedAddressNamesTheFlag) {
  ConnectHttpServer http("localhost",
                         grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials()));
  EXPECT_THAT(http.Start(), ::clientele::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                                           HasSubstr("--http_listen")));
}

}  // namespace
}  // namespace clientele::gateway
