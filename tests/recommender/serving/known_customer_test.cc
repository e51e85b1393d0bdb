// Recommend's check of a customer its snapshot does not know (recommender/serving/
// known_customer.h), over a real store and the in-memory identity client: seen source keys,
// profiles identity knows, identity behind the recommender or unreachable, and no identity.
#include "recommender/serving/known_customer.h"

#include <memory>
#include <string>

#include "common/storage/key_encoding.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/client/fake_identity_client.h"
#include "recommender/recommender_schema.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

common::v1::SourceKey Key(const std::string& system, const std::string& id) {
  common::v1::SourceKey key;
  key.set_system(system);
  key.set_id(id);
  return key;
}

class KnownCustomerTest : public ::testing::Test {
 protected:
  KnownCustomerTest() {
    storage::RocksDbOptions db;
    db.path = dir_.Sub("recommender");
    db.column_families = RecommenderColumnFamilies();
    kv_ = std::move(storage::OpenRocksDbStore(db)).value();
    store_ = std::make_unique<RecommenderStore>(kv_.get());
    // The store has seen web:a and applied partition 0 through sequence 7.
    auto batch = kv_->NewWriteBatch();
    store_->PutCustomer(*batch, Key("web", "a"));
    std::string progress = "applied/recommender";
    progress.push_back('\0');
    storage::AppendUint32(progress, 0);
    batch->Put(kMetaCf, progress, storage::EncodeUint64(7));
    EXPECT_THAT(kv_->Write(*batch), IsOk());
    identity_->AddKnownProfile("P1");
    known_ = KnownCustomerWithIdentity(store_.get(), [this] { return identity_; });
  }

  bool Known(const std::string& who, bool by_source_key) {
    absl::StatusOr<bool> known = known_(who, by_source_key);
    EXPECT_THAT(known, IsOk()) << who;
    return known.value_or(false);
  }

  clientele::testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<RecommenderStore> store_;
  std::shared_ptr<identity::FakeIdentityClient> identity_ =
      std::make_shared<identity::FakeIdentityClient>();
  KnownCustomerFn known_;
};

TEST_F(KnownCustomerTest, ASeenSourceKeyIsKnownWithoutAskingIdentity) {
  EXPECT_TRUE(Known("web/a", /*by_source_key=*/true));
  EXPECT_TRUE(Known("web/a", /*by_source_key=*/false));  // Its text as a profile id.
  EXPECT_FALSE(Known("web/b", /*by_source_key=*/true));
  EXPECT_EQ(identity_->calls(), 0);
}

TEST_F(KnownCustomerTest, AProfileIdentityKnowsIsKnownAndAnUnknownOneIsNotOnceIdentityCaughtUp) {
  EXPECT_TRUE(Known("P1", false));
  identity_->SetApplied({{0, 7}});
  EXPECT_FALSE(Known("P2", false));
}

TEST_F(KnownCustomerTest, AnIdentityBehindTheRecommenderCannotSayAProfileIsUnknown) {
  identity_->SetApplied({{0, 3}});  // Replaying the log: P2 may come.
  EXPECT_THAT(known_("P2", false),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("the caller through 7")));
  EXPECT_TRUE(Known("P1", false));  // What it knows already is known.
}

TEST_F(KnownCustomerTest, AnUnreachableIdentityFailsTheLookup) {
  identity_->FailWith(absl::UnavailableError("identity (looking up profile_id 'P1'): down"));
  EXPECT_THAT(known_("P1", false), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("down")));
}

TEST_F(KnownCustomerTest, WithoutIdentityOnlySeenSourceKeysAreKnown) {
  KnownCustomerFn known = KnownCustomerWithIdentity(store_.get(), [] { return nullptr; });
  absl::StatusOr<bool> p1 = known("P1", false);
  ASSERT_THAT(p1, IsOk());
  EXPECT_FALSE(*p1);
  absl::StatusOr<bool> seen = known("web/a", false);
  ASSERT_THAT(seen, IsOk());
  EXPECT_TRUE(*seen);
}

}  // namespace
}  // namespace clientele::recommender
