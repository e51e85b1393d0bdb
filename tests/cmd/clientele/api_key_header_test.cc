// The clients send the API key: `clientele` (the keys commands, as a user runs them, with the
// key from --api-key, --api-key-file or CLIENTELE_API_KEY) and clientele-load's channels, each
// against a KeyService on 127.0.0.1:0 whose server records every call's authorization header.
#include <stdlib.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "clientele/gateway/v1/keys.grpc.pb.h"
#include "cmd/clientele-load/load_runner.h"
#include "common/testing/child_process.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gateway/gateway_store.h"
#include "gateway/key_service.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/server_interceptor.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace clientele {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::RunCommand;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Records the authorization header of every call ("" when absent).
class HeaderLog {
 public:
  void Add(std::string value) {
    absl::MutexLock lock(&mu_);
    values_.push_back(std::move(value));
  }
  std::vector<std::string> Take() {
    absl::MutexLock lock(&mu_);
    return std::move(values_);
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> values_ ABSL_GUARDED_BY(mu_);
};

class RecordingInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit RecordingInterceptor(HeaderLog* log) : log_(log) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      std::string value;
      for (const auto& [key, val] : *methods->GetRecvInitialMetadata()) {
        if (std::string(key.data(), key.size()) == "authorization") {
          value = std::string(val.data(), val.size());
        }
      }
      log_->Add(value);
    }
    methods->Proceed();
  }

 private:
  HeaderLog* const log_;
};

class RecordingFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RecordingFactory(HeaderLog* log) : log_(log) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo*) override {
    return new RecordingInterceptor(log_);
  }

 private:
  HeaderLog* const log_;
};

std::string Cli() { return std::string(CLT_BIN_DIR) + "/clientele"; }

class ApiKeyHeaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<storage::KvStore>> kv = gateway::OpenGatewayStore(dir_.path());
    ASSERT_THAT(kv, IsOk());
    kv_ = *std::move(kv);
    gateway::KeyStoreOptions options;
    options.roles = {"admin", "marketer"};
    absl::StatusOr<std::unique_ptr<gateway::KeyStore>> keys =
        gateway::KeyStore::Open(kv_.get(), gateway::kKeysColumnFamily, options);
    ASSERT_THAT(keys, IsOk());
    keys_ = *std::move(keys);
    service_ = std::make_unique<gateway::KeyServiceImpl>(keys_.get(), nullptr);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
    factories.push_back(std::make_unique<RecordingFactory>(&headers_));
    builder.experimental().SetInterceptorCreators(std::move(factories));
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    address_ = "127.0.0.1:" + std::to_string(port);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    unsetenv("CLIENTELE_API_KEY");
  }

  clientele::testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<gateway::KeyStore> keys_;
  std::unique_ptr<gateway::KeyServiceImpl> service_;
  HeaderLog headers_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

TEST_F(ApiKeyHeaderTest, TheCliSendsTheKeyFromItsFlagFileOrEnvironment) {
  testing::CommandResult created =
      RunCommand({Cli(), "--server=" + address_, "--api-key=clt_from_flag", "keys", "create",
                  "--role=marketer", "--name=shop", "--rps=5", "--json"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  nlohmann::json key = nlohmann::json::parse(created.out, nullptr, false);
  ASSERT_TRUE(key.is_object()) << created.out;
  EXPECT_EQ(key["role"], "marketer");
  EXPECT_EQ(key["name"], "shop");
  EXPECT_EQ(key["rps"], 5);
  const std::string key_id = key["key_id"];
  EXPECT_THAT(key["key"].get<std::string>(), HasSubstr("clt_" + key_id + "_"));
  EXPECT_THAT(headers_.Take(), ElementsAre("Bearer clt_from_flag"));

  const std::string file = dir_.Sub("key");
  std::ofstream(file) << "clt_from_file\n";
  testing::CommandResult listed = RunCommand(
      {Cli(), "--server=" + address_, "--api-key-file=" + file, "keys", "list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  nlohmann::json line = nlohmann::json::parse(listed.out, nullptr, false);
  ASSERT_TRUE(line.is_object()) << listed.out;
  EXPECT_EQ(line["key_id"], key_id);
  EXPECT_FALSE(line.contains("key"));
  EXPECT_FALSE(line.contains("secret_sha256"));
  EXPECT_THAT(headers_.Take(), ElementsAre("Bearer clt_from_file"));

  setenv("CLIENTELE_API_KEY", "clt_from_env", 1);
  testing::CommandResult revoked =
      RunCommand({Cli(), "--server=" + address_, "keys", "revoke", key_id});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_THAT(revoked.out, HasSubstr("revoked"));
  EXPECT_THAT(headers_.Take(), ElementsAre("Bearer clt_from_env"));
  EXPECT_TRUE(keys_->Find(key_id)->info().revoked());
}

TEST_F(ApiKeyHeaderTest, WithoutAKeyNoHeaderIsSent) {
  testing::CommandResult listed = RunCommand({Cli(), "--server=" + address_, "keys", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(headers_.Take(), ElementsAre(""));
}

TEST_F(ApiKeyHeaderTest, BadKeySourcesAreUsageErrors) {
  testing::CommandResult both = RunCommand({Cli(), "--server=" + address_, "--api-key=a",
                                            "--api-key-file=" + dir_.Sub("k"), "keys", "list"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.err, HasSubstr("--api-key excludes --api-key-file"));
  testing::CommandResult missing = RunCommand(
      {Cli(), "--server=" + address_, "--api-key-file=" + dir_.Sub("missing"), "keys", "list"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("--api-key-file: cannot read"));
  testing::CommandResult no_role =
      RunCommand({Cli(), "--server=" + address_, "keys", "create", "--name=x"});
  EXPECT_EQ(no_role.exit_code, 2);
  EXPECT_THAT(no_role.err, HasSubstr("--role"));
  EXPECT_TRUE(headers_.Take().empty());  // Nothing was sent.
}

TEST_F(ApiKeyHeaderTest, AServerErrorIsAFailedCall) {
  testing::CommandResult bad =
      RunCommand({Cli(), "--server=" + address_, "keys", "create", "--role=root", "--name=x"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("INVALID_ARGUMENT: role: 'root' is not a role"));
}

TEST_F(ApiKeyHeaderTest, LoadChannelsSendTheKeyOnEveryCall) {
  std::vector<std::shared_ptr<grpc::Channel>> channels =
      load::MakeChannels(address_, 2, nullptr, "clt_load_key");
  ASSERT_EQ(channels.size(), 2u);
  for (const std::shared_ptr<grpc::Channel>& channel : channels) {
    auto stub = gateway::v1::KeyService::NewStub(channel);
    for (int i = 0; i < 2; ++i) {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
      gateway::v1::ListKeysResponse response;
      ASSERT_TRUE(stub->ListKeys(&context, gateway::v1::ListKeysRequest(), &response).ok());
    }
  }
  EXPECT_THAT(headers_.Take(), ElementsAre("Bearer clt_load_key", "Bearer clt_load_key",
                                           "Bearer clt_load_key", "Bearer clt_load_key"));
}

}  // namespace
}  // namespace clientele
