// The gRPC side of Customer 360: makes the backend calls that Customer360Assembler asks for
// (identity first, then identity, analytics and the recommender in parallel through the
// callback stubs) and hands their results back to it. Every backend call gets its own
// deadline: part_timeout from when it starts, and never later than the caller's deadline
// less `reserve` (so the answer, partial or not, reaches the caller in time).
//
//   Customer360Backends backends{channels->ChannelTo("identity"),
//                                channels->ChannelTo("analytics"),
//                                channels->ChannelTo("recommender")};
//   Customer360Fanout fanout(std::move(backends));
//   absl::StatusOr<v1::GetCustomer360Response> r = fanout.Get(request, caller_deadline);
//
// Thread-safe: Get may be called from many threads at once; it blocks its caller (a sync
// handler thread) until every call it made has ended.
#ifndef CLIENTELE_GATEWAY_CUSTOMER360_CUSTOMER360_FANOUT_H_
#define CLIENTELE_GATEWAY_CUSTOMER360_CUSTOMER360_FANOUT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clientele/analytics/v1/analytics.grpc.pb.h"
#include "clientele/gateway/v1/customer.pb.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "clientele/recommender/v1/recommender.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/server_context.h"

namespace clientele::gateway {

// Channels to the backends; a null channel is a backend this deployment cannot reach (its
// parts come back UNAVAILABLE).
struct Customer360Backends {
  std::shared_ptr<grpc::Channel> identity;
  std::shared_ptr<grpc::Channel> analytics;
  std::shared_ptr<grpc::Channel> recommender;
};

struct Customer360Options {
  // The longest any one backend call may take.
  absl::Duration part_timeout = absl::Seconds(2);
  // Kept from the caller's deadline for assembling and sending the answer.
  absl::Duration reserve = absl::Milliseconds(20);
};

class Customer360Fanout {
 public:
  explicit Customer360Fanout(Customer360Backends backends, Customer360Options options = {});

  // The answer for `request`: InvalidArgument naming the field for a bad request, NotFound
  // when identity knows no such customer; otherwise OK with a status per part.
  // `caller_deadline` is absl::InfiniteFuture() when the caller set none. With `caller` (the
  // server call being answered; it must outlive Get), the backend calls are its children:
  // cancelling it cancels them.
  absl::StatusOr<v1::GetCustomer360Response> Get(
      const v1::GetCustomer360Request& request, absl::Time caller_deadline,
      const grpc::ServerContextBase* caller = nullptr) const;

 private:
  absl::Time PartDeadline(absl::Time caller_deadline) const;

  const Customer360Options options_;
  // Null when the backend's channel is.
  const std::unique_ptr<identity::v1::IdentityService::Stub> identity_;
  const std::unique_ptr<analytics::v1::AnalyticsService::Stub> analytics_;
  const std::unique_ptr<recommender::v1::RecommenderService::Stub> recommender_;
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_CUSTOMER360_CUSTOMER360_FANOUT_H_
