// gRPC adapter of clientele.recommender.v1.RecommenderReplication on the recommender that
// trains: streams its served state (snapshot, live consents) to serving replicas
// (replica_follower.h) and answers their KnowsCustomer questions.
//
// WatchModel sends the snapshot in force when the stream opens, then every snapshot published
// after it (a Train job's new version; an erasure's rewritten copy of the served version, so
// an erased profile leaves every connected replica), and the live consents after each change.
// A snapshot is shipped as the model store's own artifact bytes (model_versions.h), read one
// artifact at a time: a stream holds at most one artifact's bytes in memory. Publications that
// follow each other faster than a snapshot ships are coalesced: the stream sends the newest.
//
// Confirmation: each update carries the holder's change count it reflects (`publication`) and
// a per-stream sequence number, which the replica acknowledges once applied (AckModel).
// AwaitReplicas(p) waits until every open stream's replica serves a state at least as new as change
// p: the erasure path calls it, so that an erasure completes only once every connected replica has
// dropped the subject.
//
// Metrics: clientele_recommender_replication_streams (gauge: replicas watching),
// clientele_recommender_replication_snapshots_sent_total and
// clientele_recommender_replication_bytes_sent_total (counters).
//
// Thread-safe: each stream runs on its own gRPC thread. `store`, `holder` and `registry` (may
// be null) are not owned and must outlive the service.
#ifndef CLIENTELE_RECOMMENDER_REPLICATION_REPLICATION_SERVICE_H_
#define CLIENTELE_RECOMMENDER_REPLICATION_REPLICATION_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clientele/recommender/v1/recommender_replication.grpc.pb.h"
#include "common/metrics/registry.h"
#include "recommender/serving/recommender_queries.h"
#include "recommender/serving/snapshot_holder.h"
#include "recommender/state/recommender_store.h"

namespace clientele::recommender {

struct ReplicationServiceOptions {
  // A heartbeat goes out when a stream has sent nothing this long (replicas take a silent
  // stream for a lost trainer after ReplicaFollowerOptions::silence_timeout).
  absl::Duration heartbeat_interval = absl::Seconds(5);
};

class RecommenderReplicationServiceImpl final : public v1::RecommenderReplication::Service {
 public:
  RecommenderReplicationServiceImpl(const RecommenderStore* store, const SnapshotHolder* holder,
                                    KnownCustomerFn known_customer,
                                    metrics::Registry* registry = nullptr,
                                    ReplicationServiceOptions options = {});

  grpc::Status WatchModel(grpc::ServerContext* context, const v1::WatchModelRequest* request,
                          grpc::ServerWriter<v1::WatchModelResponse>* writer) override;
  grpc::Status AckModel(grpc::ServerContext* context, const v1::AckModelRequest* request,
                        v1::AckModelResponse* response) override;
  grpc::Status KnowsCustomer(grpc::ServerContext* context, const v1::KnowsCustomerRequest* request,
                             v1::KnowsCustomerResponse* response) override;

  // Ends every WatchModel stream with UNAVAILABLE (within a second) and refuses new ones: the
  // component's Drain (replicas reconnect to the trainer once it is back). Idempotent.
  void Stop() { stopping_.store(true); }

  // Blocks until the replica of every WatchModel stream open now or later has confirmed a
  // state at least as new as holder change `publication` (SnapshotHolder::changes()), a
  // stream that ends no longer counts. Unavailable after `timeout`, naming how many have not.
  absl::Status AwaitReplicas(uint64_t publication, absl::Duration timeout);

 private:
  // Per open stream: the sequence of the last update written and of the last one the replica
  // acknowledged, the publication that the written updates reflect while unacknowledged (0:
  // none pending), and the newest publication the replica is known to reflect.
  struct StreamState {
    uint64_t written = 0;
    uint64_t acked = 0;
    uint64_t pending = 0;
    uint64_t confirmed = 0;
  };
  // After a pass of stream `id`'s loop over the state as of change `seen`; `written`: the
  // sequence of the last update written so far.
  void Passed(uint64_t id, uint64_t seen, uint64_t written);

  const RecommenderStore* const store_;
  const SnapshotHolder* const holder_;
  const KnownCustomerFn known_customer_;
  const ReplicationServiceOptions options_;
  metrics::Gauge* streams_ = nullptr;
  metrics::Counter* snapshots_sent_ = nullptr;
  metrics::Counter* bytes_sent_ = nullptr;
  std::atomic<bool> stopping_{false};
  absl::Mutex streams_mu_;
  uint64_t next_stream_id_ ABSL_GUARDED_BY(streams_mu_) = 1;
  std::map<uint64_t, StreamState> open_streams_ ABSL_GUARDED_BY(streams_mu_);
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_REPLICATION_REPLICATION_SERVICE_H_
