// Issue 12, defect 1 with the real binary: after a SIGKILL, 16 bytes flipped in the middle of
// ingest's write-ahead log. The server used to start without a word with half of the
// acknowledged events gone (and then hand their sequence numbers out again); now it refuses to
// start with DATA_LOSS naming the store, and `clienteled --check` finds the damage.
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "common/testing/child_process.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;

// The largest write-ahead log file of the store at `dir`.
std::string LargestWal(const std::string& dir) {
  std::string wal;
  uintmax_t size = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log" && entry.file_size() > size) {
      size = entry.file_size();
      wal = entry.path().string();
    }
  }
  return wal;
}

void FlipBytes(const std::string& path, size_t offset, size_t count) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  std::string bytes(count, '\0');
  f.seekg(static_cast<std::streamoff>(offset));
  f.read(bytes.data(), static_cast<std::streamsize>(count));
  for (char& c : bytes) c = static_cast<char>(~c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(count));
}

TEST(DataLossE2eTest, ADamagedWalAfterSigkillStopsTheServerWithDataLossNamingTheStore) {
  TempDir dir;
  const std::string data = dir.Sub("data");
  ServerProcess server = StartServer(CLT_BIN_DIR, data, {"--services=ingest"});
  ASSERT_FALSE(server.address.empty()) << "clienteled did not start";
  auto stub = ingest::v1::IngestService::NewStub(
      grpc::CreateChannel(server.address, grpc::InsecureChannelCredentials()));
  for (int b = 0; b < 40; ++b) {
    grpc::ClientContext ctx;
    ingest::v1::IngestRequest req;
    for (int i = 0; i < 50; ++i) {
      *req.add_events() = CustomerEvent(absl::StrCat("e", b, "-", i), absl::StrCat("c", b, "-", i));
    }
    ingest::v1::IngestResponse resp;
    ASSERT_TRUE(stub->Ingest(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.accepted(), 50);
  }
  server.process->Signal(SIGKILL);
  ASSERT_EQ(server.process->Wait(), 128 + SIGKILL);

  const std::string wal = LargestWal(data + "/ingest");
  ASSERT_FALSE(wal.empty());
  const uintmax_t size = std::filesystem::file_size(wal);
  ASSERT_GT(size, 100000u);
  FlipBytes(wal, size / 2, 16);

  const std::string bin = std::string(CLT_BIN_DIR) + "/clienteled";
  CommandResult check = RunCommand({bin, "--check", "--data_dir=" + data, "--services=ingest"});
  EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
  EXPECT_THAT(check.out, HasSubstr("ingest"));
  EXPECT_THAT(check.out, HasSubstr("DATA_LOSS"));

  CommandResult start = RunCommand({bin, "--data_dir=" + data, "--services=ingest",
                                    "--listen=127.0.0.1:0", "--metrics_listen=off", "--auth=none"});
  EXPECT_NE(start.exit_code, 0);
  EXPECT_THAT(start.err, HasSubstr("DATA_LOSS"));
  EXPECT_THAT(start.err, HasSubstr("store ingest"));
}

TEST(DataLossE2eTest, CheckPassesOnIntactStores) {
  TempDir dir;
  const std::string data = dir.Sub("data");
  {
    ServerProcess server = StartServer(CLT_BIN_DIR, data);
    ASSERT_FALSE(server.address.empty());
    server.process->Signal(SIGTERM);
    ASSERT_EQ(server.process->Wait(), 0);
  }
  CommandResult check =
      RunCommand({std::string(CLT_BIN_DIR) + "/clienteled", "--check", "--data_dir=" + data});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_THAT(check.out, HasSubstr("ingest       ok"));
  EXPECT_THAT(check.out, HasSubstr("identity     ok"));
}

}  // namespace
}  // namespace clientele::testing
