#include "common/status/grpc_status.h"

#include <string>

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

}  // namespace clientele
