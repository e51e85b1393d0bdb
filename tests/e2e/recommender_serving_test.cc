// Recommender serving replicas as separate processes, as on Kubernetes: a trainer
// (clienteled --services=ingest,recommender) and replicas (--services=recommender-serving
// --model_source=<trainer>). Replicas answer as the trainer does for every customer of the
// sample, follow a retraining, keep serving when the trainer stops, a replica started while
// the trainer is down is NOT_SERVING until it comes back, an erasure on the trainer reaches the
// replicas, and a gateway with --recommender_serving_addr sends the read calls to them, only
// to those whose health is SERVING.
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "clientele/recommender/v1/recommender.grpc.pb.h"
#include "common/testing/child_process.h"
#include "common/testing/poll.h"
#include "common/testing/temp_dir.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"

namespace clientele::testing {
namespace {

namespace v1 = recommender::v1;
using ::google::protobuf::util::MessageDifferencer;

const std::string kSample = std::string(CLT_TEST_DATA_DIR) + "/online_retail_sample.csv";
constexpr int kCustomers = 100;

CommandResult Cli(const std::string& server, std::vector<std::string> args) {
  args.insert(args.begin(), {std::string(CLT_BIN_DIR) + "/clientele", "--server=" + server});
  return RunCommand(args);
}

std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

// The first kCustomers customer ids of the sample, as profile ids ("online_retail/17850").
std::vector<std::string> SampleProfiles() {
  std::ifstream in(kSample);
  std::string line;
  std::getline(in, line);  // Header.
  std::vector<std::string> profiles;
  std::set<std::string> seen;
  while (std::getline(in, line) && static_cast<int>(profiles.size()) < kCustomers) {
    // CustomerID is the seventh field; descriptions may hold quoted commas, so count from the
    // end: ...,CustomerID,Country.
    const size_t country = line.rfind(',');
    const size_t id = line.rfind(',', country - 1);
    std::string customer = line.substr(id + 1, country - id - 1);
    if (customer.empty()) continue;
    if (const size_t dot = customer.find('.'); dot != std::string::npos) customer.resize(dot);
    if (seen.insert(customer).second) profiles.push_back("online_retail/" + customer);
  }
  return profiles;
}

struct Answer {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::string message;
  v1::RecommendResponse response;
};

Answer Recommend(const std::string& address, const std::string& profile) {
  std::unique_ptr<v1::RecommenderService::Stub> stub =
      v1::RecommenderService::NewStub(ChannelTo(address));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::RecommendRequest request;
  request.set_profile_id(profile);
  request.set_k(5);
  Answer answer;
  const grpc::Status status = stub->Recommend(&context, request, &answer.response);
  answer.code = status.error_code();
  answer.message = status.error_message();
  return answer;
}

uint64_t ModelVersion(const std::string& address) {
  std::unique_ptr<v1::RecommenderService::Stub> stub =
      v1::RecommenderService::NewStub(ChannelTo(address));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::GetModelInfoResponse info;
  if (!stub->GetModelInfo(&context, v1::GetModelInfoRequest(), &info).ok()) return 0;
  return info.model_version();
}

// The overall gRPC health of a server ("" service): SERVING, NOT_SERVING, or UNKNOWN when it
// does not answer.
grpc::health::v1::HealthCheckResponse::ServingStatus Health(const std::string& address) {
  std::unique_ptr<grpc::health::v1::Health::Stub> stub =
      grpc::health::v1::Health::NewStub(ChannelTo(address));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckResponse response;
  if (!stub->Check(&context, grpc::health::v1::HealthCheckRequest(), &response).ok()) {
    return grpc::health::v1::HealthCheckResponse::UNKNOWN;
  }
  return response.status();
}

// Every profile gets the same answer (status and response) from `replica` as from `trainer`;
// returns how many were answered with a list.
int ExpectSameAnswers(const std::string& trainer, const std::string& replica,
                      const std::vector<std::string>& profiles) {
  int answered = 0;
  for (const std::string& profile : profiles) {
    const Answer want = Recommend(trainer, profile);
    const Answer got = Recommend(replica, profile);
    EXPECT_EQ(want.code, got.code) << profile << ": " << got.message;
    EXPECT_EQ(want.message, got.message) << profile;
    EXPECT_TRUE(MessageDifferencer::Equals(want.response, got.response))
        << profile << "\ntrainer: " << want.response.ShortDebugString()
        << "\nreplica: " << got.response.ShortDebugString();
    if (want.code == grpc::StatusCode::OK && !want.response.items().empty()) ++answered;
  }
  return answered;
}

int64_t Train(const std::string& trainer, std::vector<std::string> flags) {
  std::vector<std::string> args = {"--json", "jobs", "start", "train", "--wait", "--timeout=60"};
  args.insert(args.end(), flags.begin(), flags.end());
  const CommandResult train = Cli(trainer, args);
  EXPECT_EQ(train.exit_code, 0) << train.err << train.out;
  return train.exit_code == 0 ? static_cast<int64_t>(ModelVersion(trainer)) : -1;
}

TEST(RecommenderServingTest, ReplicasServeTheTrainersModelAndOutliveIt) {
  TempDir dir;
  ServerProcess trainer =
      StartServer(CLT_BIN_DIR, dir.Sub("trainer"), {"--services=ingest,recommender"});
  ASSERT_FALSE(trainer.address.empty()) << "trainer did not start";
  const CommandResult import = Cli(trainer.address, {"import", "--format=online-retail", kSample});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  ASSERT_EQ(Cli(trainer.address, {"sync", "--timeout=60"}).exit_code, 0);
  const int64_t first = Train(trainer.address, {"--max-itemset-size=3"});
  ASSERT_GT(first, 0);

  std::vector<ServerProcess> replicas;
  for (const char* name : {"replica-a", "replica-b"}) {
    replicas.push_back(
        StartServer(CLT_BIN_DIR, dir.Sub(name),
                    {"--services=recommender-serving", "--model_source=" + trainer.address}));
    ASSERT_FALSE(replicas.back().address.empty()) << name << " did not start";
  }
  const std::vector<std::string> profiles = SampleProfiles();
  ASSERT_EQ(static_cast<int>(profiles.size()), kCustomers);
  for (const ServerProcess& replica : replicas) {
    ASSERT_TRUE(PollUntil([&] { return ModelVersion(replica.address) == uint64_t(first); }));
    EXPECT_GT(ExpectSameAnswers(trainer.address, replica.address, profiles), kCustomers / 2);
    // Health follows within the health monitor's period.
    EXPECT_TRUE(PollUntil(
        [&] { return Health(replica.address) == grpc::health::v1::HealthCheckResponse::SERVING; }));
  }
  // A replica writes nothing: its --data_dir is never even created (memory only).
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("replica-a")));

