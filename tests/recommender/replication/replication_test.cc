// Serving replicas in one process: a trainer's RecommenderReplication service over a real
// RocksDB model store and a real gRPC server on 127.0.0.1:0, and ReplicaFollowers that rebuild
// its snapshots in their own SnapshotHolders. Replicas answer as the trainer does, follow new
// versions, erasures and consent changes, keep serving while the trainer is gone, and swap
// snapshots under concurrent calls without a failed or torn answer.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "clientele/recommender/v1/recommender_replication.grpc.pb.h"
#include "common/server/grpc_server.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/poll.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "recommender/jobs/model_versions.h"
#include "recommender/privacy/recommender_subject_data.h"
#include "recommender/recommender_schema.h"
#include "recommender/replication/replica_follower.h"
#include "recommender/replication/replication_service.h"
#include "recommender/serving/recommender_queries.h"
#include "tests/recommender/replication/model_versions_fixture.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::PollUntil;
using ::google::protobuf::util::MessageDifferencer;
using replication_testing::kItems;
using replication_testing::kUsers;
using replication_testing::MakeVersion;
using replication_testing::Profile;
using replication_testing::SourceKey;

v1::RecommendRequest RecommendFor(int user, bool respect_consent = false) {
  v1::RecommendRequest request;
  request.set_profile_id(Profile(user));
  request.set_k(4);
  request.set_respect_consent(respect_consent);
  return request;
}

// The recommender that trains: a model store, the served snapshot, the replication service.
class Trainer {
 public:
  Trainer() {
    storage::RocksDbOptions db;
    db.path = dir_.Sub("trainer");
    db.column_families = RecommenderColumnFamilies();
    kv_ = std::move(storage::OpenRocksDbStore(db)).value();
    store_ = std::make_unique<RecommenderStore>(kv_.get());
    queries_ = std::make_unique<RecommenderQueries>(&holder_, nullptr);
    ReplicationServiceOptions options;
    options.heartbeat_interval = absl::Milliseconds(200);
    service_ = std::make_unique<RecommenderReplicationServiceImpl>(store_.get(), &holder_, nullptr,
                                                                   nullptr, options);
    Serve("127.0.0.1:0");
  }
  ~Trainer() { Stop(); }

  // Stores `version` as the active one and serves it; `before` sees its answers first.
  void Publish(uint64_t version,
               const std::function<void(const RecommenderQueries&)>& before = nullptr) {
    auto [manifest, models] = MakeVersion(version);
    std::unique_ptr<storage::WriteBatch> batch = kv_->NewWriteBatch();
    PutModelVersion(*store_, *batch, manifest, models, nullptr, nullptr);
    ASSERT_THAT(kv_->Write(*batch), IsOk());
    absl::StatusOr<std::shared_ptr<const ServingSnapshot>> snapshot =
        LoadModelVersion(*store_, version);
    ASSERT_THAT(snapshot.status(), IsOk());
    if (before) {
      SnapshotHolder next;
      next.Publish(*snapshot);
      before(RecommenderQueries(&next, nullptr));
    }
    holder_.Publish(*std::move(snapshot));
  }

  // Stops serving (streams end); Serve again on the same port brings it back.
  void Stop() {
    if (server_ == nullptr) return;
    service_->Stop();
    server_->Shutdown();
    server_.reset();
    service_ = std::make_unique<RecommenderReplicationServiceImpl>(store_.get(), &holder_, nullptr);
  }
  void Serve(const std::string& listen) {
    server::ServerOptions options;
    options.listen = listen;
    options.shutdown_grace = absl::Seconds(2);
    absl::StatusOr<std::unique_ptr<server::GrpcServer>> server =
        server::GrpcServer::Start(options, {service_.get()}, {}, nullptr);
    ASSERT_THAT(server.status(), IsOk());
    server_ = *std::move(server);
    port_ = server_->port();
  }

