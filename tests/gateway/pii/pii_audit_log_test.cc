#include "gateway/pii/pii_audit_log.h"

#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A store shared with another user of the gateway's store (API keys): the audit's families
// come after that user's.
std::vector<storage::ColumnFamilySpec> GatewayFamilies() {
  std::vector<storage::ColumnFamilySpec> specs = {{"api_keys", true}};
  for (const auto& spec : PiiAuditColumnFamilySpecs()) specs.push_back(spec);
  return specs;
}

v1::PiiAuditEntry Entry(
    const std::string& key_id, std::vector<std::string> profile_ids,
    const std::string& method = "/clientele.identity.v1.IdentityService/GetProfile") {
  v1::PiiAuditEntry entry;
  entry.set_key_id(key_id);
  entry.set_key_name("name of " + key_id);
  entry.set_role("steward");
  entry.set_method(method);
  for (auto& id : profile_ids) entry.add_profile_ids(id);
  entry.add_fields("clientele.common.v1.CustomerUpsert.email");
  return entry;
}

class PiiAuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    log_.reset();
    store_.reset();
    storage::RocksDbOptions options;
    options.path = dir_.Sub("gateway");
    options.column_families = GatewayFamilies();
    auto store = storage::OpenRocksDbStore(options);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
    auto log = PiiAuditLog::Open(store_.get(), PiiAuditColumnFamilies::Starting(1),
                                 [this] { return Now(); });
    ASSERT_THAT(log, IsOk());
    log_ = *std::move(log);
  }

  absl::Time Now() {
    absl::MutexLock lock(&mutex_);
    return now_;
  }
  void SetNow(absl::Time t) {
    absl::MutexLock lock(&mutex_);
    now_ = t;
  }

  // Every entry matching the filters, through pages of `page_size`.
  std::vector<v1::PiiAuditEntry> ListAll(v1::ListPiiAuditRequest request, int page_size,
                                         int* pages = nullptr) {
    std::vector<v1::PiiAuditEntry> out;
    request.set_page_size(page_size);
    int count = 0;
    do {
      auto page = log_->List(request);
      EXPECT_THAT(page, IsOk());
      if (!page.ok()) break;
      ++count;
      EXPECT_LE(page->entries_size(), page_size);
      for (const auto& e : page->entries()) out.push_back(e);
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty() && count < 1000);
    if (pages != nullptr) *pages = count;
    return out;
  }

  static std::vector<uint64_t> Sequences(const std::vector<v1::PiiAuditEntry>& entries) {
    std::vector<uint64_t> out;
    for (const auto& e : entries) out.push_back(e.sequence());
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<PiiAuditLog> log_;
  absl::Mutex mutex_;
  absl::Time now_ ABSL_GUARDED_BY(mutex_) = absl::FromUnixSeconds(1'800'000'000);
};

TEST_F(PiiAuditLogTest, AppendsEntriesStampedWithTimeAndSequence) {
  v1::PiiAuditEntry given = Entry("key-a", {"P0000000001", "P0000000002"});
  given.set_sequence(999);  // Ignored: the log numbers entries.
  ASSERT_THAT(log_->Append(given), IsOk());
  SetNow(Now() + absl::Seconds(1));
  ASSERT_THAT(log_->Append(Entry("key-b", {})), IsOk());

  auto page = log_->List({});
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->entries_size(), 2);
  const v1::PiiAuditEntry& first = page->entries(0);
  EXPECT_EQ(first.sequence(), 1u);
  EXPECT_EQ(FromProtoTimestamp(first.at()), absl::FromUnixSeconds(1'800'000'000));
  EXPECT_EQ(first.key_id(), "key-a");
  EXPECT_EQ(first.key_name(), "name of key-a");
  EXPECT_EQ(first.role(), "steward");
  EXPECT_EQ(first.method(), "/clientele.identity.v1.IdentityService/GetProfile");
  EXPECT_THAT(first.profile_ids(), ElementsAre("P0000000001", "P0000000002"));
  EXPECT_THAT(first.fields(), ElementsAre("clientele.common.v1.CustomerUpsert.email"));
  EXPECT_EQ(page->entries(1).sequence(), 2u);
  EXPECT_EQ(page->entries(1).key_id(), "key-b");
  EXPECT_THAT(page->next_page_token(), IsEmpty());
}

TEST_F(PiiAuditLogTest, KeepsTheTimeOfTheReadWhenGiven) {
  v1::PiiAuditEntry given = Entry("key-a", {"P1"});
  const absl::Time read_at = Now() - absl::Milliseconds(3);
  ToProtoTimestamp(read_at, given.mutable_at());
  ASSERT_THAT(log_->Append(given), IsOk());
  auto page = log_->List({});
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->entries_size(), 1);
  EXPECT_EQ(FromProtoTimestamp(page->entries(0).at()), read_at);
}

TEST_F(PiiAuditLogTest, FiltersByKeyProfileAndSinceWithPaging) {
  // 30 entries, one second apart: keys a, b, c in turn; profile P1 on even ones, P2 on all.
  const absl::Time start = Now();
  for (int i = 0; i < 30; ++i) {
    SetNow(start + absl::Seconds(i));
    std::vector<std::string> profiles = {"P2"};
    if (i % 2 == 0) profiles.push_back("P1");
    ASSERT_THAT(log_->Append(Entry(std::string("key-") + char('a' + i % 3), profiles)), IsOk());
  }
  int pages = 0;
  std::vector<v1::PiiAuditEntry> all = ListAll({}, 7, &pages);
  EXPECT_EQ(all.size(), 30u);
  EXPECT_EQ(pages, 5);  // 7+7+7+7+2
  std::vector<uint64_t> expected;
  for (uint64_t s = 1; s <= 30; ++s) expected.push_back(s);
  EXPECT_EQ(Sequences(all), expected);  // Oldest first, each once.

  v1::ListPiiAuditRequest by_key;
  by_key.set_key_id("key-b");
  std::vector<v1::PiiAuditEntry> b = ListAll(by_key, 3);
  EXPECT_EQ(b.size(), 10u);
  for (const auto& e : b) EXPECT_EQ(e.key_id(), "key-b");

  v1::ListPiiAuditRequest by_profile;
  by_profile.set_profile_id("P1");
  std::vector<v1::PiiAuditEntry> p1 = ListAll(by_profile, 4);
  EXPECT_EQ(p1.size(), 15u);
  for (const auto& e : p1) EXPECT_EQ(e.sequence() % 2, 1u);  // Entries 0, 2, ... (seq 1, 3, ...).

  // Both: key-a's entries about P1 (i = 0, 6, 12, 18, 24).
  v1::ListPiiAuditRequest both = by_profile;
  both.set_key_id("key-a");
  EXPECT_EQ(Sequences(ListAll(both, 2)), (std::vector<uint64_t>{1, 7, 13, 19, 25}));

  v1::ListPiiAuditRequest since;
  ToProtoTimestamp(start + absl::Seconds(25), since.mutable_since());
  EXPECT_EQ(Sequences(ListAll(since, 100)), (std::vector<uint64_t>{26, 27, 28, 29, 30}));
  since.set_key_id("key-c");  // i = 26, 29
  EXPECT_EQ(Sequences(ListAll(since, 1)), (std::vector<uint64_t>{27, 30}));

  v1::ListPiiAuditRequest nobody;
  nobody.set_profile_id("P9");
  EXPECT_THAT(ListAll(nobody, 10), IsEmpty());
  nobody.set_profile_id("P");  // A prefix of other ids matches none of them.
  EXPECT_THAT(ListAll(nobody, 10), IsEmpty());
}

TEST_F(PiiAuditLogTest, EntriesOfOneInstantKeepTheirOrder) {
  for (int i = 0; i < 5; ++i) ASSERT_THAT(log_->Append(Entry("key-a", {"P1"})), IsOk());
  v1::ListPiiAuditRequest request;
  request.set_profile_id("P1");
  EXPECT_EQ(Sequences(ListAll(request, 2)), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
}

TEST_F(PiiAuditLogTest, SurvivesReopenAndGoesOnNumbering) {
  ASSERT_THAT(log_->Append(Entry("key-a", {"P1"})), IsOk());
  ASSERT_THAT(log_->Append(Entry("key-a", {"P1"})), IsOk());
  Open();
  ASSERT_THAT(log_->Append(Entry("key-a", {"P1"})), IsOk());
  v1::ListPiiAuditRequest request;
  request.set_key_id("key-a");
  EXPECT_EQ(Sequences(ListAll(request, 10)), (std::vector<uint64_t>{1, 2, 3}));
}

TEST_F(PiiAuditLogTest, RejectsBadRequestsNamingTheField) {
  v1::ListPiiAuditRequest request;
  request.set_page_size(-1);
  EXPECT_THAT(log_->List(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  request.set_page_size(0);
  request.set_page_token("not-a-token");
  EXPECT_THAT(log_->List(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  request.clear_page_token();
  request.mutable_since()->set_nanos(-5);
  EXPECT_THAT(log_->List(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("since")));
}

TEST_F(PiiAuditLogTest, ConcurrentAppendsGetDistinctSequences) {
  constexpr int kThreads = 4, kEach = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kEach; ++i) {
        EXPECT_THAT(log_->Append(Entry("key-" + std::to_string(t), {"P1"})), IsOk());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<v1::PiiAuditEntry> all = ListAll({}, 1000);
  ASSERT_EQ(all.size(), size_t{kThreads * kEach});
  std::set<uint64_t> distinct;
  for (const auto& e : all) distinct.insert(e.sequence());
  EXPECT_EQ(distinct.size(), all.size());
  v1::ListPiiAuditRequest by_key;
  by_key.set_key_id("key-2");
  EXPECT_EQ(ListAll(by_key, 7).size(), size_t{kEach});
}

}  // namespace
}  // namespace clientele::gateway
