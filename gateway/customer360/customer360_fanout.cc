#include "gateway/customer360/customer360_fanout.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "gateway/customer360/customer360_assembler.h"

namespace clientele::gateway {
namespace {

template <typename Stub>
std::unique_ptr<Stub> StubOf(const std::shared_ptr<grpc::Channel>& channel) {
  return channel ? std::make_unique<Stub>(channel) : nullptr;
}

absl::Status NotReachable() {
  return absl::UnavailableError("not reachable from this gateway (no address configured)");
}

// Counts the parallel calls still running; Wait returns once all have ended.
class Pending {
 public:
  void Add() {
    absl::MutexLock lock(&mu_);
    ++running_;
  }
  void Done() {
    absl::MutexLock lock(&mu_);
    --running_;
  }
  void Wait() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* running) { return *running == 0; }, &running_));
  }

 private:
  absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
};

// A backend call's context: a child of the caller's call when there is one (its cancellation
// propagates; the deadline set on it is then the earlier of both).
std::unique_ptr<grpc::ClientContext> NewContext(const grpc::ServerContextBase* caller,
                                                absl::Time deadline) {
  std::unique_ptr<grpc::ClientContext> context =
      caller != nullptr ? grpc::ClientContext::FromServerContext(*caller)
                        : std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(deadline));
  return context;
}

// One parallel call: its context, response and result. Lives on Get's stack until Wait.
template <typename Response>
struct Call {
  std::unique_ptr<grpc::ClientContext> context;
  Response response;
  std::optional<absl::StatusOr<Response>> result;
};

// Starts `start(stub, context, response, done)` with `deadline` (a child of `caller`, when
// set), or records NotReachable when there is no stub. The result is in call->result once
// pending->Wait() has returned.
template <typename Stub, typename Response, typename Start>
void Launch(Stub* stub, const grpc::ServerContextBase* caller, absl::Time deadline,
            Call<Response>* call, Pending* pending, Start start) {
  if (stub == nullptr) {
    call->result = NotReachable();
    return;
  }
  call->context = NewContext(caller, deadline);
  pending->Add();
  start(stub, call->context.get(), &call->response, [call, pending](grpc::Status status) {
    if (status.ok()) {
      call->result = std::move(call->response);
    } else {
      call->result = FromGrpcStatus(status);
    }
    pending->Done();
  });
}

}  // namespace

Customer360Fanout::Customer360Fanout(Customer360Backends backends, Customer360Options options)
    : options_(options),
      identity_(StubOf<identity::v1::IdentityService::Stub>(backends.identity)),
      analytics_(StubOf<analytics::v1::AnalyticsService::Stub>(backends.analytics)),
      recommender_(StubOf<recommender::v1::RecommenderService::Stub>(backends.recommender)) {}

absl::Time Customer360Fanout::PartDeadline(absl::Time caller_deadline) const {
  return std::min(absl::Now() + options_.part_timeout, caller_deadline - options_.reserve);
}

absl::StatusOr<v1::GetCustomer360Response> Customer360Fanout::Get(
    const v1::GetCustomer360Request& request, absl::Time caller_deadline,
    const grpc::ServerContextBase* caller) const {
  CLT_ASSIGN_OR_RETURN(Customer360Assembler assembler, Customer360Assembler::Start(request));

  // The profile first: the other parts need its id and members.
  absl::StatusOr<identity::v1::GetProfileResponse> profile = NotReachable();
  if (identity_ != nullptr) {
    std::unique_ptr<grpc::ClientContext> context =
        NewContext(caller, PartDeadline(caller_deadline));
    identity::v1::GetProfileResponse response;
    grpc::Status status =
        identity_->GetProfile(context.get(), assembler.profile_request(), &response);
    if (status.ok()) {
      profile = std::move(response);
    } else {
      profile = FromGrpcStatus(status);
    }
  }
  CLT_RETURN_IF_ERROR(assembler.SetProfile(std::move(profile)));

  const absl::Time deadline = PartDeadline(caller_deadline);
  Pending pending;
  Call<identity::v1::GetConsentsResponse> consents;
  Call<analytics::v1::GetCustomerAnalyticsResponse> analytics;
  Call<analytics::v1::ListCustomerOrdersResponse> orders;
  Call<recommender::v1::RecommendResponse> recommendations;
  if (const auto& r = assembler.consents_request()) {
    Launch(identity_.get(), caller, deadline, &consents, &pending,
           [&r](auto* stub, auto* context, auto* response, auto done) {
             stub->async()->GetConsents(context, &*r, response, std::move(done));
           });
  }
  if (const auto& r = assembler.analytics_request()) {
    Launch(analytics_.get(), caller, deadline, &analytics, &pending,
           [&r](auto* stub, auto* context, auto* response, auto done) {
             stub->async()->GetCustomerAnalytics(context, &*r, response, std::move(done));
           });
  }
  if (const auto& r = assembler.orders_request()) {
    Launch(analytics_.get(), caller, deadline, &orders, &pending,
           [&r](auto* stub, auto* context, auto* response, auto done) {
             stub->async()->ListCustomerOrders(context, &*r, response, std::move(done));
           });
  }
  if (const auto& r = assembler.recommend_request()) {
    Launch(recommender_.get(), caller, deadline, &recommendations, &pending,
           [&r](auto* stub, auto* context, auto* response, auto done) {
             stub->async()->Recommend(context, &*r, response, std::move(done));
           });
  }
  pending.Wait();
  if (consents.result) assembler.SetConsents(*std::move(consents.result));
  if (analytics.result) assembler.SetAnalytics(*std::move(analytics.result));
  if (orders.result) assembler.SetOrders(*std::move(orders.result));
  if (recommendations.result) assembler.SetRecommendations(*std::move(recommendations.result));
  return std::move(assembler).Finish();
}

}  // namespace clientele::gateway
