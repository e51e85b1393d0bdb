// What the front's calls (front_service.h) share: the admitted call's facts, the backend
// call's context, the response filter and the status mapping. Internal to gateway/front.
#ifndef CLIENTELE_GATEWAY_FRONT_FORWARDING_H_
#define CLIENTELE_GATEWAY_FRONT_FORWARDING_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/call_policy.h"
#include "gateway/caller.h"
#include "gateway/caller_metadata.h"
#include "google/protobuf/message.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/status.h"

namespace clientele::gateway::front {

// One admitted call. `policy` (not owned) outlives it.
struct ForwardedCall {
  CallPolicy* policy = nullptr;
  Caller caller;
  std::string method;
  // Set when the policy inspects this caller's responses of the method: a prototype of the
  // method's response type (the generated pool's; not owned).
  const google::protobuf::Message* inspected_response = nullptr;
};

// Asks `policy` to admit a front call of `method`, with the call's credentials: its
// "authorization" metadata and the common name of its verified client certificate.
absl::StatusOr<Caller> AdmitCall(CallPolicy& policy, const grpc::ServerContextBase& context,
                                 const std::string& method);

// The context of the backend call for a front call: the front call's deadline and
// cancellation propagate to it, and the client's metadata is passed on except the
// credentials ("authorization") and transport headers.
std::unique_ptr<grpc::ClientContext> NewBackendContext(const grpc::ServerContextBase& server);

// Sets the caller metadata (caller_metadata.h) on a backend call.
void AddCallerMetadata(const Caller& caller, grpc::ClientContext* context);

// Passes the backend's trailing metadata (but gRPC's own keys) on to the front call.
void PassTrailingMetadata(const grpc::ClientContext& backend, grpc::ServerContextBase* server);

// Runs `message` (a response of call.method) through CallPolicy::FilterResponse when
// call.inspected_response is set; otherwise leaves it untouched. An error means the message
// must not be sent: INTERNAL when it does not parse, else the policy's error.
grpc::Status FilterResponse(const ForwardedCall& call, grpc::ByteBuffer* message);

// For a response the front composed itself (merged from several backends): runs it through
// CallPolicy::FilterResponse when call.inspected_response is set, then serializes it into
// `out`. An error means nothing may be sent.
grpc::Status FilterAndSerialize(const ForwardedCall& call, google::protobuf::Message& response,
                                grpc::ByteBuffer* out);

// absl -> gRPC for the front's own errors (the policy's verdicts): typed payloads such as a
// google.rpc.RetryInfo travel as the binary status details (common/status/grpc_status.h).
grpc::Status ToFrontStatus(const absl::Status& status);

}  // namespace clientele::gateway::front

#endif  // CLIENTELE_GATEWAY_FRONT_FORWARDING_H_