  std::shared_ptr<grpc::Channel> Channel() const {
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                               grpc::InsecureChannelCredentials());
  }
  int port() const { return port_; }
  RecommenderStore* store() { return store_.get(); }
  SnapshotHolder* holder() { return &holder_; }
  RecommenderReplicationServiceImpl* service() { return service_.get(); }
  const RecommenderQueries& queries() const { return *queries_; }

 private:
  ::clientele::testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<RecommenderStore> store_;
  SnapshotHolder holder_;
  std::unique_ptr<RecommenderQueries> queries_;
  std::unique_ptr<RecommenderReplicationServiceImpl> service_;
  std::unique_ptr<server::GrpcServer> server_;
  int port_ = 0;
};

// A serving replica: a follower of the trainer and the read calls over its holder.
class Replica {
 public:
  explicit Replica(std::shared_ptr<grpc::Channel> trainer) : queries_(&holder_, nullptr) {
    ReplicaFollowerOptions options;
    options.chunk_bytes = 97;  // Every artifact in many chunks.
    options.initial_backoff = absl::Milliseconds(20);
    options.max_backoff = absl::Milliseconds(200);
    follower_ = std::make_unique<ReplicaFollower>(std::move(trainer), &holder_, nullptr, options);
    follower_->Start();
  }

  uint64_t version() const {
    std::shared_ptr<const ServingSnapshot> s = holder_.Get();
    return s == nullptr ? 0 : s->version();
  }
  bool Has(uint64_t version) const {
    return PollUntil([&] { return this->version() == version; }, absl::Seconds(20));
  }
  const RecommenderQueries& queries() const { return queries_; }
  const SnapshotHolder& holder() const { return holder_; }

 private:
  SnapshotHolder holder_;
  RecommenderQueries queries_;
  std::unique_ptr<ReplicaFollower> follower_;
};

void ExpectSameAnswers(const RecommenderQueries& trainer, const RecommenderQueries& replica) {
  for (int u = 0; u < kUsers; ++u) {
    absl::StatusOr<v1::RecommendResponse> want = trainer.Recommend(RecommendFor(u));
    absl::StatusOr<v1::RecommendResponse> got = replica.Recommend(RecommendFor(u));
    ASSERT_EQ(want.status(), got.status()) << "user " << u;
    if (!want.ok()) continue;  // An erased user: NOT_FOUND on both.
    EXPECT_FALSE(want->items().empty());
    EXPECT_TRUE(MessageDifferencer::Equals(*want, *got))
        << "user " << u << "\ntrainer: " << want->ShortDebugString()
        << "\nreplica: " << got->ShortDebugString();
  }
  absl::StatusOr<v1::GetModelInfoResponse> want = trainer.GetModelInfo();
  absl::StatusOr<v1::GetModelInfoResponse> got = replica.GetModelInfo();
  ASSERT_THAT(want.status(), IsOk());
  ASSERT_THAT(got.status(), IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(*want, *got)) << got->ShortDebugString();
}

TEST(RecommenderReplicationTest, ReplicasAnswerAsTheTrainerAndFollowEachNewVersion) {
  Trainer trainer;
  trainer.Publish(1);
  Replica a(trainer.Channel());
  Replica b(trainer.Channel());
  ASSERT_TRUE(a.Has(1));
  ASSERT_TRUE(b.Has(1));
  ExpectSameAnswers(trainer.queries(), a.queries());
  ExpectSameAnswers(trainer.queries(), b.queries());
  const v1::RecommendResponse before = *a.queries().Recommend(RecommendFor(0));

  trainer.Publish(2);
  ASSERT_TRUE(a.Has(2)) << a.version();
  ASSERT_TRUE(b.Has(2)) << b.version();
  ExpectSameAnswers(trainer.queries(), a.queries());
  ExpectSameAnswers(trainer.queries(), b.queries());
  // The new version answers differently: the swap is visible, not a no-op.
  EXPECT_FALSE(MessageDifferencer::Equals(before, *a.queries().Recommend(RecommendFor(0))));
}

