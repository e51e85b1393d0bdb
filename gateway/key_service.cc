#include "gateway/key_service.h"

#include <utility>

#include "common/status/grpc_status.h"
#include "common/time/proto_time.h"

namespace clientele::gateway {

grpc::Status KeyServiceImpl::CreateKey(grpc::ServerContext* /*context*/,
                                       const v1::CreateKeyRequest* request,
                                       v1::CreateKeyResponse* response) {
  KeySpec spec;
  spec.name = request->name();
  spec.role = request->role();
  spec.rps = request->rps();
  if (request->has_expires_at()) {
    absl::StatusOr<absl::Time> expires_at =
        ParseProtoTimestamp(request->expires_at(), "expires_at");
    if (!expires_at.ok()) return ToGrpcStatus(expires_at.status());
    spec.expires_at = *expires_at;
  }
  return ReplyWith(keys_->CreateKey(spec), [&](NewKey created) {
    response->set_key_id(created.info.key_id());
    response->set_key(std::move(created.key));
    response->set_role(created.info.role());
    *response->mutable_info() = std::move(created.info);
  });
}

grpc::Status KeyServiceImpl::ListKeys(grpc::ServerContext* /*context*/,
                                      const v1::ListKeysRequest* /*request*/,
                                      v1::ListKeysResponse* response) {
  for (v1::KeyInfo& key : keys_->ListKeys()) *response->add_keys() = std::move(key);
  return grpc::Status::OK;
}

grpc::Status KeyServiceImpl::RevokeKey(grpc::ServerContext* /*context*/,
                                       const v1::RevokeKeyRequest* request,
                                       v1::RevokeKeyResponse* response) {
  if (request->key_id().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "key_id: required");
  }
  return ReplyWith(keys_->RevokeKey(request->key_id()), [&](v1::KeyInfo key) {
    if (limiter_ != nullptr) limiter_->Forget(key.key_id());
    *response->mutable_key() = std::move(key);
  });
}

}  // namespace clientele::gateway
