// A gRPC server interceptor that gives every call a request id and makes the call known to
// the logs (common/logging/log_context.h):
//
// - The request id is the client's `x-request-id` metadata when it has one of 1 to 128
//   printable ASCII characters; otherwise 32 random hex digits. It is sent back as the
//   response's initial metadata `x-request-id`, so a caller can quote it.
// - On the thread that runs a sync-API handler, the call's method and request id (and its
//   component, from the method's package) are the thread's log context while the handler runs:
//   set when the call's metadata arrives, cleared when its status is sent. Handlers of the
//   callback API run on gRPC's threads, and the calls of an AsyncService (async_service.h) on
//   its own, where nothing is set.
//
// GrpcServer installs it first, so the other interceptors' logs carry the context too.
#ifndef CLIENTELE_COMMON_SERVER_CALL_CONTEXT_INTERCEPTOR_H_
#define CLIENTELE_COMMON_SERVER_CALL_CONTEXT_INTERCEPTOR_H_

#include <string>
#include <string_view>

#include "grpcpp/support/server_interceptor.h"

namespace clientele::server {

inline constexpr char kRequestIdMetadata[] = "x-request-id";

// The request id for a client-sent value (empty: none sent): `sent` if acceptable (see above),
// else a new random one. Exposed for tests.
std::string ChooseRequestId(std::string_view sent);

// Stateless and thread-safe.
class CallContextInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_CALL_CONTEXT_INTERCEPTOR_H_
