// `clientele privacy ...` as a user runs it: usage errors (exit 2, nothing sent) for a missing
// or doubled selector, a bad --file line, no --reason; and the requests it sends to a
// PrivacyService on 127.0.0.1:0 that records them, with what it prints and its exit codes.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "common/testing/child_process.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace clientele {
namespace {

namespace pv1 = privacy::v1;
using ::clientele::testing::RunCommand;
using ::testing::HasSubstr;

std::string Cli() { return std::string(CLT_BIN_DIR) + "/clientele"; }

// Records the requests; answers erase with a queued request that reads back as `final_state`.
class RecordingPrivacyService final : public pv1::PrivacyService::Service {
 public:
  grpc::Status EraseSubject(grpc::ServerContext*, const pv1::EraseSubjectRequest* request,
                            pv1::EraseSubjectResponse* response) override {
    absl::MutexLock lock(&mu_);
    erased_.push_back(*request);
    pv1::PrivacyRequest* r = response->mutable_request();
    r->set_request_id("privacy-0000000001");
    r->set_kind("erase");
    r->set_state(pv1::REQUEST_STATE_QUEUED);
    r->set_subject_count(request->subjects_size());
    r->add_steps()->set_service("ingest");
    return grpc::Status::OK;
  }
  grpc::Status GetPrivacyRequest(grpc::ServerContext*, const pv1::GetPrivacyRequestRequest* r,
                                 pv1::GetPrivacyRequestResponse* response) override {
    absl::MutexLock lock(&mu_);
    if (r->request_id() != "privacy-0000000001") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "request_id: no privacy request");
    }
    response->mutable_request()->set_request_id(r->request_id());
    response->mutable_request()->set_state(final_state_);
    return grpc::Status::OK;
  }
  grpc::Status ExportSubject(grpc::ServerContext*, const pv1::ExportSubjectRequest* request,
                             pv1::ExportSubjectResponse* response) override {
    absl::MutexLock lock(&mu_);
    exported_.push_back(*request);
    response->set_json(R"({"profile": {"profile_id": "P0000000042"}, "orders": []})");
    return grpc::Status::OK;
  }
  grpc::Status LiftSuppression(grpc::ServerContext*, const pv1::LiftSuppressionRequest* request,
                               pv1::LiftSuppressionResponse* response) override {
    absl::MutexLock lock(&mu_);
    lifted_.push_back(*request);
    response->set_lifted(true);
    return grpc::Status::OK;
  }

  void SetFinalState(pv1::RequestState state) {
    absl::MutexLock lock(&mu_);
    final_state_ = state;
  }
  std::vector<pv1::EraseSubjectRequest> erased() {
    absl::MutexLock lock(&mu_);
    return erased_;
  }
  std::vector<pv1::ExportSubjectRequest> exported() {
    absl::MutexLock lock(&mu_);
    return exported_;
  }
  std::vector<pv1::LiftSuppressionRequest> lifted() {
    absl::MutexLock lock(&mu_);
    return lifted_;
  }
  int calls() {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(erased_.size() + exported_.size() + lifted_.size());
  }

 private:
  absl::Mutex mu_;
  pv1::RequestState final_state_ ABSL_GUARDED_BY(mu_) = pv1::REQUEST_STATE_SUCCEEDED;
  std::vector<pv1::EraseSubjectRequest> erased_ ABSL_GUARDED_BY(mu_);
  std::vector<pv1::ExportSubjectRequest> exported_ ABSL_GUARDED_BY(mu_);
  std::vector<pv1::LiftSuppressionRequest> lifted_ ABSL_GUARDED_BY(mu_);
};

class PrivacyCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    address_ = absl::StrCat("127.0.0.1:", port);
  }
  void TearDown() override { server_->Shutdown(); }

  testing::CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {Cli(), "--server=" + address_, "privacy"});
    return RunCommand(args);
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path) << text;
    return path;
  }

  testing::TempDir dir_;
  RecordingPrivacyService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

TEST_F(PrivacyCommandsTest, UsageErrorsNameTheFlagAndSendNothing) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::string bad_file = WriteFile("bad.txt", "email:a@example.com\n\nmail:b@example.com\n");
  const std::string bad_source = WriteFile("bad_source.txt", "# people\nsource:nosplit\n");
  const std::vector<Case> cases = {
      {{"erase", "--reason=asked"}, "give one of --email, --phone, --id, --source, or --file"},
      {{"erase", "--email=a@example.com"}, "--reason is required"},
      {{"erase", "--email=a@example.com", "--reason=  "}, "--reason is required"},
      {{"erase", "--email=a@example.com", "--phone=+90532", "--reason=x"}, "excludes"},
      {{"erase", "--source=nosplit", "--reason=x"}, "--source"},
      {{"erase", "--file=" + bad_file, "--reason=x"},
       "--file " + bad_file + " line 3: expected email:, phone:, id: or source:"},
      {{"erase", "--file=" + bad_source, "--reason=x"}, "line 2"},
      {{"erase", "--file=" + dir_.Sub("missing.txt"), "--reason=x"}, "--file: cannot read"},
      {{"export"}, "give one of --email, --phone, --id, --source"},
      {{"export", "--id=P1", "--email=a@example.com"}, "excludes"},
      {{"suppressions", "lift"}, "--source"},
      {{"suppressions", "lift", "--source=web"}, "--source"},
      {{"requests", "get"}, "request_id"},
  };
  for (const Case& c : cases) {
    testing::CommandResult result = Run(c.args);
    EXPECT_EQ(result.exit_code, 2) << c.args[0] << " " << c.message << "\n" << result.err;
    EXPECT_THAT(result.err, HasSubstr(c.message)) << c.args[0];
  }
  EXPECT_EQ(service_.calls(), 0);
}

