#include "gateway/http/connect_http_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gateway/http/connect_protocol.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "httplib.h"

namespace clientele::gateway {
namespace {

// As metrics::MetricsHttpServer's: closing the listening socket directly stops the accept
// loop whether or not it has started (httplib::Server::stop() does nothing before it has).
template <typename Base>
class Stoppable final : public Base {
 public:
  using Base::Base;
  void ForceStop() {
    const socket_t sock = this->svr_sock_.exchange(INVALID_SOCKET);
    if (sock != INVALID_SOCKET) {
      ::shutdown(sock, SHUT_RDWR);
      ::close(sock);
    }
  }
};

void ForceStop(httplib::Server* server, bool tls) {
  if (tls) {
    static_cast<Stoppable<httplib::SSLServer>*>(server)->ForceStop();
  } else {
    static_cast<Stoppable<httplib::Server>*>(server)->ForceStop();
  }
}

constexpr char kJson[] = "application/json";
constexpr time_t kKeepAliveSeconds = 5;

void ReplyError(httplib::Response& response, absl::StatusCode code, std::string_view message,
                const std::vector<ConnectErrorDetail>& details = {}, int http_status = 0) {
  response.status = http_status != 0 ? http_status : ConnectHttpStatus(code);
  response.set_content(ConnectErrorJson(code, message, details), kJson);
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool FromByteBuffer(const grpc::ByteBuffer& buffer, std::string* bytes) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  bytes->clear();
  for (const grpc::Slice& s : slices) {
    bytes->append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return true;
}

// One Connect request: checks it, forwards it over `stub`, writes the answer.
void Serve(grpc::GenericStub& stub, const ConnectHttpOptions& options,
           const httplib::Request& request, httplib::Response& response) {
  absl::StatusOr<ConnectPath> path = ParseConnectPath(request.path);
  const google::protobuf::MethodDescriptor* method =
      path.ok() ? google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
                      absl::StrCat(path->service, ".", path->method))
                : nullptr;
  if (method == nullptr) {
    ReplyError(response, absl::StatusCode::kUnimplemented, absl::StrCat("no method ", request.path),
               {}, 404);
    return;
  }
  if (method->client_streaming() || method->server_streaming()) {
    ReplyError(
        response, absl::StatusCode::kUnimplemented,
        absl::StrCat(request.path, " is a streaming method: HTTP/JSON serves unary methods only"),
        {}, 415);
    return;
  }
  if (!IsJsonContentType(request.get_header_value("Content-Type"))) {
    ReplyError(response, absl::StatusCode::kUnimplemented,
               absl::StrCat("Content-Type '", request.get_header_value("Content-Type"),
                            "': only application/json is served"),
               {}, 415);
    return;
  }
  if (request.has_header("Connect-Protocol-Version") &&
      request.get_header_value("Connect-Protocol-Version") != "1") {
    ReplyError(response, absl::StatusCode::kInvalidArgument,
               "Connect-Protocol-Version: only version 1 is served");
    return;
  }
  absl::Duration timeout = options.default_timeout;
  if (request.has_header("Connect-Timeout-Ms")) {
    absl::StatusOr<absl::Duration> parsed =
        ParseConnectTimeout(request.get_header_value("Connect-Timeout-Ms"));
    if (!parsed.ok()) {
      ReplyError(response, parsed.status().code(), std::string(parsed.status().message()));
      return;
    }
    timeout = *parsed;
  }

  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> input(
      factory->GetPrototype(method->input_type())->New());
  const std::string body = request.body.empty() ? "{}" : request.body;
  if (auto parsed = google::protobuf::util::JsonStringToMessage(body, input.get()); !parsed.ok()) {
    ReplyError(response, absl::StatusCode::kInvalidArgument,
               absl::StrCat("request body is not a ", method->input_type()->full_name(),
                            " in JSON: ", parsed.message().as_string()));
    return;
  }

  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (request.has_header("Authorization")) {
    context.AddMetadata("authorization", request.get_header_value("Authorization"));
  }
  const std::string grpc_method = absl::StrCat("/", path->service, "/", path->method);
  const grpc::ByteBuffer request_bytes = ToByteBuffer(input->SerializeAsString());
  grpc::ByteBuffer reply_bytes;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, grpc_method, grpc::StubOptions(), &request_bytes, &reply_bytes,
                 [&status, &done](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (!status.ok()) {
    ReplyError(response, static_cast<absl::StatusCode>(status.error_code()), status.error_message(),
               DetailsOfRpcStatus(status.error_details()));
    return;
  }
  std::unique_ptr<google::protobuf::Message> output(
      factory->GetPrototype(method->output_type())->New());
  std::string reply;
  if (!FromByteBuffer(reply_bytes, &reply) || !output->ParseFromString(reply)) {
    ReplyError(response, absl::StatusCode::kInternal,
               absl::StrCat("the reply is not a ", method->output_type()->full_name()));
    return;
  }
  std::string json;
  if (auto printed = google::protobuf::util::MessageToJsonString(*output, &json); !printed.ok()) {
    ReplyError(
        response, absl::StatusCode::kInternal,
        absl::StrCat("the reply cannot be written as JSON: ", printed.message().as_string()));
    return;
  }
  response.status = 200;
  response.set_content(json, kJson);
}

struct HostPort {
  std::string host;
  int port = 0;
};

// "host:port" or "[v6]:port"; an empty host means all IPv4 interfaces.
absl::StatusOr<HostPort> ParseListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  const std::string port = colon == std::string::npos ? "" : listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos ||
      std::atoi(port.c_str()) > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http_listen: expected host:port, got '", listen, "'"));
  }
  HostPort result;
  result.host = listen.substr(0, colon);
  if (result.host.size() >= 2 && result.host.front() == '[' && result.host.back() == ']') {
    result.host = result.host.substr(1, result.host.size() - 2);
  }
  if (result.host.empty()) result.host = "0.0.0.0";
  result.port = std::atoi(port.c_str());
  return result;
}

}  // namespace

