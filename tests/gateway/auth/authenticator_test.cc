// Authentication: good keys, every kind of bad credential (all the same UNAUTHENTICATED),
// client certificates, and the bootstrap admin key.
#include "gateway/auth/authenticator.h"

#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gateway/auth/bootstrap_key.h"
#include "gateway/gateway_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::Eq;

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<storage::KvStore>> kv = OpenGatewayStore(dir_.path());
    ASSERT_THAT(kv, IsOk());
    kv_ = *std::move(kv);
    KeyStoreOptions options;
    options.roles = {"admin", "marketer"};
    options.now = [this] { return now_; };
    absl::StatusOr<std::unique_ptr<KeyStore>> keys =
        KeyStore::Open(kv_.get(), kKeysColumnFamily, options);
    ASSERT_THAT(keys, IsOk());
    keys_ = *std::move(keys);
    authenticator_ = std::make_unique<Authenticator>(keys_.get());
  }

  NewKey Create(const std::string& name, const std::string& role, double rps = 0,
                std::optional<absl::Time> expires_at = std::nullopt) {
    KeySpec spec;
    spec.name = name;
    spec.role = role;
    spec.rps = rps;
    spec.expires_at = expires_at;
    absl::StatusOr<NewKey> key = keys_->CreateKey(spec);
    EXPECT_THAT(key, IsOk());
    return *key;
  }

  absl::StatusOr<Authentication> WithBearer(const std::string& authorization) {
    CallCredentials credentials;
    credentials.authorization = authorization;
    return authenticator_->Authenticate(credentials);
  }

  void ExpectUnauthenticated(const absl::StatusOr<Authentication>& result) {
    EXPECT_THAT(result, StatusIs(absl::StatusCode::kUnauthenticated,
                                 Eq(std::string(kUnauthenticatedMessage))));
  }

  clientele::testing::TempDir dir_;
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<KeyStore> keys_;
  std::unique_ptr<Authenticator> authenticator_;
};

TEST_F(AuthenticatorTest, AValidKeyGivesItsCaller) {
  NewKey key = Create("shop", "marketer", 12);
  absl::StatusOr<Authentication> who = WithBearer("Bearer " + key.key);
  ASSERT_THAT(who, IsOk());
  EXPECT_EQ(who->caller.key_id, key.info.key_id());
  EXPECT_EQ(who->caller.name, "shop");
  EXPECT_EQ(who->caller.role, "marketer");
  EXPECT_FALSE(who->caller.component);
  EXPECT_EQ(who->rps, 12);
  // The scheme is case-insensitive (RFC 7235) and surrounding blanks are ignored.
  EXPECT_THAT(WithBearer("bearer  " + key.key + " "), IsOk());
}

TEST_F(AuthenticatorTest, EveryBadCredentialIsTheSameUnauthenticated) {
  NewKey key = Create("shop", "marketer");
  const ApiKey parts = *ParseApiKey(key.key);
  std::string wrong_secret = parts.secret;
  wrong_secret[0] = wrong_secret[0] == 'a' ? 'b' : 'a';
  absl::StatusOr<ApiKey> unknown = GenerateApiKey();
  ASSERT_THAT(unknown, IsOk());
  for (const std::string& authorization : {
           std::string(""),                                    // Missing.
           std::string("Bearer"),                              // No key.
           std::string("Bearer "),                             // Empty key.
           "Basic " + key.key,                                 // Wrong scheme.
           key.key,                                            // No scheme.
           std::string("Bearer not-a-key"),                    // Malformed.
           "Bearer " + key.key.substr(0, key.key.size() - 1),  // Truncated.
           "Bearer clt_" + parts.key_id + "_" + wrong_secret,  // Wrong secret.
           "Bearer " + unknown->Text(),                        // Unknown id.
       }) {
    SCOPED_TRACE(authorization);
    ExpectUnauthenticated(WithBearer(authorization));
  }
}