TEST_F(PrivacyCommandsTest, EraseSendsTheFlagAndFileSelectorsAndWaits) {
  const std::string file = WriteFile(
      "people.txt", "# to erase\nphone:+90 532 123 45 67\n  id:P0000000007  \nsource:pos/c/17\n");
  testing::CommandResult result =
      Run({"erase", "--email=ayse@example.com", "--file=" + file, "--reason=art. 17",
           "--idempotency-key=ticket-5", "--wait", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto erased = service_.erased();
  ASSERT_EQ(erased.size(), 1u);
  const pv1::EraseSubjectRequest& request = erased[0];
  ASSERT_EQ(request.subjects_size(), 4);
  EXPECT_EQ(request.subjects(0).email(), "ayse@example.com");
  EXPECT_EQ(request.subjects(1).phone(), "+90 532 123 45 67");
  EXPECT_EQ(request.subjects(2).profile_id(), "P0000000007");
  EXPECT_EQ(request.subjects(3).source_key().system(), "pos");
  EXPECT_EQ(request.subjects(3).source_key().id(), "c/17");
  EXPECT_EQ(request.reason(), "art. 17");
  EXPECT_EQ(request.idempotency_key(), "ticket-5");
  const nlohmann::json printed = nlohmann::json::parse(result.out);
  EXPECT_EQ(printed["request_id"], "privacy-0000000001");
  EXPECT_EQ(printed["state"], "succeeded");

  // Without --wait it prints the queued request; a request that fails makes --wait exit 1.
  result = Run({"erase", "--id=P1", "--reason=x"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("privacy request privacy-0000000001 (erase): queued"));
  service_.SetFinalState(pv1::REQUEST_STATE_FAILED);
  result = Run({"erase", "--id=P1", "--reason=x", "--wait"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.out, HasSubstr("failed"));
}

TEST_F(PrivacyCommandsTest, ExportPrintsTheDocumentAndErrorsAreReported) {
  testing::CommandResult result = Run({"export", "--source=web/c-17", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(nlohmann::json::parse(result.out)["profile"]["profile_id"], "P0000000042");
  ASSERT_EQ(service_.exported().size(), 1u);
  EXPECT_EQ(service_.exported()[0].subject().source_key().id(), "c-17");

  result = Run({"requests", "get", "privacy-0000000099"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("clientele privacy requests get: NOT_FOUND"));

  result = Run({"suppressions", "lift", "--source=web/c-17"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("lifted"));
  ASSERT_EQ(service_.lifted().size(), 1u);
}

// Against a real clienteled (all-in-one, the gateway in front, a steward key): PrivacyService is
// served, an erasure request is stored and run to its end whatever the components answer, and
// it is listed. (What the components erase is tested with them.)
TEST(PrivacyCommandsServerTest, ARealServerRunsAndListsAnErasureRequest) {
  testing::TempDir dir;
  testing::ServerProcess server =
      testing::StartServer(CLT_BIN_DIR, dir.Sub("data"), {"--auth=required"});
  ASSERT_FALSE(server.address.empty());
  ASSERT_FALSE(server.api_key.empty());
  testing::ScopedApiKey key(server.api_key);
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {Cli(), "--server=" + server.address, "privacy"});
    return RunCommand(args);
  };
  testing::CommandResult erased = run({"erase", "--email=nobody@example.com", "--reason=ticket 1",
                                       "--wait", "--timeout=60", "--json"});
  ASSERT_TRUE(erased.exit_code == 0 || erased.exit_code == 1) << erased.err;
  const nlohmann::json request = nlohmann::json::parse(erased.out);
  EXPECT_EQ(request["request_id"], "privacy-0000000001");
  EXPECT_TRUE(request["state"] == "succeeded" || request["state"] == "failed") << request;
  EXPECT_EQ(request["steps"].size(), 4u);
  // The front told the service who asked: the bootstrap admin key.
  EXPECT_THAT(request["requested_by"].get<std::string>(), ::testing::StartsWith("key-"));

  testing::CommandResult listed = run({"requests", "list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(nlohmann::json::parse(listed.out)["request_id"], "privacy-0000000001");
  testing::CommandResult got = run({"requests", "get", "privacy-0000000001"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_THAT(got.out, HasSubstr("reason:   ticket 1"));
}

}  // namespace
}  // namespace clientele
