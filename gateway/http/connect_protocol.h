// The Connect protocol's unary JSON form (connectrpc.com/docs/protocol), the parts that need
// no I/O: the error codes' names and HTTP statuses, the error body, the timeout header, and
// the error details carried in a gRPC status.
//
//   POST /clientele.identity.v1.IdentityService/GetProfile
//   Content-Type: application/json
//   Connect-Timeout-Ms: 2000                         (optional)
//   Authorization: Bearer <key>                      (optional)
//   {"lookup": {"email": "a@example.com"}}
//
//   200 application/json {"profile": {...}}          or, e.g.,
//   404 application/json {"code": "not_found", "message": "..."}
//
// Pure functions; thread-safe.
#ifndef CLIENTELE_GATEWAY_HTTP_CONNECT_PROTOCOL_H_
#define CLIENTELE_GATEWAY_HTTP_CONNECT_PROTOCOL_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace clientele::gateway {

// Connect's name of a code: snake_case gRPC names, except CANCELLED, which is "canceled".
std::string_view ConnectCodeName(absl::StatusCode code);

// The HTTP status Connect answers an error of `code` with (e.g. 400 invalid_argument, 401
// unauthenticated, 403 permission_denied, 404 not_found, 429 resource_exhausted, 503
// unavailable, 504 deadline_exceeded, 499 canceled, 501 unimplemented).
int ConnectHttpStatus(absl::StatusCode code);

// One entry of an error's "details": the Any's type name without its URL prefix (e.g.
// "google.rpc.RetryInfo") and its serialized value.
struct ConnectErrorDetail {
  std::string type;
  std::string value;
};

// The error body: {"code": "...", "message": "...", "details": [{"type": "...", "value":
// "<base64, unpadded>"}]}; "message" when not empty, "details" when there are any.
// REQUIRES: code != kOk.
std::string ConnectErrorJson(absl::StatusCode code, std::string_view message,
                             const std::vector<ConnectErrorDetail>& details = {});

// The details of a serialized google.rpc.Status (gRPC's binary error details): its Any
// messages. Bytes that are not one give no details.
std::vector<ConnectErrorDetail> DetailsOfRpcStatus(std::string_view serialized_status);

// The value of the Connect-Timeout-Ms header: 1 to 10 ASCII digits, in milliseconds.
// InvalidArgument naming the header otherwise.
absl::StatusOr<absl::Duration> ParseConnectTimeout(std::string_view value);

// Whether a Content-Type is JSON: "application/json", any case, parameters (charset=utf-8)
// allowed.
bool IsJsonContentType(std::string_view content_type);

// Splits "/<package>.<Service>/<Method>" into the full service and method names.
// InvalidArgument for any other shape.
struct ConnectPath {
  std::string service;  // e.g. "clientele.identity.v1.IdentityService"
  std::string method;   // e.g. "GetProfile"
};
absl::StatusOr<ConnectPath> ParseConnectPath(std::string_view path);

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_HTTP_CONNECT_PROTOCOL_H_
