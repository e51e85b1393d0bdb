// AuditService over a real gRPC server on 127.0.0.1:0, and `clientele audit pii` against it.
#include "gateway/audit_service.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/child_process.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::testing::HasSubstr;

class AuditServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::RocksDbOptions options;
    options.path = dir_.Sub("gateway");
    options.column_families = PiiAuditColumnFamilySpecs();
    auto store = storage::OpenRocksDbStore(options);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
    auto log = PiiAuditLog::Open(store_.get(), PiiAuditColumnFamilies::Starting(0),
                                 [this] { return now_; });
    ASSERT_THAT(log, IsOk());
    log_ = *std::move(log);
    service_ = std::make_unique<AuditServiceImpl>(log_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    address_ = "127.0.0.1:" + std::to_string(port);
    stub_ = v1::AuditService::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  void Append(const std::string& key_id, const std::string& profile_id, absl::Time at) {
    now_ = at;
    v1::PiiAuditEntry entry;
    entry.set_key_id(key_id);
    entry.set_key_name("name-" + key_id);
    entry.set_role("steward");
    entry.set_method("/clientele.identity.v1.IdentityService/GetProfile");
    entry.add_profile_ids(profile_id);
    entry.add_fields("clientele.common.v1.CustomerUpsert.email");
    ASSERT_THAT(log_->Append(entry), IsOk());
  }

  testing::CommandResult Cli(std::vector<std::string> args) {
    std::vector<std::string> argv = {std::string(CLT_BIN_DIR) + "/clientele", "--server", address_};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv);
  }

  static std::vector<nlohmann::json> JsonLines(const std::string& out) {
    std::vector<nlohmann::json> lines;
    for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
      lines.push_back(nlohmann::json::parse(std::string(line)));
    }
    return lines;
  }

  testing::TempDir dir_;
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<PiiAuditLog> log_;
  std::unique_ptr<AuditServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::unique_ptr<v1::AuditService::Stub> stub_;
};

TEST_F(AuditServiceTest, ListsPagesAndMapsErrors) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  for (int i = 0; i < 5; ++i) Append(i % 2 == 0 ? "key-a" : "key-b", "P1", t0 + absl::Minutes(i));

  v1::ListPiiAuditRequest request;
  request.set_key_id("key-a");
  request.set_page_size(2);
  grpc::ClientContext first_call;
  v1::ListPiiAuditResponse first;
  ASSERT_TRUE(stub_->ListPiiAudit(&first_call, request, &first).ok());
  ASSERT_EQ(first.entries_size(), 2);
  EXPECT_EQ(first.entries(0).sequence(), 1u);
  EXPECT_EQ(first.entries(1).sequence(), 3u);
  ASSERT_FALSE(first.next_page_token().empty());
  request.set_page_token(first.next_page_token());
  grpc::ClientContext second_call;
  v1::ListPiiAuditResponse second;
  ASSERT_TRUE(stub_->ListPiiAudit(&second_call, request, &second).ok());
  ASSERT_EQ(second.entries_size(), 1);
  EXPECT_EQ(second.entries(0).sequence(), 5u);
  EXPECT_TRUE(second.next_page_token().empty());

  request.set_page_size(-3);
  grpc::ClientContext bad_call;
  v1::ListPiiAuditResponse bad;
  grpc::Status status = stub_->ListPiiAudit(&bad_call, request, &bad);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_size"));
}

TEST_F(AuditServiceTest, CliListsEntriesAsJsonWithFilters) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);  // 2027-01-15T08:00:00Z
  Append("key-a", "P0000000001", t0);
  Append("key-b", "P0000000002", t0 + absl::Hours(1));
  Append("key-a", "P0000000002", t0 + absl::Hours(2));

  testing::CommandResult all = Cli({"audit", "pii", "--json"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  std::vector<nlohmann::json> lines = JsonLines(all.out);
  ASSERT_EQ(lines.size(), 3u) << all.out;
  EXPECT_EQ(lines[0]["key_id"], "key-a");
  EXPECT_EQ(lines[0]["key_name"], "name-key-a");
  EXPECT_EQ(lines[0]["role"], "steward");
  EXPECT_EQ(lines[0]["method"], "/clientele.identity.v1.IdentityService/GetProfile");
  EXPECT_EQ(lines[0]["profile_ids"], nlohmann::json::array({"P0000000001"}));
  EXPECT_EQ(lines[0]["fields"],
            nlohmann::json::array({"clientele.common.v1.CustomerUpsert.email"}));
  EXPECT_EQ(lines[0]["at"], "2027-01-15T08:00:00+00:00");
  EXPECT_EQ(lines[0]["sequence"], 1);

  testing::CommandResult by_key = Cli({"audit", "pii", "--key-id=key-a", "--json"});
  ASSERT_EQ(by_key.exit_code, 0) << by_key.err;
  EXPECT_EQ(JsonLines(by_key.out).size(), 2u);

  testing::CommandResult by_profile =
      Cli({"audit", "pii", "--profile=P0000000002", "--since=2027-01-15T08:30:00Z", "--json"});
  ASSERT_EQ(by_profile.exit_code, 0) << by_profile.err;
  lines = JsonLines(by_profile.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["sequence"], 2);
  EXPECT_EQ(lines[1]["sequence"], 3);

  testing::CommandResult text = Cli({"audit", "pii", "--key-id=key-b"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("P0000000002"));
  EXPECT_THAT(text.out, HasSubstr("1 entries"));
}

TEST_F(AuditServiceTest, CliRejectsABadSinceAsAUsageError) {
  testing::CommandResult bad = Cli({"audit", "pii", "--since=yesterday", "--json"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--since"));
  // A duration back from now is accepted (every entry here is older than a minute ago: none).
  testing::CommandResult recent = Cli({"audit", "pii", "--since=1m", "--json"});
  EXPECT_EQ(recent.exit_code, 0) << recent.err;
  EXPECT_EQ(recent.out, "");
}

}  // namespace
}  // namespace clientele::gateway
