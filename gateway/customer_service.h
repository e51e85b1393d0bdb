// gRPC adapter of clientele.gateway.v1.CustomerService (Customer 360) over Customer360Fanout.
// The gateway component serves it on its internal server; callers reach it through the
// front, which authorizes the call and masks the personal data of the answer by role.
//
//   CustomerServiceImpl service(std::make_unique<Customer360Fanout>(Customer360Backends{
//       channels->ChannelTo("identity"), channels->ChannelTo("analytics"),
//       channels->ChannelTo("recommender")}));
//
// Thread-safe.
#ifndef CLIENTELE_GATEWAY_CUSTOMER_SERVICE_H_
#define CLIENTELE_GATEWAY_CUSTOMER_SERVICE_H_

#include <memory>

#include "clientele/gateway/v1/customer.grpc.pb.h"
#include "gateway/customer360/customer360_fanout.h"

namespace clientele::gateway {

class CustomerServiceImpl final : public v1::CustomerService::Service {
 public:
  explicit CustomerServiceImpl(std::unique_ptr<Customer360Fanout> fanout);

  // Blocks its handler thread while the backends answer (at most the part timeout twice:
  // the profile, then the parallel parts).
  grpc::Status GetCustomer360(grpc::ServerContext* context,
                              const v1::GetCustomer360Request* request,
                              v1::GetCustomer360Response* response) override;

 private:
  const std::unique_ptr<Customer360Fanout> fanout_;
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_CUSTOMER_SERVICE_H_
