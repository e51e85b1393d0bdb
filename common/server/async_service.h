// A service that handles its calls on completion queues of its own (gRPC's async API) rather
// than on gRPC's callback threads: the server hands each call's events to the threads that poll
// those queues, with no hop to another thread. GrpcServer (grpc_server.h) drives it:
//
//   Register(builder)   before the server is built: registers the service's methods and adds
//                       the completion queues (grpc::ServerBuilder::AddCompletionQueue);
//   Start()             once the server runs: starts the threads that poll the queues;
//   Stop()              once grpc::Server::Shutdown has returned (every call has ended): shuts
//                       the queues down, drains them and joins the threads.
//
// The methods a server registers this way are served here; every other method still reaches
// the server's other services (and its generic service).
#ifndef CLIENTELE_COMMON_SERVER_ASYNC_SERVICE_H_
#define CLIENTELE_COMMON_SERVER_ASYNC_SERVICE_H_

#include "grpcpp/server_builder.h"
#include "grpcpp/server_context.h"

namespace clientele::server {

// The server context an AsyncService gives each of its calls: it tells the server's
// interceptors that no handler thread belongs to the call (call_context_interceptor.h).
class AsyncServerContext : public grpc::ServerContext {};

// Each step is called once, in the order above, from one thread; Stop may come without Start
// (the server did not start), and must then still shut the queues down.
class AsyncService {
 public:
  virtual ~AsyncService() = default;

  virtual void Register(grpc::ServerBuilder& builder) = 0;
  virtual void Start() = 0;
  virtual void Stop() = 0;
};

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_ASYNC_SERVICE_H_
