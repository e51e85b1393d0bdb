// gRPC adapter of clientele.gateway.v1.CustomerService (Customer 360) over Customer360Fanout.
// The gateway component serves it on its internal server; callers reach it through the
// front, which authorizes the call and masks the personal data of the answer by role.
// A component builds it in Open (services() are served before Start) and gives it the
// fan-out in Start, once the channels to the backends exist:
//
//   Open:   customers_ = std::make_unique<CustomerServiceImpl>();
//   Start:  customers_->Start(std::make_unique<Customer360Fanout>(Customer360Backends{
//               channels->ChannelTo("identity"), channels->ChannelTo("analytics"),
//               channels->ChannelTo("recommender")}));
//
// Thread-safe.
#ifndef CLIENTELE_GATEWAY_CUSTOMER_SERVICE_H_
#define CLIENTELE_GATEWAY_CUSTOMER_SERVICE_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "clientele/gateway/v1/customer.grpc.pb.h"
#include "gateway/customer360/customer360_fanout.h"

namespace clientele::gateway {

class CustomerServiceImpl final : public v1::CustomerService::Service {
 public:
  // Answers UNAVAILABLE until Start.
  CustomerServiceImpl();
  // Started with `fanout`.
  explicit CustomerServiceImpl(std::unique_ptr<Customer360Fanout> fanout);

  // Serves with `fanout` from now on. Once.
  void Start(std::unique_ptr<Customer360Fanout> fanout);

  // Blocks its handler thread while the backends answer (at most the part timeout twice:
  // the profile, then the parallel parts).
  grpc::Status GetCustomer360(grpc::ServerContext* context,
                              const v1::GetCustomer360Request* request,
                              v1::GetCustomer360Response* response) override;

 private:
  absl::Mutex mu_;
  std::shared_ptr<const Customer360Fanout> fanout_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_CUSTOMER_SERVICE_H_
