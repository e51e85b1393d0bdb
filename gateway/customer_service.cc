#include "gateway/customer_service.h"

#include <utility>

#include "common/proto_check/grpc_request_parsing.h"
#include "common/status/grpc_status.h"

namespace clientele::gateway {

CustomerServiceImpl::CustomerServiceImpl() {
  // A request protobuf refuses fails INVALID_ARGUMENT naming the field (docs/decisions.md).
  const auto& service =
      *v1::GetCustomer360Request::descriptor()->file()->FindServiceByName("CustomerService");
  MarkMethodStreamed(
      proto_check::MethodIndex(service, "GetCustomer360"),
      proto_check::NewCheckedUnaryHandler(this, &CustomerServiceImpl::GetCustomer360));
}

CustomerServiceImpl::CustomerServiceImpl(std::unique_ptr<Customer360Fanout> fanout)
    : CustomerServiceImpl() {
  Start(std::move(fanout));
}

void CustomerServiceImpl::Start(std::unique_ptr<Customer360Fanout> fanout) {
  absl::MutexLock lock(&mu_);
  fanout_ = std::move(fanout);
}

grpc::Status CustomerServiceImpl::GetCustomer360(grpc::ServerContext* context,
                                                 const v1::GetCustomer360Request* request,
                                                 v1::GetCustomer360Response* response) {
  std::shared_ptr<const Customer360Fanout> fanout;
  {
    absl::MutexLock lock(&mu_);
    fanout = fanout_;
  }
  if (fanout == nullptr) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the Customer 360 is starting");
  }
  return Reply(fanout->Get(*request, absl::FromChrono(context->deadline()), context), response);
}

}  // namespace clientele::gateway