TEST_F(AuthenticatorTest, RevokedKeysAreUnauthenticated) {
  NewKey key = Create("shop", "marketer");
  ASSERT_THAT(WithBearer("Bearer " + key.key), IsOk());
  ASSERT_THAT(keys_->RevokeKey(key.info.key_id()), IsOk());
  ExpectUnauthenticated(WithBearer("Bearer " + key.key));
}

TEST_F(AuthenticatorTest, ExpiredKeysAreUnauthenticated) {
  NewKey key = Create("shop", "marketer", 0, now_ + absl::Hours(1));
  now_ += absl::Minutes(59);
  EXPECT_THAT(WithBearer("Bearer " + key.key), IsOk());
  now_ += absl::Minutes(1);
  ExpectUnauthenticated(WithBearer("Bearer " + key.key));
}

TEST_F(AuthenticatorTest, ACertificateMakesAComponentAndAKeyWinsOverIt) {
  CallCredentials credentials;
  credentials.certificate_identity = "identity";
  absl::StatusOr<Authentication> who = authenticator_->Authenticate(credentials);
  ASSERT_THAT(who, IsOk());
  EXPECT_TRUE(who->caller.component);
  EXPECT_EQ(who->caller.name, "identity");
  EXPECT_EQ(who->caller.role, "component");
  EXPECT_TRUE(who->caller.key_id.empty());

  NewKey key = Create("person", "marketer");
  const std::string authorization = "Bearer " + key.key;
  credentials.authorization = authorization;
  who = authenticator_->Authenticate(credentials);
  ASSERT_THAT(who, IsOk());
  EXPECT_FALSE(who->caller.component);
  EXPECT_EQ(who->caller.role, "marketer");
  // A bad key is not rescued by the certificate.
  const std::string bad = "Bearer nonsense";
  credentials.authorization = bad;
  ExpectUnauthenticated(authenticator_->Authenticate(credentials));
}

TEST_F(AuthenticatorTest, BootstrapWritesAPrivateAdminKeyOnceAndItAuthenticates) {
  const std::string data_dir = dir_.Sub("data");
  absl::StatusOr<std::optional<std::string>> path = EnsureBootstrapAdminKey(*keys_, data_dir);
  ASSERT_THAT(path, IsOk());
  ASSERT_TRUE(path->has_value());
  EXPECT_EQ(**path, data_dir + "/bootstrap-admin.key");
  struct stat info {};
  ASSERT_EQ(::stat((*path)->c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  std::ifstream file(**path);
  std::stringstream text;
  text << file.rdbuf();
  const std::string key(absl::StripTrailingAsciiWhitespace(text.str()));
  absl::StatusOr<Authentication> who = WithBearer("Bearer " + key);
  ASSERT_THAT(who, IsOk());
  EXPECT_EQ(who->caller.role, "admin");
  EXPECT_EQ(who->caller.name, "bootstrap-admin");

  // The store has a key now: nothing more is written.
  ASSERT_EQ(std::remove((*path)->c_str()), 0);
  absl::StatusOr<std::optional<std::string>> again = EnsureBootstrapAdminKey(*keys_, data_dir);
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(again->has_value());
  EXPECT_NE(::stat((*path)->c_str(), &info), 0);
}

TEST_F(AuthenticatorTest, BootstrapReplacesALeftoverFileInsteadOfReusingItsMode) {
  const std::string path = dir_.Sub("bootstrap-admin.key");
  { std::ofstream(path) << "old\n"; }
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  absl::StatusOr<std::optional<std::string>> written = EnsureBootstrapAdminKey(*keys_, dir_.path());
  ASSERT_THAT(written, IsOk());
  ASSERT_TRUE(written->has_value());
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
}

TEST_F(AuthenticatorTest, BootstrapStoresNoKeyWhenTheFileCannotBeWritten) {
  // A directory where the file should be: the file cannot be created.
  const std::string data_dir = dir_.Sub("data");
  std::filesystem::create_directories(data_dir + "/bootstrap-admin.key/x");
  EXPECT_FALSE(EnsureBootstrapAdminKey(*keys_, data_dir).ok());
  EXPECT_TRUE(keys_->empty());
}

}  // namespace
}  // namespace clientele::gateway
