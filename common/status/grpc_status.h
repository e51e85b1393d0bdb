// The one place where absl::Status and grpc::Status meet. Codes map 1:1 (their numeric
// values are the same canonical codes); messages longer than kMaxMessageBytes are cut.
// Payloads whose URL is a protobuf type URL ("type.googleapis.com/<message>", e.g. the
// google.rpc.RetryInfo of gateway/ratelimit/retry_delay.h) travel as the call's binary error
// details: a serialized google.rpc.Status whose `details` hold them as Any, the form every gRPC
// client library decodes. FromGrpcStatus turns such details back into payloads.
//
// Service adapters (the `*_service` classes) use it at their edge:
//
//   grpc::Status GetProfile(grpc::ServerContext* context, const Request* request,
//                           Response* response) override {
//     ServerCallInterrupt interrupt(context);
//     return Reply(domain_->GetProfile(*request, interrupt), response);
//   }
#ifndef CLIENTELE_COMMON_STATUS_GRPC_STATUS_H_
#define CLIENTELE_COMMON_STATUS_GRPC_STATUS_H_

#include <cstddef>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/status/interrupt.h"
#include "grpcpp/server_context.h"
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

// Moves an OK `result` into *response and returns OK; else returns the mapped error and leaves
// *response alone.
template <typename Response>
grpc::Status Reply(absl::StatusOr<Response> result, Response* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

// For a result that is a part of the response: calls `fill(T&&)` with an OK `result` and
// returns OK; else returns the mapped error without calling `fill`.
//
//   return ReplyWith(jobs_->GetJob(id), [&](v1::Job job) { *response->mutable_job() = job; });
template <typename T, typename Fill>
grpc::Status ReplyWith(absl::StatusOr<T> result, Fill&& fill) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  std::forward<Fill>(fill)(*std::move(result));
  return grpc::Status::OK;
}

// The Interrupt of a server call: DeadlineExceeded once the client's deadline has passed,
// Cancelled once the client cancelled the call or went away. `context` must outlive it; use it
// on the call's handler thread.
class ServerCallInterrupt final : public Interrupt {
 public:
  explicit ServerCallInterrupt(const grpc::ServerContextBase* context);
  absl::Status Check() const override;

 private:
  const grpc::ServerContextBase* const context_;
  const absl::Time deadline_;
};

}  // namespace clientele

#endif  // CLIENTELE_COMMON_STATUS_GRPC_STATUS_H_
