// The serving replica's side of RecommenderReplication.WatchModel (replication_service.h):
// follows the training recommender's stream on a thread of its own, rebuilds each snapshot
// it receives from the model store's bytes (BuildSnapshot, model_versions.h) and publishes it
// into the replica's SnapshotHolder, where it replaces the previous one atomically (calls in
// flight finish on the snapshot they hold). Live consents replace the holder's. Each applied
// update is acknowledged to the trainer (AckModel), whose erasures wait for it.
//
// A stream that ends, breaks, stays silent longer than `silence_timeout` (the trainer sends
// heartbeats) or breaks the update protocol is reopened after a backoff that doubles from
// `initial_backoff` to `max_backoff` (reset once a stream delivers). Meanwhile the holder keeps
// the last snapshot: a replica cut off from the trainer serves what it has.
//
// Metrics: clientele_recommender_serving_model_version (gauge),
// clientele_recommender_serving_connected (gauge, 1 while a stream is open),
// clientele_recommender_serving_snapshots_received_total and
// clientele_recommender_serving_stream_errors_total (counters).
//
// Thread-safe. `holder` and `registry` (may be null) are not owned and must outlive the
// follower.
#ifndef CLIENTELE_RECOMMENDER_REPLICATION_REPLICA_FOLLOWER_H_
#define CLIENTELE_RECOMMENDER_REPLICATION_REPLICA_FOLLOWER_H_

#include <atomic>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clientele/recommender/v1/recommender_replication.grpc.pb.h"
#include "common/metrics/registry.h"
#include "grpcpp/channel.h"
#include "recommender/serving/snapshot_holder.h"

namespace clientele::recommender {

struct ReplicaFollowerOptions {
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(5);
  absl::Duration silence_timeout = absl::Seconds(20);
  int chunk_bytes = 0;  // WatchModelRequest.chunk_bytes (0: the trainer's default).
};

class ReplicaFollower {
 public:
  ReplicaFollower(std::shared_ptr<grpc::Channel> trainer, SnapshotHolder* holder,
                  metrics::Registry* registry = nullptr, ReplicaFollowerOptions options = {});
  ~ReplicaFollower();  // Stop().

  ReplicaFollower(const ReplicaFollower&) = delete;
  ReplicaFollower& operator=(const ReplicaFollower&) = delete;

  // Starts following (once).
  void Start();
  // Ends the stream, cancels an acknowledgement in flight, gives up a snapshot being built at
  // its next artifact (replica_snapshot.h) and joins the thread. Idempotent.
  void Stop();

 private:
  void Run();
  // One stream, until it ends; OK only when Stop ended it. Sets `delivered` once an update
  // was applied.
  absl::Status FollowOnce(bool* delivered);
  // Tells the trainer (AckModel) that the updates of `stream_id` up to `sequence` are applied.
  void Ack(uint64_t stream_id, uint64_t sequence);
  bool Stopping();

  const std::unique_ptr<v1::RecommenderReplication::Stub> stub_;
  SnapshotHolder* const holder_;
  const ReplicaFollowerOptions options_;
  metrics::Gauge* version_ = nullptr;
  metrics::Gauge* connected_ = nullptr;
  metrics::Counter* received_ = nullptr;
  metrics::Counter* errors_ = nullptr;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;      // Of the open stream.
  grpc::ClientContext* ack_context_ ABSL_GUARDED_BY(mu_) = nullptr;  // Of an Ack in flight.
  absl::Time last_message_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
  std::thread watchdog_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_REPLICATION_REPLICA_FOLLOWER_H_
