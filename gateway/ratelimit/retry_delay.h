// A retry delay carried by an absl::Status: RESOURCE_EXHAUSTED errors of the rate limiter say
// when to try again. The delay travels as the status payload
// "type.googleapis.com/google.rpc.RetryInfo" (a serialized google.rpc.RetryInfo), which
// common/status/grpc_status.h's ToGrpcStatus sends as the call's binary error details (a
// google.rpc.Status holding the RetryInfo), the form every gRPC client library decodes.
//
//   absl::Status status = ResourceExhaustedWithRetryDelay("rate limit of key-1 (10/s)",
//                                                         absl::Milliseconds(80));
//   // status.message(): "rate limit of key-1 (10/s) exceeded; retry after 80ms"
//   std::optional<absl::Duration> delay = RetryDelay(status);  // 80ms
#ifndef CLIENTELE_GATEWAY_RATELIMIT_RETRY_DELAY_H_
#define CLIENTELE_GATEWAY_RATELIMIT_RETRY_DELAY_H_

#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace clientele::gateway {

inline constexpr std::string_view kRetryInfoTypeUrl = "type.googleapis.com/google.rpc.RetryInfo";

// RESOURCE_EXHAUSTED "<what> exceeded; retry after <delay>" with the RetryInfo payload.
// A negative delay counts as zero.
absl::Status ResourceExhaustedWithRetryDelay(std::string_view what, absl::Duration delay);

// Attaches (or replaces) the RetryInfo payload of `status` (not OK).
void SetRetryDelay(absl::Status& status, absl::Duration delay);

// The delay of the RetryInfo payload; nullopt when there is none or it does not parse.
std::optional<absl::Duration> RetryDelay(const absl::Status& status);

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_RATELIMIT_RETRY_DELAY_H_
