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
// Metrics: clientele_recommender_replication_streams (gauge: replicas watching),
// clientele_recommender_replication_snapshots_sent_total and
// clientele_recommender_replication_bytes_sent_total (counters).
//
// Thread-safe: each stream runs on its own gRPC thread. `store`, `holder` and `registry` (may
// be null) are not owned and must outlive the service.
#ifndef CLIENTELE_RECOMMENDER_REPLICATION_REPLICATION_SERVICE_H_
#define CLIENTELE_RECOMMENDER_REPLICATION_REPLICATION_SERVICE_H_

#include <atomic>

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
  grpc::Status KnowsCustomer(grpc::ServerContext* context, const v1::KnowsCustomerRequest* request,
                             v1::KnowsCustomerResponse* response) override;

  // Ends every WatchModel stream with UNAVAILABLE (within a second) and refuses new ones: the
  // component's Drain (replicas reconnect to the trainer once it is back). Idempotent.
  void Stop() { stopping_.store(true); }

 private:
  const RecommenderStore* const store_;
  const SnapshotHolder* const holder_;
  const KnownCustomerFn known_customer_;
  const ReplicationServiceOptions options_;
  metrics::Gauge* streams_ = nullptr;
  metrics::Counter* snapshots_sent_ = nullptr;
  metrics::Counter* bytes_sent_ = nullptr;
  std::atomic<bool> stopping_{false};
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_REPLICATION_REPLICATION_SERVICE_H_
