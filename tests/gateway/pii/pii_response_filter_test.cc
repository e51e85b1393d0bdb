#include "gateway/pii/pii_response_filter.h"

#include <memory>
#include <string>
#include <vector>

#include "clientele/identity/v1/identity.pb.h"
#include "clientele/recommender/v1/recommender.pb.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kGetProfile[] = "/clientele.identity.v1.IdentityService/GetProfile";

identity::v1::GetProfileResponse ProfileWithPii() {
  identity::v1::GetProfileResponse response;
  response.mutable_profile()->set_profile_id("P0000000042");
  auto& record = *response.mutable_profile()->mutable_golden()->mutable_record();
  record.set_email("ayse@example.com");
  record.set_phone("+905321234567");
  record.set_family_name("Yıldız");
  return response;
}

Caller Steward() { return {"key-1", "data team", "steward", false}; }
Caller Marketer() { return {"key-2", "campaigns", "marketer", false}; }
Caller Component() { return {"", "identity", "", true}; }

// Fails every write, as a full or broken disk would.
class FailingWrites : public storage::KvStore {
 public:
  explicit FailingWrites(storage::KvStore* base) : base_(base) {}
  std::unique_ptr<storage::WriteBatch> NewWriteBatch() const override {
    return base_->NewWriteBatch();
  }
  absl::Status Write(storage::WriteBatch&) override {
    return absl::InternalError("store gateway: IO error: No space left on device");
  }
  absl::StatusOr<std::optional<std::string>> Get(storage::ColumnFamilyId cf,
                                                 std::string_view key) const override {
    return base_->Get(cf, key);
  }
  std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      storage::ColumnFamilyId cf, const std::vector<std::string>& keys) const override {
    return base_->MultiGet(cf, keys);
  }
  std::unique_ptr<storage::KvIterator> NewIterator(storage::ColumnFamilyId cf,
                                                   storage::IteratorBounds bounds) const override {
    return base_->NewIterator(cf, std::move(bounds));
  }
  absl::Status Flush() override { return base_->Flush(); }

 private:
  storage::KvStore* const base_;
};

class PiiResponseFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::RocksDbOptions options;
    options.path = dir_.Sub("gateway");
    options.column_families = PiiAuditColumnFamilySpecs();
    auto store = storage::OpenRocksDbStore(options);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
    auto log = PiiAuditLog::Open(store_.get(), PiiAuditColumnFamilies::Starting(0));
    ASSERT_THAT(log, IsOk());
    log_ = *std::move(log);
  }

  std::vector<v1::PiiAuditEntry> Audit() {
    auto page = log_->List({});
    EXPECT_THAT(page, IsOk());
    return page.ok()
               ? std::vector<v1::PiiAuditEntry>(page->entries().begin(), page->entries().end())
               : std::vector<v1::PiiAuditEntry>{};
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<PiiAuditLog> log_;
};

TEST_F(PiiResponseFilterTest, MasksForARoleWithoutPiiReadAndAuditsNothing) {
  PiiResponseFilter filter(log_.get());
  identity::v1::GetProfileResponse response = ProfileWithPii();
  ASSERT_THAT(filter.Filter(Marketer(), kGetProfile, /*may_read_pii=*/false, response), IsOk());
  const auto& record = response.profile().golden().record();
  EXPECT_EQ(record.email(), "a***@example.com");
  EXPECT_EQ(record.phone(), "***********67");
  EXPECT_EQ(record.family_name(), "Y***");
  EXPECT_THAT(Audit(), IsEmpty());
}

TEST_F(PiiResponseFilterTest, AuditsAnUnmaskedRead) {
  PiiResponseFilter filter(log_.get());
  identity::v1::GetProfileResponse response = ProfileWithPii();
  ASSERT_THAT(filter.Filter(Steward(), kGetProfile, /*may_read_pii=*/true, response), IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(response, ProfileWithPii()));  // Unmasked.
  std::vector<v1::PiiAuditEntry> audit = Audit();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].key_id(), "key-1");
  EXPECT_EQ(audit[0].key_name(), "data team");
  EXPECT_EQ(audit[0].role(), "steward");
  EXPECT_EQ(audit[0].method(), kGetProfile);
  EXPECT_THAT(audit[0].profile_ids(), ElementsAre("P0000000042"));
  EXPECT_THAT(audit[0].fields(), ElementsAre("clientele.common.v1.CustomerUpsert.email",
                                             "clientele.common.v1.CustomerUpsert.phone",
                                             "clientele.common.v1.CustomerUpsert.family_name"));
}

TEST_F(PiiResponseFilterTest, AResponseWithoutPiiIsNotAudited) {
  PiiResponseFilter filter(log_.get());
  identity::v1::GetProfileResponse response;
  response.mutable_profile()->set_profile_id("P0000000042");  // No PII field set.
  ASSERT_THAT(filter.Filter(Steward(), kGetProfile, true, response), IsOk());
  EXPECT_THAT(Audit(), IsEmpty());
}

TEST_F(PiiResponseFilterTest, ComponentsReadUnmaskedAndUnaudited) {
  PiiResponseFilter filter(log_.get());
  identity::v1::GetProfileResponse response = ProfileWithPii();
  ASSERT_THAT(filter.Filter(Component(), kGetProfile, false, response), IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(response, ProfileWithPii()));
  EXPECT_THAT(Audit(), IsEmpty());
  EXPECT_FALSE(filter.Inspects(Component(), identity::v1::GetProfileResponse::descriptor()));
}

TEST_F(PiiResponseFilterTest, InspectsOnlyTypesThatMayCarryPii) {
  PiiResponseFilter filter(log_.get());
  EXPECT_TRUE(filter.Inspects(Marketer(), identity::v1::GetProfileResponse::descriptor()));
  EXPECT_TRUE(filter.Inspects(Steward(), identity::v1::GetProfileResponse::descriptor()));
  EXPECT_FALSE(filter.Inspects(Marketer(), recommender::v1::RecommendResponse::descriptor()));
  EXPECT_TRUE(filter.Inspects(Marketer(), nullptr));  // Unknown: fail closed.
}

TEST_F(PiiResponseFilterTest, AnAuditThatCannotBeWrittenFailsTheResponse) {
  FailingWrites failing(store_.get());
  auto log = PiiAuditLog::Open(&failing, PiiAuditColumnFamilies::Starting(0));
  ASSERT_THAT(log, IsOk());
  PiiResponseFilter filter(log->get());
  identity::v1::GetProfileResponse response = ProfileWithPii();
  EXPECT_THAT(filter.Filter(Steward(), kGetProfile, true, response),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("audit")));
  // Masking needs no audit: it still works.
  EXPECT_THAT(filter.Filter(Marketer(), kGetProfile, false, response), IsOk());
}

}  // namespace
}  // namespace clientele::gateway
