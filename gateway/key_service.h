// clientele.gateway.v1.KeyService over the key store: a thin adapter. Who may call it (admin
// only) is the call policy's business, enforced by the front before a call gets here.
#ifndef CLIENTELE_GATEWAY_KEY_SERVICE_H_
#define CLIENTELE_GATEWAY_KEY_SERVICE_H_

#include "clientele/gateway/v1/keys.grpc.pb.h"
#include "gateway/auth/key_store.h"
#include "gateway/ratelimit/rate_limiter.h"

namespace clientele::gateway {

class KeyServiceImpl final : public v1::KeyService::Service {
 public:
  // Not owned, must outlive the service. `limiter` may be null (forgets revoked keys' buckets).
  KeyServiceImpl(KeyStore* keys, RateLimiter* limiter) : keys_(keys), limiter_(limiter) {}

  grpc::Status CreateKey(grpc::ServerContext* context, const v1::CreateKeyRequest* request,
                         v1::CreateKeyResponse* response) override;
  grpc::Status ListKeys(grpc::ServerContext* context, const v1::ListKeysRequest* request,
                        v1::ListKeysResponse* response) override;
  grpc::Status RevokeKey(grpc::ServerContext* context, const v1::RevokeKeyRequest* request,
                         v1::RevokeKeyResponse* response) override;

 private:
  KeyStore* const keys_;
  RateLimiter* const limiter_;
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_KEY_SERVICE_H_