ConnectHttpServer::ConnectHttpServer(std::string listen, std::shared_ptr<grpc::Channel> channel,
                                     ConnectHttpOptions options)
    : listen_(std::move(listen)), channel_(std::move(channel)), options_(options) {}

ConnectHttpServer::~ConnectHttpServer() { Stop(); }

absl::Status ConnectHttpServer::Start() {
  if (server_ != nullptr) return absl::FailedPreconditionError("already started");
  absl::StatusOr<HostPort> address = ParseListen(listen_);
  if (!address.ok()) return address.status();
  const bool tls = !options_.tls_cert_file.empty() || !options_.tls_key_file.empty();
  std::unique_ptr<httplib::Server> server;
  if (tls) {
    if (options_.tls_cert_file.empty() || options_.tls_key_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls_cert and --tls_key: HTTPS needs both the certificate and the key");
    }
    auto ssl = std::make_unique<Stoppable<httplib::SSLServer>>(options_.tls_cert_file.c_str(),
                                                               options_.tls_key_file.c_str());
    if (!ssl->is_valid()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--tls_cert, --tls_key: the HTTP/JSON listener cannot load '",
                       options_.tls_cert_file, "' and '", options_.tls_key_file, "'"));
    }
    server = std::move(ssl);
  } else {
    server = std::make_unique<Stoppable<httplib::Server>>();
  }
  tls_ = tls;
  const int threads = options_.worker_threads;
  server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server->set_keep_alive_timeout(kKeepAliveSeconds);
  server->set_payload_max_length(options_.max_body_bytes);
  // Keep only SO_REUSEADDR: httplib's default SO_REUSEPORT lets a second server share the port.
  server->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  auto stub = std::make_shared<grpc::GenericStub>(channel_);
  const ConnectHttpOptions options = options_;
  server->Post(".*", [stub, options](const httplib::Request& request, httplib::Response& response) {
    Serve(*stub, options, request, response);
  });
  auto not_post = [](const httplib::Request&, httplib::Response& response) {
    ReplyError(response, absl::StatusCode::kUnimplemented, "HTTP/JSON methods are called with POST",
               {}, 405);
  };
  server->Get(".*", not_post);
  server->Put(".*", not_post);
  server->Patch(".*", not_post);
  server->Delete(".*", not_post);
  // httplib answers a body over the limit with 413 before any handler runs.
  server->set_error_handler([](const httplib::Request&, httplib::Response& response) {
    if (response.status == 413) {
      ReplyError(response, absl::StatusCode::kResourceExhausted, "request body too large", {}, 413);
    }
  });

  int port = address->port;
  if (port == 0) {
    port = server->bind_to_any_port(address->host);
  } else if (!server->bind_to_port(address->host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return absl::UnavailableError(absl::StrCat("--http_listen: cannot bind ", listen_));
  }
  server_ = std::move(server);
  port_ = port;
  std::lock_guard<std::mutex> lock(stop_mu_);
  // The socket listens already: connections queue until the loop accepts them.
  thread_ = std::thread([http = server_.get()] { http->listen_after_bind(); });
  return absl::OkStatus();
}

void ConnectHttpServer::Stop() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (!thread_.joinable()) return;
  ForceStop(server_.get(), tls_);
  thread_.join();
}

}  // namespace clientele::gateway
