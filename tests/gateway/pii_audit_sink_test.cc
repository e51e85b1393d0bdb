#include "gateway/pii_audit_sink.h"

#include <memory>

#include "common/storage/rocksdb_store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::testing::ElementsAre;

PiiRead StewardRead() {
  PiiRead read;
  read.time = absl::FromUnixSeconds(1796000000);
  read.key_id = "key-1";
  read.key_name = "data team";
  read.role = "steward";
  read.method = "/clientele.identity.v1.IdentityService/GetProfile";
  read.profile_ids = {"P0000000042"};
  read.fields = {"clientele.common.v1.CustomerUpsert.email",
                 "clientele.common.v1.CustomerUpsert.phone"};
  return read;
}

TEST(AuditEntryOfTest, CopiesEveryPartOfTheRead) {
  const v1::PiiAuditEntry entry = AuditEntryOf(StewardRead());
  EXPECT_EQ(FromProtoTimestamp(entry.at()), absl::FromUnixSeconds(1796000000));
  EXPECT_EQ(entry.key_id(), "key-1");
  EXPECT_EQ(entry.key_name(), "data team");
  EXPECT_EQ(entry.role(), "steward");
  EXPECT_EQ(entry.method(), "/clientele.identity.v1.IdentityService/GetProfile");
  EXPECT_THAT(entry.profile_ids(), ElementsAre("P0000000042"));
  EXPECT_THAT(entry.fields(), ElementsAre("clientele.common.v1.CustomerUpsert.email",
                                          "clientele.common.v1.CustomerUpsert.phone"));
}

TEST(AuditSinkOfTest, AppendsTheReadToTheLogAtItsTime) {
  clientele::testing::TempDir dir;
  storage::RocksDbOptions options;
  options.path = dir.Sub("gateway");
  options.column_families = PiiAuditColumnFamilySpecs();
  auto store = storage::OpenRocksDbStore(options);
  ASSERT_THAT(store, IsOk());
  auto log = PiiAuditLog::Open(store->get(), PiiAuditColumnFamilies::Starting(0));
  ASSERT_THAT(log, IsOk());

  const PiiAuditSink sink = AuditSinkOf(log->get());
  ASSERT_THAT(sink(StewardRead()), IsOk());

  v1::ListPiiAuditRequest request;
  request.set_profile_id("P0000000042");
  auto listed = (*log)->List(request);
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->entries_size(), 1);
  EXPECT_EQ(listed->entries(0).key_id(), "key-1");
  EXPECT_EQ(FromProtoTimestamp(listed->entries(0).at()), absl::FromUnixSeconds(1796000000));
}

}  // namespace
}  // namespace clientele::gateway
