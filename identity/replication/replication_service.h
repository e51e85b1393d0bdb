// gRPC adapter of IdentityReplication on the identity primary, over its ChangeLogStore
// (replication.proto). Thread-safe.
#ifndef CLIENTELE_IDENTITY_REPLICATION_REPLICATION_SERVICE_H_
#define CLIENTELE_IDENTITY_REPLICATION_REPLICATION_SERVICE_H_

#include <atomic>

#include "clientele/identity/v1/replication.grpc.pb.h"
#include "identity/replication/change_log_store.h"

namespace clientele::identity {

class ReplicationServiceImpl final : public v1::IdentityReplication::Service {
 public:
  // `store` is not owned and must outlive the service.
  explicit ReplicationServiceImpl(const ChangeLogStore* store) : store_(store) {}

  // Ends the tailing StreamChanges calls (UNAVAILABLE: the replica reconnects) within a
  // second; later ones end at once. The component's Drain. Idempotent.
  void Stop() { stopping_.store(true); }

  grpc::Status StreamChanges(grpc::ServerContext* context, const v1::StreamChangesRequest* request,
                             grpc::ServerWriter<v1::StreamChangesResponse>* writer) override;
  grpc::Status StreamSnapshot(grpc::ServerContext* context,
                              const v1::StreamSnapshotRequest* request,
                              grpc::ServerWriter<v1::StreamSnapshotResponse>* writer) override;
  grpc::Status GetChangePosition(grpc::ServerContext* context,
                                 const v1::GetChangePositionRequest* request,
                                 v1::GetChangePositionResponse* response) override;

 private:
  const ChangeLogStore* const store_;  // Not owned.
  std::atomic<bool> stopping_{false};
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_REPLICATION_REPLICATION_SERVICE_H_
