// OpenGatewaySecurity: one call builds the policy over the gateway store, with the bootstrap
// admin key on a fresh store (and not on the next start).
#include "gateway/gateway_security.h"

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gateway/gateway_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

GatewaySecurityOptions Options(storage::KvStore* store, const std::string& data_dir) {
  GatewaySecurityOptions options;
  options.store = store;
  options.data_dir = data_dir;
  options.rate_limit_rps = 100;
  options.pii.may_carry_pii = [](const google::protobuf::Descriptor*) { return false; };
  options.pii.mask_pii = [](google::protobuf::Message&) { return PiiReport(); };
  options.pii.find_pii = [](const google::protobuf::Message&) { return PiiReport(); };
  options.audit = [](const PiiRead&) { return absl::OkStatus(); };
  return options;
}

TEST(GatewaySecurityTest, AFreshStoreGetsABootstrapAdminKeyThatTheNextStartKeeps) {
  clientele::testing::TempDir dir;
  std::string path;
  {
    absl::StatusOr<std::unique_ptr<storage::KvStore>> store =
        OpenGatewayStore(dir.path(), {{"pii_audit"}});
    ASSERT_THAT(store, IsOk());
    absl::StatusOr<std::unique_ptr<GatewaySecurity>> security =
        OpenGatewaySecurity(Options(store->get(), dir.path()));
    ASSERT_THAT(security, IsOk());
    ASSERT_TRUE((*security)->bootstrap_key_path.has_value());
    path = *(*security)->bootstrap_key_path;
    EXPECT_EQ(path, dir.Sub("bootstrap-admin.key"));
  }
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  const std::string authorization = "Bearer " + std::string(absl::StripAsciiWhitespace(text.str()));

  absl::StatusOr<std::unique_ptr<storage::KvStore>> store =
      OpenGatewayStore(dir.path(), {{"pii_audit"}});
  ASSERT_THAT(store, IsOk());
  absl::StatusOr<std::unique_ptr<GatewaySecurity>> security =
      OpenGatewaySecurity(Options(store->get(), dir.path()));
  ASSERT_THAT(security, IsOk());
  EXPECT_FALSE((*security)->bootstrap_key_path.has_value());
  CallCredentials credentials;
  credentials.authorization = authorization;
  absl::StatusOr<Caller> caller =
      (*security)->policy->Admit(credentials, "/clientele.gateway.v1.KeyService/CreateKey");
  ASSERT_THAT(caller, IsOk());
  EXPECT_EQ(caller->role, "admin");
  EXPECT_EQ((*security)->keys->ListKeys().size(), 1u);
}

TEST(GatewaySecurityTest, MissingPartsAndBadRatesAreRejected) {
  clientele::testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<storage::KvStore>> store = OpenGatewayStore(dir.path());
  ASSERT_THAT(store, IsOk());
  GatewaySecurityOptions options = Options(store->get(), dir.path());
  options.rate_limit_rps = -1;
  EXPECT_THAT(OpenGatewaySecurity(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--rate_limit_rps")));
  options = Options(nullptr, dir.path());
  EXPECT_THAT(OpenGatewaySecurity(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("store")));
  options = Options(store->get(), dir.path());
  options.audit = nullptr;
  EXPECT_THAT(OpenGatewaySecurity(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("audit")));
}

}  // namespace
}  // namespace clientele::gateway
