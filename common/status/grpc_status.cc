#include "common/status/grpc_status.h"

#include <string>

#include "absl/time/clock.h"

namespace clientele {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  std::string message(status.message().substr(0, kMaxStatusMessageBytes));
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::move(message));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

std::string GrpcCodeName(grpc::StatusCode code) {
  const int number = static_cast<int>(code);
  if (number < 0 || number > static_cast<int>(grpc::StatusCode::UNAUTHENTICATED)) {
    return "CODE_" + std::to_string(number);
  }
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(number));
}

std::string DescribeGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return "OK";
  return GrpcCodeName(status.error_code()) + ": " + status.error_message();
}

ServerCallInterrupt::ServerCallInterrupt(const grpc::ServerContextBase* context)
    : context_(context), deadline_(absl::FromChrono(context->deadline())) {}

absl::Status ServerCallInterrupt::Check() const {
  if (deadline_ != absl::InfiniteFuture() && absl::Now() >= deadline_) {
    return absl::DeadlineExceededError("the call's deadline passed before the work was done");
  }
  if (context_->IsCancelled()) {
    return absl::CancelledError("the client cancelled the call or went away");
  }
  return absl::OkStatus();
}

}  // namespace clientele
