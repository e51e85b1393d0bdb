// The key store on a real RocksDB: create, list, revoke, persistence, validation, and that
// only a hash of each secret is stored.
#include "gateway/auth/key_store.h"

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/proto_time.h"
#include "gateway/gateway_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

class KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    keys_.reset();
    kv_.reset();
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
  }

  KeySpec Spec(const std::string& name, const std::string& role, double rps = 0) {
    KeySpec spec;
    spec.name = name;
    spec.role = role;
    spec.rps = rps;
    return spec;
  }

  clientele::testing::TempDir dir_;
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<KeyStore> keys_;
};

TEST_F(KeyStoreTest, CreatedKeysAreListedWithoutSecretsAndSurviveReopening) {
  EXPECT_TRUE(keys_->empty());
  absl::StatusOr<NewKey> shop = keys_->CreateKey(Spec("shop", "marketer", 25));
  ASSERT_THAT(shop, IsOk());
  now_ += absl::Seconds(1);
  absl::StatusOr<NewKey> ops = keys_->CreateKey(Spec("ops", "admin"));
  ASSERT_THAT(ops, IsOk());
  EXPECT_EQ(shop->info.name(), "shop");
  EXPECT_EQ(shop->info.role(), "marketer");
  EXPECT_EQ(shop->info.rps(), 25);
  EXPECT_EQ(FromProtoTimestamp(shop->info.created_at()), absl::FromUnixSeconds(1'800'000'000));
  EXPECT_FALSE(shop->info.revoked());
  std::optional<ApiKey> parsed = ParseApiKey(shop->key);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->key_id, shop->info.key_id());

  Reopen();
  EXPECT_FALSE(keys_->empty());
  std::vector<v1::KeyInfo> listed = keys_->ListKeys();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].key_id(), shop->info.key_id());  // Oldest first.
  EXPECT_EQ(listed[1].key_id(), ops->info.key_id());
  EXPECT_EQ(listed[0].rps(), 25);
  EXPECT_THAT(listed[0].DebugString(), Not(HasSubstr(parsed->secret)));
  std::optional<v1::StoredKey> stored = keys_->Find(shop->info.key_id());
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->secret_sha256(), HashSecret(parsed->secret));
}

TEST_F(KeyStoreTest, TheStoreHoldsOnlyAHashOfTheSecret) {
  absl::StatusOr<NewKey> key = keys_->CreateKey(Spec("shop", "marketer"));
  ASSERT_THAT(key, IsOk());
  const std::string secret = ParseApiKey(key->key)->secret;
  std::unique_ptr<storage::KvIterator> it = kv_->NewIterator(kKeysColumnFamily);
  int records = 0;
  for (it->Seek(""); it->Valid(); it->Next(), ++records) {
    EXPECT_EQ(std::string(it->value()).find(secret), std::string::npos);
    EXPECT_NE(std::string(it->value()).find(HashSecret(secret)), std::string::npos);
  }
  EXPECT_EQ(records, 1);
}

TEST_F(KeyStoreTest, RevokedKeysStayRevokedAfterReopening) {
  absl::StatusOr<NewKey> key = keys_->CreateKey(Spec("shop", "marketer"));
  ASSERT_THAT(key, IsOk());
  now_ += absl::Hours(1);
  absl::StatusOr<v1::KeyInfo> revoked = keys_->RevokeKey(key->info.key_id());
  ASSERT_THAT(revoked, IsOk());
  EXPECT_TRUE(revoked->revoked());
  EXPECT_EQ(FromProtoTimestamp(revoked->revoked_at()), now_);
  // Revoking again returns it unchanged.
  now_ += absl::Hours(1);
  absl::StatusOr<v1::KeyInfo> again = keys_->RevokeKey(key->info.key_id());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(FromProtoTimestamp(again->revoked_at()), now_ - absl::Hours(1));
  Reopen();
  EXPECT_TRUE(keys_->Find(key->info.key_id())->info().revoked());
  EXPECT_FALSE(keys_->empty());
}

TEST_F(KeyStoreTest, RevokingAnUnknownKeyIsNotFound) {
  EXPECT_THAT(keys_->RevokeKey("key-0000000000000000"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("key-0000000000000000")));
}

TEST_F(KeyStoreTest, BadSpecsAreRejectedNamingTheField) {
  struct Case {
    KeySpec spec;
    std::string field;
  };
  KeySpec expired = Spec("x", "admin");
  expired.expires_at = now_;
  for (const Case& c : std::vector<Case>{
           {Spec("", "admin"), "name:"},
           {Spec(std::string(201, 'n'), "admin"), "name:"},
           {Spec("tab\there", "admin"), "name:"},
           {Spec("x", ""), "role:"},
           {Spec("x", "root"), "role: 'root' is not a role (one of admin, marketer)"},
           {Spec("x", "admin", -1), "rps:"},
           {Spec("x", "admin", 1e7), "rps:"},
           {Spec("x", "admin", std::nan("")), "rps:"},
           {expired, "expires_at:"},
       }) {
    EXPECT_THAT(keys_->CreateKey(c.spec),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.field)));
  }
  EXPECT_TRUE(keys_->empty());
}

TEST_F(KeyStoreTest, AddKeyRefusesATakenId) {
  absl::StatusOr<ApiKey> key = GenerateApiKey();
  ASSERT_THAT(key, IsOk());
  ASSERT_THAT(keys_->AddKey(*key, Spec("a", "admin")), IsOk());
  EXPECT_THAT(keys_->AddKey(*key, Spec("b", "admin")),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(key->key_id)));
}

TEST_F(KeyStoreTest, ADamagedRecordIsDataLoss) {
  std::unique_ptr<storage::WriteBatch> batch = kv_->NewWriteBatch();
  batch->Put(kKeysColumnFamily, "key-0123456789abcdef", "not a key");
  ASSERT_THAT(kv_->Write(*batch), IsOk());
  KeyStoreOptions options;
  options.roles = {"admin"};
  EXPECT_THAT(KeyStore::Open(kv_.get(), kKeysColumnFamily, options),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("key-0123456789abcdef")));
}

}  // namespace
}  // namespace clientele::gateway
