#include "common/status/grpc_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "google/rpc/status.pb.h"

namespace clientele {

namespace {

constexpr absl::string_view kTypeUrlPrefix = "type.googleapis.com/";

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  std::string message(status.message().substr(0, kMaxStatusMessageBytes));
  google::rpc::Status details;
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
    if (!absl::StartsWith(type_url, kTypeUrlPrefix)) return;
    google::protobuf::Any* any = details.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(payload));
  });
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (details.details_size() == 0) return grpc::Status(code, std::move(message));
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  return grpc::Status(code, std::move(message), details.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const google::protobuf::Any& any : details.details()) {
      out.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  return out;
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
