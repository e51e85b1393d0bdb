// KeyService over a real key store, called through a real gRPC server on 127.0.0.1:0.
#include "gateway/key_service.h"

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gateway/auth/authenticator.h"
#include "gateway/gateway_store.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::testing::HasSubstr;

class KeyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<storage::KvStore>> kv = OpenGatewayStore(dir_.path());
    ASSERT_THAT(kv, IsOk());
    kv_ = *std::move(kv);
    KeyStoreOptions options;
    options.roles = {"admin", "marketer"};
    absl::StatusOr<std::unique_ptr<KeyStore>> keys =
        KeyStore::Open(kv_.get(), kKeysColumnFamily, options);
    ASSERT_THAT(keys, IsOk());
    keys_ = *std::move(keys);
    service_ = std::make_unique<KeyServiceImpl>(keys_.get(), nullptr);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::KeyService::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                        grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  grpc::Status Create(const std::string& name, const std::string& role, double rps,
                      v1::CreateKeyResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::CreateKeyRequest request;
    request.set_name(name);
    request.set_role(role);
    request.set_rps(rps);
    return stub_->CreateKey(&context, request, response);
  }

  clientele::testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<KeyStore> keys_;
  std::unique_ptr<KeyServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::KeyService::Stub> stub_;
};

TEST_F(KeyServiceTest, CreateListRevoke) {
  v1::CreateKeyResponse created;
  ASSERT_TRUE(Create("shop", "marketer", 7, &created).ok());
  EXPECT_EQ(created.role(), "marketer");
  EXPECT_EQ(created.info().name(), "shop");
  EXPECT_EQ(created.info().rps(), 7);
  std::optional<ApiKey> key = ParseApiKey(created.key());
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->key_id, created.key_id());
  Authenticator authenticator(keys_.get());
  const std::string authorization = "Bearer " + created.key();
  CallCredentials credentials;
  credentials.authorization = authorization;
  EXPECT_THAT(authenticator.Authenticate(credentials), IsOk());

  grpc::ClientContext list_context;
  v1::ListKeysResponse listed;
  ASSERT_TRUE(stub_->ListKeys(&list_context, v1::ListKeysRequest(), &listed).ok());
  ASSERT_EQ(listed.keys_size(), 1);
  EXPECT_EQ(listed.keys(0).key_id(), created.key_id());
  // No secret and no hash in the listing.
  const std::string bytes = listed.SerializeAsString();
  EXPECT_EQ(bytes.find(key->secret), std::string::npos);
  EXPECT_EQ(bytes.find(HashSecret(key->secret)), std::string::npos);

  grpc::ClientContext revoke_context;
  v1::RevokeKeyRequest revoke;
  revoke.set_key_id(created.key_id());
  v1::RevokeKeyResponse revoked;
  ASSERT_TRUE(stub_->RevokeKey(&revoke_context, revoke, &revoked).ok());
  EXPECT_TRUE(revoked.key().revoked());
  EXPECT_FALSE(authenticator.Authenticate(credentials).ok());
}

TEST_F(KeyServiceTest, BadRequestsNameTheField) {
  v1::CreateKeyResponse created;
  grpc::Status status = Create("shop", "root", 0, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("role: 'root' is not a role"));
  status = Create("", "admin", 0, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("name:"));

  grpc::ClientContext context;
  v1::CreateKeyRequest request;
  request.set_name("x");
  request.set_role("admin");
  request.mutable_expires_at()->set_nanos(-1);
  status = stub_->CreateKey(&context, request, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("expires_at"));

  for (const std::string& id : {std::string(""), std::string("key-0000000000000000")}) {
    grpc::ClientContext revoke_context;
    v1::RevokeKeyRequest revoke;
    revoke.set_key_id(id);
    v1::RevokeKeyResponse revoked;
    status = stub_->RevokeKey(&revoke_context, revoke, &revoked);
    EXPECT_EQ(status.error_code(),
              id.empty() ? grpc::StatusCode::INVALID_ARGUMENT : grpc::StatusCode::NOT_FOUND);
    EXPECT_THAT(status.error_message(), HasSubstr("key_id"));
  }
}

}  // namespace
}  // namespace clientele::gateway
