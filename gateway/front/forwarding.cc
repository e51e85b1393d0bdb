#include "gateway/front/forwarding.h"

#include <string_view>

#include "common/server/tls_identity.h"
#include "common/status/grpc_status.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/security/auth_context.h"

namespace clientele::gateway::front {
namespace {

std::string_view View(const grpc::string_ref& ref) { return {ref.data(), ref.size()}; }

// Metadata a proxy must not pass on: the caller's credentials, HTTP/2 and gRPC transport
// headers (gRPC sets its own).
bool PassesOn(std::string_view key) {
  return !key.empty() && key[0] != ':' && key.substr(0, 5) != "grpc-" && key != "authorization" &&
         key != "content-type" && key != "user-agent" && key != "te" && key != "host" &&
         key.rfind(kCallerMetadataPrefix, 0) != 0;
}

}  // namespace

absl::StatusOr<Caller> AdmitCall(CallPolicy& policy, const grpc::ServerContextBase& context,
                                 const std::string& method) {
  CallCredentials credentials;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    credentials.authorization = View(it->second);
  }
  std::string identity;
  if (std::shared_ptr<const grpc::AuthContext> auth = context.auth_context(); auth != nullptr) {
    identity = server::PeerCertificateIdentity(*auth);
  }
  credentials.certificate_identity = identity;
  return policy.Admit(credentials, method);
}

std::unique_ptr<grpc::ClientContext> NewBackendContext(const grpc::ServerContextBase& server) {
  std::unique_ptr<grpc::ClientContext> context = grpc::ClientContext::FromServerContext(server);
  for (const auto& [key, value] : server.client_metadata()) {
    if (PassesOn(View(key))) context->AddMetadata(std::string(View(key)), std::string(View(value)));
  }
  return context;
}

void AddCallerMetadata(const Caller& caller, grpc::ClientContext* context) {
  // Metadata values must be printable ASCII; a key's name may be any text.
  auto printable = [](std::string value) {
    for (char& c : value) {
      if (c < 0x20 || c > 0x7e) c = '?';
    }
    return value;
  };
  context->AddMetadata(kCallerKeyIdMetadata, printable(caller.key_id));
  context->AddMetadata(kCallerNameMetadata, printable(caller.name));
  context->AddMetadata(kCallerRoleMetadata, printable(caller.role));
}

void PassTrailingMetadata(const grpc::ClientContext& backend, grpc::ServerContextBase* server) {
  for (const auto& [key, value] : backend.GetServerTrailingMetadata()) {
    if (PassesOn(View(key))) {
      server->AddTrailingMetadata(std::string(View(key)), std::string(View(value)));
    }
  }
}

grpc::Status FilterResponse(const ForwardedCall& call, grpc::ByteBuffer* message) {
  if (call.inspected_response == nullptr) return grpc::Status::OK;
  std::unique_ptr<google::protobuf::Message> response(call.inspected_response->New());
  if (!grpc::SerializationTraits<google::protobuf::Message>::Deserialize(message, response.get())
           .ok()) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "the backend's response does not parse");
  }
  return FilterAndSerialize(call, *response, message);
}

grpc::Status FilterAndSerialize(const ForwardedCall& call, google::protobuf::Message& response,
                                grpc::ByteBuffer* out) {
  if (call.inspected_response != nullptr) {
    if (absl::Status s = call.policy->FilterResponse(call.caller, call.method, response); !s.ok()) {
      return ToFrontStatus(s);
    }
  }
  bool own_buffer = false;
  return grpc::SerializationTraits<google::protobuf::Message>::Serialize(response, out,
                                                                         &own_buffer);
}

grpc::Status ToFrontStatus(const absl::Status& status) { return ToGrpcStatus(status); }

}  // namespace clientele::gateway::front