TEST(RecommenderReplicationTest, ErasureAndConsentChangesReachConnectedReplicas) {
  Trainer trainer;
  trainer.Publish(1);
  Replica replica(trainer.Channel());
  ASSERT_TRUE(replica.Has(1));
  ASSERT_THAT(replica.queries().Recommend(RecommendFor(3)).status(), IsOk());

  // Erasure on the trainer rewrites the served version (same version number) and, wired as
  // the component wires it, returns only once the replica serves the rewritten snapshot: the
  // replica no longer knows the erased profile the moment Erase returns.
  RecommenderSubjectData subject_data(
      trainer.store(), trainer.holder(), &trainer.queries(), [&trainer] {
        return trainer.service()->AwaitReplicas(trainer.holder()->changes(), absl::Seconds(20));
      });
  privacy::v1::Subject subject;
  subject.add_profile_ids(Profile(3));
  common::v1::SourceKey* key = subject.add_source_keys();
  key->set_system("web");
  key->set_id("u3");
  absl::StatusOr<int64_t> erased = subject_data.Erase({subject});
  ASSERT_THAT(erased.status(), IsOk());
  EXPECT_GT(*erased, 0);
  EXPECT_EQ(trainer.queries().Recommend(RecommendFor(3)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(replica.queries().Recommend(RecommendFor(3)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(replica.version(), 1u);
  std::shared_ptr<const ServingSnapshot> snapshot = replica.holder().Get();
  EXPECT_EQ(snapshot->FindProfile(Profile(3)), nullptr);
  EXPECT_EQ(snapshot->FindBySourceKey(SourceKey(3)), nullptr);
  EXPECT_EQ(snapshot->models().at("item_cf")->FindUser(Profile(3)), std::nullopt);
  ExpectSameAnswers(trainer.queries(), replica.queries());  // Every other user as before.

  // A revoked profiling consent on the trainer: the replica stops personalizing at once.
  ASSERT_TRUE(replica.queries().Recommend(RecommendFor(1, true))->personalized() == false);
  trainer.holder()->UpdateConsents({{SourceKey(1), {1, 2000}}, {SourceKey(2), {1, 2000}}});
  ASSERT_TRUE(PollUntil(
      [&] { return replica.queries().Recommend(RecommendFor(1, true))->personalized(); }));
  trainer.holder()->UpdateConsents({{SourceKey(1), {2, 3000}}});
  ASSERT_TRUE(PollUntil(
      [&] { return !replica.queries().Recommend(RecommendFor(1, true))->personalized(); }));
  EXPECT_TRUE(replica.queries().Recommend(RecommendFor(2, true))->personalized());
  // Erasure drops the live consent too.
  privacy::v1::Subject second;
  common::v1::SourceKey* key2 = second.add_source_keys();
  key2->set_system("web");
  key2->set_id("u2");
  ASSERT_THAT(subject_data.Erase({second}).status(), IsOk());
  EXPECT_FALSE(replica.holder().consents()->contains(SourceKey(2)));
}

// A connected replica that never confirms (a stream read by something that does not ack)
// holds the erasure back: AwaitReplicas fails UNAVAILABLE naming it, so the privacy request
// fails and is retried rather than reported done.
TEST(RecommenderReplicationTest, AnUnconfirmedReplicaFailsTheWaitOfAnErasure) {
  Trainer trainer;
  trainer.Publish(1);
  std::unique_ptr<v1::RecommenderReplication::Stub> stub =
      v1::RecommenderReplication::NewStub(trainer.Channel());
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::WatchModelResponse>> reader =
      stub->WatchModel(&context, v1::WatchModelRequest());
  v1::WatchModelResponse message;
  bool ended = false;
  while (!ended && reader->Read(&message)) ended = message.has_end();  // The snapshot, unacked.
  ASSERT_TRUE(ended);
  trainer.holder()->ForgetConsents({SourceKey(1)});
  const absl::Status status =
      trainer.service()->AwaitReplicas(trainer.holder()->changes(), absl::Milliseconds(300));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_NE(status.message().find("1 serving replica(s) did not confirm"), std::string::npos)
      << status;
  context.TryCancel();
  reader->Finish();
  // With no stream open there is nobody to wait for.
  EXPECT_TRUE(PollUntil([&] {
    return trainer.service()->AwaitReplicas(trainer.holder()->changes(), absl::ZeroDuration()).ok();
  }));
}

TEST(RecommenderReplicationTest, ReplicasKeepServingWithoutTheTrainerAndCatchUpWhenItReturns) {
  Trainer trainer;
  trainer.Publish(1);
  Replica replica(trainer.Channel());
  ASSERT_TRUE(replica.Has(1));
  const int port = trainer.port();
  trainer.Stop();
  const v1::RecommendResponse served = *replica.queries().Recommend(RecommendFor(5));
  EXPECT_EQ(served.model_version(), 1u);

  // Back on the same address with a new version: the replica reconnects and swaps.
  trainer.Publish(2);
  trainer.Serve("127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(replica.Has(2)) << replica.version();
  ExpectSameAnswers(trainer.queries(), replica.queries());

  // A replica that starts while no trainer answers has nothing until one does.
  trainer.Stop();
  Replica late(trainer.Channel());
  EXPECT_EQ(late.holder().Get(), nullptr);
  EXPECT_EQ(late.queries().Recommend(RecommendFor(0)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  trainer.Serve("127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(late.Has(2));
  ExpectSameAnswers(trainer.queries(), late.queries());
}

TEST(RecommenderReplicationTest, ChunkSizeBeyondTheLimitIsRefusedNamingTheField) {
  Trainer trainer;
  std::unique_ptr<v1::RecommenderReplication::Stub> stub =
      v1::RecommenderReplication::NewStub(trainer.Channel());
  grpc::ClientContext context;
  v1::WatchModelRequest request;
  request.set_chunk_bytes(64 << 20);
  std::unique_ptr<grpc::ClientReader<v1::WatchModelResponse>> reader =
      stub->WatchModel(&context, request);
  v1::WatchModelResponse message;
  EXPECT_FALSE(reader->Read(&message));
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("chunk_bytes"), std::string::npos)
      << status.error_message();
}

// Calls on a replica while it swaps version after version: every call answers, from a whole
// snapshot (the answer the trainer gave for that version), and no thread sees a version go
// back.
TEST(RecommenderReplicationTest, CallsDuringSwapsAnswerFromWholeSnapshots) {
  Trainer trainer;
  constexpr uint64_t kLast = 12;
  absl::Mutex mu;
  std::map<uint64_t, v1::RecommendResponse> expected;  // Guarded by mu.
  // Before the replica can have it: the trainer's answer of each version.
  auto record_expected = [&](const RecommenderQueries& queries) {
    absl::StatusOr<v1::RecommendResponse> want = queries.Recommend(RecommendFor(0));
    ASSERT_THAT(want.status(), IsOk());
    absl::MutexLock lock(&mu);
    expected[want->model_version()] = *want;
  };
  trainer.Publish(1, record_expected);
  Replica replica(trainer.Channel());
  ASSERT_TRUE(replica.Has(1));

  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int64_t> calls{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 3; ++t) {
    callers.emplace_back([&] {
      uint64_t last = 0;
      while (!done.load()) {
        absl::StatusOr<v1::RecommendResponse> got = replica.queries().Recommend(RecommendFor(0));
        calls.fetch_add(1);
        if (!got.ok() || got->model_version() < last) {
          failures.fetch_add(1);
          continue;
        }
        last = got->model_version();
        absl::MutexLock lock(&mu);
        auto it = expected.find(last);
        if (it == expected.end() || !MessageDifferencer::Equals(it->second, *got)) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (uint64_t version = 2; version <= kLast; ++version) {
    trainer.Publish(version, record_expected);
    if (version % 3 == 0) ASSERT_TRUE(replica.Has(version));  // Some swaps land, some coalesce.
  }
  ASSERT_TRUE(replica.Has(kLast));
  done.store(true);
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(calls.load(), 0);
}

}  // namespace
}  // namespace clientele::recommender
