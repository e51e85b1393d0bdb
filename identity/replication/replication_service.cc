#include "identity/replication/replication_service.h"

#include "absl/time/clock.h"
#include "common/status/grpc_status.h"

namespace clientele::identity {
namespace {

constexpr size_t kMessageBytes = 4 << 20;  // Changes or rows per message, about.
constexpr absl::Duration kHeartbeat = absl::Seconds(1);

}  // namespace

grpc::Status ReplicationServiceImpl::StreamChanges(
    grpc::ServerContext* context, const v1::StreamChangesRequest* request,
    grpc::ServerWriter<v1::StreamChangesResponse>* writer) {
  uint64_t position = request->from_sequence();
  while (!context->IsCancelled()) {
    if (stopping_.load()) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "identity primary is shutting down");
    }
    absl::StatusOr<std::vector<v1::Change>> changes = store_->ReadChanges(position, kMessageBytes);
    if (!changes.ok()) return ToGrpcStatus(changes.status());
    v1::StreamChangesResponse response;
    response.set_head_sequence(store_->head());
    if (changes->empty()) {
      if (store_->WaitForChange(position, absl::Now() + kHeartbeat)) continue;
    } else {
      position = changes->back().sequence();
      for (v1::Change& change : *changes) *response.add_changes() = std::move(change);
    }
    if (!writer->Write(response)) break;
  }
  return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::StreamSnapshot(
    grpc::ServerContext* context, const v1::StreamSnapshotRequest* /*request*/,
    grpc::ServerWriter<v1::StreamSnapshotResponse>* writer) {
  if (!store_->enabled()) {
    return ToGrpcStatus(store_->ReadChanges(0, 0).status());  // FailedPrecondition, explained.
  }
  ChangeSnapshot snapshot = store_->OpenSnapshot();
  v1::StreamSnapshotResponse response;
  size_t bytes = 0;
  for (auto& [cf, it] : snapshot.families) {
    const std::string& name = store_->family_name(cf);
    for (it->Seek(""); it->Valid(); it->Next()) {
      v1::KvChange* row = response.add_rows();
      row->set_column_family(name);
      row->set_kind(v1::KvChange::KIND_PUT);
      row->set_key(it->key().data(), it->key().size());
      row->set_value(it->value().data(), it->value().size());
      bytes += it->key().size() + it->value().size();
      if (bytes >= kMessageBytes) {
        if (context->IsCancelled() || !writer->Write(response)) {
          return grpc::Status(grpc::StatusCode::CANCELLED, "the replica went away");
        }
        response.Clear();
        bytes = 0;
      }
    }
    if (absl::Status s = it->status(); !s.ok()) return ToGrpcStatus(s);
  }
  response.set_done(true);
  response.set_sequence(snapshot.sequence);
  writer->Write(response);
  return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::GetChangePosition(grpc::ServerContext* /*context*/,
                                                       const v1::GetChangePositionRequest*,
                                                       v1::GetChangePositionResponse* response) {
  response->set_head_sequence(store_->head());
  return grpc::Status::OK;
}

}  // namespace clientele::identity