  // Retraining activates a new version: every replica swaps to it and answers as the trainer.
  const int64_t second =
      Train(trainer.address, {"--models=popularity,item_cf", "--max-itemset-size=2"});
  ASSERT_GT(second, first);
  for (const ServerProcess& replica : replicas) {
    ASSERT_TRUE(PollUntil([&] { return ModelVersion(replica.address) == uint64_t(second); }))
        << ModelVersion(replica.address);
    EXPECT_GT(ExpectSameAnswers(trainer.address, replica.address, profiles), kCustomers / 2);
  }

  // Erasure on the trainer (what the gateway's erasure runner calls): the erased profile is
  // NOT_FOUND on every replica, as on the trainer.
  const std::string erased = profiles[0];
  ASSERT_EQ(Recommend(replicas[0].address, erased).code, grpc::StatusCode::OK);
  {
    std::unique_ptr<privacy::v1::RecommenderPrivacy::Stub> stub =
        privacy::v1::RecommenderPrivacy::NewStub(ChannelTo(trainer.address));
    grpc::ClientContext context;
    privacy::v1::EraseSubjectDataRequest request;
    common::v1::SourceKey* key = request.add_subjects()->add_source_keys();
    key->set_system("online_retail");
    key->set_id(erased.substr(erased.find('/') + 1));
    privacy::v1::EraseSubjectDataResponse response;
    const grpc::Status status = stub->EraseSubjectData(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(Recommend(trainer.address, erased).code, grpc::StatusCode::NOT_FOUND);
  for (const ServerProcess& replica : replicas) {
    EXPECT_TRUE(PollUntil([&] {
      return Recommend(replica.address, erased).code == grpc::StatusCode::NOT_FOUND;
    })) << Recommend(replica.address, erased).message;
  }

  // A gateway in front: the read calls go to the replicas, the rest to the trainer.
  ServerProcess gateway = StartServer(CLT_BIN_DIR, dir.Sub("gateway"),
                                      {"--services=gateway", "--ingest_addr=" + trainer.address,
                                       "--recommender_addr=" + trainer.address,
                                       "--recommender_serving_addr=" + replicas[1].address});
  ASSERT_FALSE(gateway.address.empty()) << "gateway did not start";
  ASSERT_TRUE(PollUntil([&] { return ModelVersion(gateway.address) == uint64_t(second); }));
  EXPECT_GT(ExpectSameAnswers(trainer.address, gateway.address, profiles), kCustomers / 2);

  // The trainer stops: the replicas keep serving their snapshot (and so does the gateway's
  // Recommend), while GetModelInfo, which the trainer answers, fails.
  const Answer before = Recommend(replicas[0].address, profiles[1]);
  ASSERT_EQ(before.code, grpc::StatusCode::OK);
  const std::string trainer_address = trainer.address;
  trainer.process->Signal(SIGTERM);
  EXPECT_EQ(trainer.process->Wait(), 0);
  for (const std::string& address : {replicas[0].address, replicas[1].address, gateway.address}) {
    const Answer after = Recommend(address, profiles[1]);
    EXPECT_EQ(after.code, grpc::StatusCode::OK) << address << ": " << after.message;
    EXPECT_TRUE(MessageDifferencer::Equals(before.response, after.response)) << address;
  }
  EXPECT_EQ(Health(replicas[0].address), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_EQ(ModelVersion(gateway.address), 0u);  // GetModelInfo went to the stopped trainer.

  // A replica started while the trainer is down has nothing to serve: NOT_SERVING, until
  // the trainer is back on its address.
  ServerProcess late =
      StartServer(CLT_BIN_DIR, dir.Sub("replica-late"),
                  {"--services=recommender-serving", "--model_source=" + trainer_address});
  ASSERT_FALSE(late.address.empty()) << "late replica did not start";
  ASSERT_TRUE(PollUntil(
      [&] { return Health(late.address) == grpc::health::v1::HealthCheckResponse::NOT_SERVING; }));
  EXPECT_EQ(Recommend(late.address, profiles[1]).code, grpc::StatusCode::UNAVAILABLE);

  // A gateway over it and a replica with a snapshot sends every call to the one that is
  // SERVING (client-side health checking), once the health of both has reached it.
  ServerProcess health_aware =
      StartServer(CLT_BIN_DIR, dir.Sub("gateway-health"),
                  {"--services=gateway", "--ingest_addr=" + trainer_address,
                   "--recommender_addr=" + trainer_address,
                   "--recommender_serving_addr=ipv4:" + late.address + "," + replicas[0].address});
  ASSERT_FALSE(health_aware.address.empty()) << "gateway did not start";
  constexpr int kConsecutive = 20;  // Round robin over both would fail every other call.
  int ok_in_a_row = 0;
  Answer last;
  EXPECT_TRUE(PollUntil([&] {
    last = Recommend(health_aware.address, profiles[1]);
    ok_in_a_row = last.code == grpc::StatusCode::OK ? ok_in_a_row + 1 : 0;
    return ok_in_a_row >= kConsecutive;
  })) << "last answer: "
      << last.code << " " << last.message;
  EXPECT_TRUE(MessageDifferencer::Equals(before.response, last.response));
  trainer = StartServer(CLT_BIN_DIR, dir.Sub("trainer"),
                        {"--services=ingest,recommender", "--listen=" + trainer_address});
  ASSERT_FALSE(trainer.address.empty()) << "trainer did not restart";
  ASSERT_TRUE(PollUntil(
      [&] { return Health(late.address) == grpc::health::v1::HealthCheckResponse::SERVING; }));
  EXPECT_EQ(ModelVersion(late.address), uint64_t(second));
  EXPECT_GT(ExpectSameAnswers(trainer.address, late.address, profiles), kCustomers / 2);
}

TEST(RecommenderServingTest, AReplicaWithoutModelSourceFailsNamingTheFlag) {
  TempDir dir;
  const CommandResult start =
      RunCommand({std::string(CLT_BIN_DIR) + "/clienteled", "--services=recommender-serving",
                  "--data_dir=" + dir.Sub("data"), "--listen=127.0.0.1:0", "--metrics_listen=off",
                  "--auth=none"});
  EXPECT_EQ(start.exit_code, 2);
  EXPECT_NE(start.err.find("--model_source: required"), std::string::npos) << start.err;
}

}  // namespace
}  // namespace clientele::testing
