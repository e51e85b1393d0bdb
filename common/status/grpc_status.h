// The one place where absl::Status and grpc::Status meet. Codes map 1:1 (their numeric
// values are the same canonical codes); messages longer than kMaxMessageBytes are cut.
#ifndef CLIENTELE_COMMON_STATUS_GRPC_STATUS_H_
#define CLIENTELE_COMMON_STATUS_GRPC_STATUS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace clientele {

inline constexpr size_t kMaxStatusMessageBytes = 2048;

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// The canonical name of a status code as gRPC and absl spell it ("UNAVAILABLE",
// "INVALID_ARGUMENT"); "CODE_<n>" for a number outside the canonical codes. Every binary names
// codes with it (errors, reports, metrics labels), never by number.
std::string GrpcCodeName(grpc::StatusCode code);

// "<CODE NAME>: <message>", e.g. "UNAVAILABLE: failed to connect to all addresses"; "OK" for OK.
std::string DescribeGrpcStatus(const grpc::Status& status);

}  // namespace clientele

#endif  // CLIENTELE_COMMON_STATUS_GRPC_STATUS_H_
