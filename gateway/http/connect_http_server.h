// HTTP/JSON for callers without gRPC: serves every unary method of the protos linked into the
// binary in the Connect protocol's JSON form (connect_protocol.h) and forwards each call as a
// gRPC call over one channel. In clienteled that channel is the public front's in-process
// channel, so authentication, roles, rate limits, masking and audit apply exactly as to gRPC
// callers: the HTTP Authorization header travels as the "authorization" metadata, and
// Connect-Timeout-Ms becomes the call's deadline.
//
//   ConnectHttpServer http("0.0.0.0:8080", front->InProcessChannel());
//   CLT_RETURN_IF_ERROR(http.Start());
//   ... http.port() ...
//   http.Stop();  // Or let it go out of scope.
//
// Answers: 200 with the response as JSON (protobuf's JSON mapping, field names in
// lowerCamelCase as Connect clients expect; either spelling accepted in requests); errors as
// Connect error JSON with the HTTP status Connect maps the code to. Refused before any call:
// a path that names no method (404 unimplemented), a streaming method (415 unimplemented), a
// Content-Type other than application/json (415 unimplemented), a method other than POST (405
// unimplemented), a body that is not the request's JSON or a bad Connect-Timeout-Ms (400
// invalid_argument naming the problem).
//
// With ConnectHttpOptions::tls_cert_file and tls_key_file it serves HTTPS.
//
// Thread-safe. Serves on `worker_threads` threads of its own; each waits for its gRPC call.
#ifndef CLIENTELE_GATEWAY_HTTP_CONNECT_HTTP_SERVER_H_
#define CLIENTELE_GATEWAY_HTTP_CONNECT_HTTP_SERVER_H_

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace clientele::gateway {

struct ConnectHttpOptions {
  int worker_threads = 8;
  // The deadline of a call without Connect-Timeout-Ms.
  absl::Duration default_timeout = absl::Seconds(60);
  // Largest request body accepted (413 resource_exhausted beyond).
  size_t max_body_bytes = 16 << 20;
  // PEM files of the listener's certificate (chain) and private key: HTTPS. Both empty:
  // plain HTTP. One without the other is refused by Start.
  std::string tls_cert_file;
  std::string tls_key_file;
};

class ConnectHttpServer {
 public:
  // `listen`: "host:port" or "[v6-host]:port"; port 0 picks a free port. `channel` carries
  // every call (not null).
  ConnectHttpServer(std::string listen, std::shared_ptr<grpc::Channel> channel,
                    ConnectHttpOptions options = {});
  ConnectHttpServer(const ConnectHttpServer&) = delete;
  ConnectHttpServer& operator=(const ConnectHttpServer&) = delete;
  // Calls Stop().
  ~ConnectHttpServer();

  // Binds the address and serves before returning. InvalidArgument naming --http_listen for a
  // malformed address, or naming --tls_cert / --tls_key for TLS files that do not load;
  // Unavailable if the address cannot be bound. Once.
  absl::Status Start();

  // The bound port (the chosen one for port 0); 0 before Start.
  int port() const { return port_; }

  // Closes the listening socket and waits for the serving threads (requests in progress
  // complete). Idempotent.
  void Stop();

 private:
  const std::string listen_;
  const std::shared_ptr<grpc::Channel> channel_;
  const ConnectHttpOptions options_;
  std::unique_ptr<httplib::Server> server_;  // An httplib::SSLServer with TLS.
  bool tls_ = false;
  int port_ = 0;
  std::mutex stop_mu_;
  std::thread thread_;  // Runs the accept loop; joined by Stop(). Guarded by stop_mu_.
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_HTTP_CONNECT_HTTP_SERVER_H_
